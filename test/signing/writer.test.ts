import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfString, openPdf } from '../../shared/pdf/index.js';
import { checkUpload, DocumentRefusedError } from '../../server/signing/index.js';
import { revisionBytes, type ApprovalInput, type PlacedField } from '../../server/signing/service.js';
import { checkEnvFor, checkSignedPdf, pdfsigBlocks, type CheckEnv } from './checks.js';
import { startPkiServer, type PkiServer } from './pki-server.js';
import { nssDbTrusting, requireTool, run, runAsync, tempDir, writeTemp } from './tools.js';
import { CORPUS_DIR, samplePath } from '../helpers/shared-dir.js';

const CORPUS = CORPUS_DIR;
const SAMPLE = samplePath('gyomu-itaku.pdf');

let srv: PkiServer;
let env: CheckEnv;

beforeAll(async () => {
  for (const t of ['pdfsig', 'qpdf', 'openssl', 'certutil', 'mutool']) requireTool(t);
  srv = await startPkiServer({ masterKey: randomBytes(32) });
  env = checkEnvFor(srv);
});
afterAll(async () => srv?.close());

/** The sample rewritten by qpdf with the given options (an independent producer of each structure). */
function qpdfVariant(name: string, args: string[]): Uint8Array {
  const out = path.join(env.work, `${name}.pdf`);
  const r = run('qpdf', [...args, SAMPLE, out]);
  expect(r.status, r.stderr).toBe(0);
  return new Uint8Array(readFileSync(out));
}

async function approveTwiceAndConclude(pdf: Uint8Array, first: ApprovalInput['fieldValues'] = []) {
  const s = srv.signing.service;
  let doc = pdf;
  let hashState: string | null = null;
  for (const [i, who] of ['山田 太郎', '佐藤 花子'].entries()) {
    const signed = await s.approve({ pdf: doc, hashState, documentId: 'd', signerName: who, signerEmail: 'x@example.jp', approvedAt: new Date(), fieldValues: i === 0 ? first : [] });
    doc = revisionBytes(signed);
    hashState = signed.hashState;
  }
  return s.conclude({ pdf: doc, documentId: 'd' });
}

const DATE_FIELD: PlacedField = {
  id: 'f',
  name: 'signedOn',
  label: '署名日',
  type: 'date',
  required: true,
  page: 1,
  rect: { x: 20, y: 30, width: 120, height: 16 }, // inside the smallest corpus page (300 × 144)
  recipientId: 'r',
};

describe('the incremental writer on every cross-reference structure', () => {
  const variants: [string, () => Uint8Array, 'table' | 'stream'][] = [
    ['classic xref table (LibreOffice)', () => new Uint8Array(readFileSync(SAMPLE)), 'table'],
    ['xref stream with object streams', () => qpdfVariant('objstm', ['--object-streams=generate']), 'stream'],
    ['linearized, classic tables', () => qpdfVariant('lin', ['--linearize']), 'table'],
    ['linearized with object streams', () => qpdfVariant('linobj', ['--linearize', '--object-streams=generate']), 'stream'],
  ];
  for (const [label, make, kind] of variants) {
    it(`${label}: appends sections of the same kind and every check passes`, async () => {
      const pdf = make();
      expect(openPdf(pdf).xrefKind).toBe(kind);
      const final = await approveTwiceAndConclude(pdf);
      const doc = openPdf(final);
      for (const rev of doc.revisions.slice(openPdf(pdf).revisions.length)) expect(rev.xrefKind).toBe(kind);
      const ids = (d: typeof doc) => (d.resolve(d.trailer.get('ID')) as PdfString[]).map((x) => Buffer.from(x.bytes).toString('hex'));
      expect(ids(doc)).toEqual(ids(openPdf(pdf)));
      await checkSignedPdf(env, final, { approvals: 2, docTimestamps: 1 });
    });
  }
});

describe('files already signed by others', () => {
  const files = ['pyhanko/pades-lta-dss-indirect-arrs-test.pdf', 'dss/pades-bes.pdf', 'pyhanko/minimal-signed-twice-both-created.pdf', 'dss/doc-firmado-LT.pdf'];
  for (const f of files) {
    it(`${f}: gets an approval, and its earlier signatures still verify as before`, async () => {
      const original = new Uint8Array(readFileSync(path.join(CORPUS, f)));
      const before = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, writeTemp(env.work, 'before.pdf', original)])).stdout);
      expect(before.length).toBeGreaterThan(0);
      const id = randomBytes(16).toString('hex');
      const prepared = await srv.signing.service.prepare({ pdf: original, documentId: 'd', certificateId: id, fields: [DATE_FIELD] });
      expect(Buffer.from(prepared.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      const final = await approveTwiceAndConclude(prepared, [{ field: DATE_FIELD, value: '令和8年11月21日' }]);
      const text = run('mutool', ['draw', '-F', 'txt', '-o', '-', writeTemp(env.work, 'text.pdf', final), '1']).stdout;
      expect(text, 'the ID stamp and the filled date on page 1').toContain(id);
      expect(text).toContain('令和8年11月21日');
      expect(Buffer.from(final.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      // Another producer's VRI entries stay as they were, beside ours.
      const vriKeys = (d: ReturnType<typeof openPdf>) => {
        const dss = d.dict(d.catalog().get('DSS'));
        return dss ? (d.dict(dss.get('VRI'))?.keys() ?? []) : [];
      };
      const theirs = vriKeys(openPdf(original));
      expect(vriKeys(openPdf(final))).toEqual(expect.arrayContaining(theirs));
      const after = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, writeTemp(env.work, 'after.pdf', final)])).stdout);
      for (const [i, b] of before.entries()) {
        const validation = (s: string) => /Signature Validation: (.*)/.exec(s)?.[1];
        expect(validation(after[i]), `earlier signature #${i + 1}`).toBe(validation(b));
      }
      await checkSignedPdf(env, final, {
        approvals: 2,
        docTimestamps: 1,
        foreign: before.length,
        ownRevisionsFrom: openPdf(original).revisions.length,
      });
    });
  }
});

describe('upload refusals', () => {
  it('refuses an encrypted file with a clear message in both languages', () => {
    const out = path.join(env.work, 'enc.pdf');
    expect(run('qpdf', ['--encrypt', 'u', 'o', '256', '--', SAMPLE, out]).status).toBe(0);
    try {
      checkUpload(readFileSync(out));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentRefusedError);
      expect((e as DocumentRefusedError).code).toBe('encrypted');
      expect((e as DocumentRefusedError).messages.ja).toContain('暗号化');
    }
  });

  it('refuses a file whose startxref points nowhere', () => {
    const bytes = Buffer.from(readFileSync(SAMPLE));
    const at = bytes.lastIndexOf('startxref');
    const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from('startxref\n999\n%%EOF\n')]);
    expect(() => checkUpload(broken)).toThrow(DocumentRefusedError);
    try {
      checkUpload(broken);
    } catch (e) {
      expect((e as DocumentRefusedError).code).toBe('broken-xref');
    }
  });

  it('refuses a document certified against changes (DocMDP P=1)', () => {
    const certified = readFileSync(path.join(CORPUS, 'pyhanko/certified-with-indirect-refs-in-dir.pdf'));
    expect(() => checkUpload(certified)).toThrow(expect.objectContaining({ code: 'certified' }));
    // an ordinary signed file is accepted, with its signature count
    expect(checkUpload(readFileSync(path.join(CORPUS, 'dss/pades-bes.pdf')))).toBe(1);
  });

  it('prepare refuses the same files before any change', async () => {
    const out = path.join(env.work, 'enc2.pdf');
    run('qpdf', ['--encrypt', 'u', 'o', '256', '--', SAMPLE, out]);
    await expect(
      srv.signing.service.prepare({ pdf: readFileSync(out), documentId: 'd', certificateId: 'ab'.repeat(16), fields: [] }),
    ).rejects.toBeInstanceOf(DocumentRefusedError);
  });
});
