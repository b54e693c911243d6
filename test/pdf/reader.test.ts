import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfDict, PdfError, PdfName, PdfRef, PdfStream, PdfString, decodeText, inspectUpload, openPdf, parsePdfDate } from '../../shared/pdf/index.js';
import { appendRevision, buildPdf, bytesOf, deflateSync, latin1, simplePdf, stream, text } from './helpers/build.js';
import { CORPUS_DIR } from '../helpers/shared-dir.js';

const corpusDir = CORPUS_DIR;
const samplesDir = path.resolve(corpusDir, '..', 'samples');

function qpdfPages(file: string): number | undefined {
  try {
    return Number(execFileSync('qpdf', ['--show-npages', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
  } catch {
    return undefined; // qpdf warns (exit 3) or fails: no reference count
  }
}

function pdfFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .map((f) => path.join(dir, f));
}

describe('openPdf on real files', () => {
  const files = [...pdfFiles(samplesDir), ...['pyhanko', 'dss', 'pdfjs'].flatMap((d) => pdfFiles(path.join(corpusDir, d)))];

  it('counts the same pages as qpdf on every sample and corpus file qpdf reads cleanly', () => {
    let compared = 0;
    for (const f of files) {
      const expected = qpdfPages(f);
      if (expected === undefined || expected === 0) continue;
      const doc = openPdf(new Uint8Array(readFileSync(f)));
      if (doc.isEncrypted) continue;
      expect(doc.pageCount(), f).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('finds one revision per incremental update, each ending after its %%EOF', () => {
    const bytes = new Uint8Array(readFileSync(path.join(corpusDir, 'pyhanko', 'pades-lta-dss-indirect-arrs-test.pdf')));
    const doc = openPdf(bytes);
    expect(doc.revisions.length).toBe(5);
    for (const r of doc.revisions) expect(text(bytes.subarray(r.end - 6, r.end)).trim()).toBe('%%EOF');
    expect(doc.revisions.at(-1)!.end).toBe(bytes.length);
    const first = doc.atRevision(0);
    expect(first.bytes.length).toBe(doc.revisions[0].end);
    expect(first.pageCount()).toBe(1);
  });

  it('keeps a linearized file (first-page xref whose /Prev points forward) as one revision', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reader-'));
    try {
      const out = path.join(dir, 'lin.pdf');
      execFileSync('qpdf', ['--linearize', path.join(samplesDir, 'gyomu-itaku.pdf'), out]);
      const bytes = new Uint8Array(readFileSync(out));
      const doc = openPdf(bytes);
      expect(doc.revisions.length).toBe(1);
      expect(doc.revisions[0].sections.length).toBe(2);
      expect(doc.revisions[0].end).toBe(bytes.length);
      expect(doc.pageCount()).toBe(qpdfPages(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads xref streams and object streams (Adobe-signed file)', () => {
    const doc = openPdf(new Uint8Array(readFileSync(path.join(corpusDir, 'pyhanko', 'minimal-signed-twice-both-created.pdf'))));
    expect(doc.xrefKind).toBe('stream');
    const compressed = [...doc.xref().values()].filter((e) => e.type === 'compressed');
    expect(compressed.length).toBeGreaterThan(0);
    const sigs = doc.fields().filter((f) => f.type === 'Sig');
    expect(sigs.length).toBe(2);
  });

  it('reports the sample contracts as acceptable uploads', () => {
    for (const f of pdfFiles(samplesDir)) {
      const r = inspectUpload(new Uint8Array(readFileSync(f)));
      expect(r).toMatchObject({ ok: true, pageCount: qpdfPages(f), xrefKind: 'table', signatureCount: 0 });
    }
  });

  it('counts signatures in signed corpus files and refuses the encrypted ones', () => {
    const signed = inspectUpload(new Uint8Array(readFileSync(path.join(corpusDir, 'pyhanko', 'minimal-two-fields-signed-twice.pdf'))));
    expect(signed).toMatchObject({ ok: true, signatureCount: 2, xrefKind: 'stream' });
    const enc = inspectUpload(new Uint8Array(readFileSync(path.join(corpusDir, 'pdfjs', 'issue17069.pdf'))));
    expect(enc).toMatchObject({ ok: false, code: 'encrypted' });
  });
});

describe('openPdf on hand-made files', () => {
  it('gives the signing engineer trailer, kind, startxref, size, catalog and pages', () => {
    for (const kind of ['table', 'stream'] as const) {
      const bytes = simplePdf(3, kind);
      const doc = openPdf(bytes);
      expect(doc.xrefKind).toBe(kind);
      expect(doc.size).toBe(kind === 'table' ? 6 : 7);
      expect(text(bytes.subarray(doc.startxref, doc.startxref + 4)) === 'xref').toBe(kind === 'table');
      expect(doc.catalog().isName('Type', 'Catalog')).toBe(true);
      expect(doc.pageCount()).toBe(3);
      expect(doc.page(2).ref).toEqual(new PdfRef(5, 0));
      expect(doc.inherited(doc.page(0).dict, 'MediaBox')).toEqual([0, 0, 595, 842]);
      expect(doc.trailer.get('Root')).toEqual(new PdfRef(1, 0));
    }
  });

  it('sees an incremental update as a new revision and keeps the old one readable', () => {
    const base = simplePdf(1);
    const updated = appendRevision(base, { 3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>' });
    const doc = openPdf(updated);
    expect(doc.revisions.map((r) => r.end)).toEqual([base.length, updated.length]);
    expect(doc.revisions[1].objectNumbers).toEqual([3]);
    expect(doc.inherited(doc.page(0).dict, 'MediaBox')).toEqual([0, 0, 100, 100]);
    expect(doc.atRevision(0).inherited(doc.atRevision(0).page(0).dict, 'MediaBox')).toEqual([0, 0, 595, 842]);
  });

  it('parses names, strings, numbers, references and stream offsets', () => {
    const bytes = simplePdf(1, 'table', {
      9: '<< /A#20B (a\\(b\\)\\101) /H <FEFF65E5672C> /N -1.5 /R 1 0 R /Arr [1 2 0 R 3] >>',
      10: stream('/Type /Test', 'hello world', true),
    });
    const doc = openPdf(bytes);
    const d = doc.getObject(9) as PdfDict;
    expect(d.get('A B')).toBeInstanceOf(PdfString);
    expect((d.get('A B') as PdfString).text()).toBe('a(b)A');
    expect((d.get('H') as PdfString).text()).toBe('日本');
    expect(d.get('N')).toBe(-1.5);
    expect(d.get('R')).toEqual(new PdfRef(1, 0));
    expect(d.get('Arr')).toEqual([1, new PdfRef(2, 0), 3]);
    const s = doc.getObject(10) as PdfStream;
    expect(new TextDecoder().decode(s.decode())).toBe('hello world');
    expect(s.dict.get('Type')).toEqual(new PdfName('Test'));
    expect(s.dataEnd - s.dataStart).toBe((s.dict.get('Length') as number));
  });

  it('decodes text strings and dates', () => {
    expect(decodeText(latin1('\x80abc'))).toBe('•abc');
    expect(parsePdfDate("D:20240102030405+09'00'")?.toISOString()).toBe('2024-01-01T18:04:05.000Z');
    expect(parsePdfDate('D:20240102030405Z')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(parsePdfDate('yesterday')).toBeUndefined();
  });

  it('caps a deflate bomb instead of inflating it', () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(64 * 1024 * 1024)));
    const bytes = simplePdf(1, 'table', { 9: bytesOf(`<< /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, bomb, '\nendstream') });
    const doc = openPdf(bytes, { maxStreamBytes: 1024 * 1024 });
    const s = doc.getObject(9) as PdfStream;
    expect(() => s.decode()).toThrowError(expect.objectContaining({ code: 'too-large' }) as unknown as Error);
  });

  it('stops on a /Prev loop, a self-referencing /Length and deep nesting', () => {
    const base = text(simplePdf(1));
    const at = base.lastIndexOf('startxref');
    const loop = latin1(base.replace('trailer\n<<', `trailer\n<< /Prev ${base.lastIndexOf('xref\n', at)}`));
    expect(() => openPdf(loop)).toThrowError(PdfError);
    const deep = simplePdf(1, 'table', { 9: '['.repeat(500) + ']'.repeat(500) });
    expect(() => openPdf(deep).getObject(9)).toThrowError(expect.objectContaining({ code: 'too-complex' }) as unknown as Error);
    const selfLen = simplePdf(1, 'table', { 9: '<< /Length 9 0 R >>\nstream\nabc\nendstream' });
    expect(() => openPdf(selfLen).getObject(9)).not.toThrow(); // falls back to `endstream`
  });
});

describe('inspectUpload refuses what cannot be signed safely', () => {
  const ok = simplePdf(2);
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'empty'],
    ['not a PDF', latin1('<html>hello</html>'), 'not-pdf'],
    ['truncated', ok.subarray(0, ok.length - 60), 'truncated'],
    ['startxref at garbage', latin1(text(ok).replace(/startxref\n\d+/, 'startxref\n20')), 'broken-xref'],
    ['xref entry pointing at the wrong object', latin1(text(ok).replace(/(xref\n0 1\n0000000000 65535 f \n1 \d+\n)(\d{10})/, (_m, a: string, b: string) => a + String(Number(b) + 1).padStart(10, '0'))), 'broken-xref'],
    ['encrypted', buildPdf({ objects: { 1: '<< /Type /Catalog /Pages 2 0 R >>', 2: '<< /Type /Pages /Kids [] /Count 0 >>', 3: '<< /Filter /Standard /V 2 >>' }, extraTrailer: '/Encrypt 3 0 R' }), 'encrypted'],
    ['no page tree', buildPdf({ objects: { 1: '<< /Type /Catalog >>' } }), 'no-pages'],
    ['a cycle in the page tree', buildPdf({ objects: { 1: '<< /Type /Catalog /Pages 2 0 R >>', 2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', 3: '<< /Type /Pages /Kids [2 0 R] /Count 1 >>' } }), 'no-pages'],
  ];
  for (const [name, bytes, code] of cases) {
    it(`refuses ${name} as ${code}`, () => {
      const t0 = performance.now();
      const r = inspectUpload(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe(code);
        expect(r.message.ja.length).toBeGreaterThan(0);
        expect(r.message.en.length).toBeGreaterThan(0);
      }
      expect(performance.now() - t0).toBeLessThan(1000);
    });
  }

  it('accepts a 10,000-page file quickly and counts its pages', () => {
    const bytes = simplePdf(10_000, 'stream');
    const t0 = performance.now();
    const r = inspectUpload(bytes);
    expect(r).toEqual({ ok: true, pageCount: 10_000, xrefKind: 'stream', signatureCount: 0 });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('refuses a huge array budget-bound instead of hanging', () => {
    const huge = simplePdf(1, 'table', { 2: `<< /Type /Pages /Kids [3 0 R ${'0 '.repeat(3_000_000)}] /Count 1 >>` });
    const t0 = performance.now();
    const r = inspectUpload(huge);
    expect(r.ok).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
