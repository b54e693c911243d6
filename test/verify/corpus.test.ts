import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { CORPUS_DIR } from '../helpers/shared-dir.js';

const corpusDir = CORPUS_DIR;

interface Expectation {
  file: string;
  expect: 'intact' | 'allowed' | 'reject' | 'no-crash';
  what: string;
}

function manifest(): Expectation[] {
  return readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [file, expect, what] = l.split('\t');
      return { file, expect: expect as Expectation['expect'], what };
    });
}

const INTACT_VERDICTS = ['valid', 'valid-with-changes', 'unknown-trust'];
const COVERAGE_OR_INTEGRITY = /^(byte-range|coverage|dict-outside|digest|signature-invalid|cms-|contents-|signer-certificate|message-digest)/;

function intact(r: VerificationReport): boolean {
  return (
    INTACT_VERDICTS.includes(r.verdict) &&
    r.signatures.length > 0 &&
    r.signatures.every((s) => s.integrity === 'valid' && s.coverage !== 'nonstandard' && !s.problems.some((p) => COVERAGE_OR_INTEGRITY.test(p.code)))
  );
}

describe('the corpus of real signed PDFs (MANIFEST.tsv)', () => {
  const entries = manifest();

  it('has expectations to meet', () => {
    expect(entries.length).toBeGreaterThanOrEqual(70);
  });

  for (const e of entries) {
    it(`${e.expect}: ${e.file} — ${e.what}`, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(corpusDir, e.file)));
      const t0 = performance.now();
      const r = await verifyPdf(bytes);
      expect(performance.now() - t0).toBeLessThan(5000);
      // Plain data: survives JSON (what the CLI prints).
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      for (const p of [...r.problems, ...r.signatures.flatMap((s) => s.problems)]) {
        expect(p.message.ja.length).toBeGreaterThan(0);
        expect(p.message.en.length).toBeGreaterThan(0);
      }
      switch (e.expect) {
        case 'intact':
          expect(intact(r), JSON.stringify(r.signatures.map((s) => [s.integrity, s.coverage, s.problems.map((p) => p.code)]))).toBe(true);
          break;
        case 'allowed':
          expect(intact(r)).toBe(true);
          expect(['valid-with-changes', 'unknown-trust']).toContain(r.verdict);
          expect(r.signatures.some((s) => s.modificationsAfter.level !== 'none' && s.modificationsAfter.changes.length > 0)).toBe(true);
          break;
        case 'reject':
          expect(r.verdict).toBe('invalid');
          break;
        case 'no-crash':
          expect(['valid', 'valid-with-changes', 'invalid', 'unknown-trust', 'unsigned']).toContain(r.verdict);
          break;
      }
    });
  }

  it('explains the rejections by the attack they carry', async () => {
    const codes = async (file: string) => {
      const r = await verifyPdf(new Uint8Array(readFileSync(path.join(corpusDir, file))));
      return new Set([...r.problems, ...r.signatures.flatMap((s) => s.problems)].map((p) => p.code));
    };
    expect(await codes('dss/siwa.pdf')).toContain('byte-range-gap');
    expect(await codes('dss/pades-lta-copied-doctst.pdf')).toContain('timestamp-imprint-mismatch');
    expect(await codes('dss/pdf-double-signer-info.pdf')).toContain('cms-signer-count');
    expect(await codes('pyhanko/pdf-sig-with-econtent.pdf')).toContain('cms-econtent');
    expect(await codes('dss/pdf-signed-added-page.pdf')).toContain('disallowed-changes');
    expect(await codes('pyhanko/form-update-override-appearance-stream-sneaky.pdf')).toContain('disallowed-changes');
    expect(await codes('pyhanko/ed448-disallowed-hash.pdf')).toContain('algorithm-unsupported');
    expect(await codes('pdfjs/issue17069.pdf')).toContain('encrypted');
  });

  it('dss/test-with-vri.pdf: the field its signature locks (FieldMDP /All) really changed later — warned, never "valid"', async () => {
    // Revision 4 (with the DSS) rewrites TestField2's value TEST2 → TEST20 and its appearance. The MANIFEST
    // says "intact" (EU DSS checks FieldMDP at warning level), so the lock is a warning, not an error.
    const r = await verifyPdf(new Uint8Array(readFileSync(path.join(corpusDir, 'dss/test-with-vri.pdf'))));
    const s = r.signatures.find((x) => x.field === 'TestSignature')!;
    expect(s.problems.find((p) => p.code === 'fieldmdp-violation')).toMatchObject({ severity: 'warning', message: { en: 'Field "TestField2", locked by this signature, was changed.' } });
    expect(s.modificationsAfter.changes).toContainEqual(expect.objectContaining({ kind: 'form-fill', field: 'TestField2', revision: 4 }));
    expect(r.verdict).not.toBe('valid');
  });
});
