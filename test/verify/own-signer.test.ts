/**
 * Our own signer's envelopes (server/signing: the real PAdES writer, embedded CA and TSA) through the
 * verifier, trusting only the exported root (issue 3: every file we produce is "valid"). Recipients fill
 * their fields and sign in turn: each fill is covered by that recipient's own signature, so under
 * Adobe's rule it is no modification of what earlier recipients signed. A fill nobody signed after the
 * last signature still is.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningService, type Signing } from '../../server/signing/index.js';
import { revisionBytes, type PlacedField } from '../../server/signing/service.js';
import { PdfString, openPdf } from '../../shared/pdf/index.js';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { summaryLines } from '../../shared/verify/summary.js';
import { sample } from '../helpers/shared-dir.js';
import { makePki, type Pki } from './helpers/pki.js';
import { appendRevision, signPdf, withKeys } from './helpers/signer.js';

let dir: string;
let signing: Signing;
let root: Uint8Array;
let testPki: Pki;

beforeAll(async () => {
  testPki = await makePki('rsa');
  dir = mkdtempSync(path.join(tmpdir(), 'verify-own-signer-'));
  signing = await createSigningService({ dataDir: dir, masterKey: randomBytes(32), publicUrl: 'http://127.0.0.1:9' });
  root = new Uint8Array(signing.pki.root.cert.rawData);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const RECIPIENTS = [
  { name: '山田 太郎', email: 'taro@vendor.example.jp', value: '令和8年11月21日' },
  { name: '佐藤 花子', email: 'hanako@vendor.example.jp', value: '株式会社サンプル 代表取締役' },
  { name: '鈴木 一郎', email: 'ichiro@city.example.lg.jp', value: '2026-11-22' },
];

/** One field per recipient, as the envelope service places them; `fields` may exceed the signers. */
function fieldsFor(n: number): PlacedField[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `f${i}`,
    name: `field${i}`,
    label: '署名日',
    type: 'text' as const,
    required: true,
    page: 1,
    rect: { x: 300, y: 120 + i * 30, width: 200, height: 20 },
    recipientId: `r${i}`,
  }));
}

/** Prepare, let `signers` recipients fill their field and approve, then (optionally) conclude (DSS + document timestamp). */
async function envelope(signers: number, opts: { fields?: number; conclude?: boolean } = {}): Promise<Uint8Array> {
  const fields = fieldsFor(opts.fields ?? signers);
  const service = signing.service;
  let pdf = await service.prepare({ pdf: sample('gyomu-itaku.pdf'), documentId: 'doc1', certificateId: randomBytes(16).toString('hex'), fields });
  let hashState: string | null = null;
  for (let i = 0; i < signers; i++) {
    const signed = await service.approve({
      pdf,
      hashState,
      documentId: 'doc1',
      signerName: RECIPIENTS[i].name,
      signerEmail: RECIPIENTS[i].email,
      approvedAt: new Date(),
      fieldValues: [{ field: fields[i], value: RECIPIENTS[i].value }],
    });
    pdf = revisionBytes(signed);
    hashState = signed.hashState;
  }
  return opts.conclude === false ? pdf : service.conclude({ pdf, documentId: 'doc1' });
}

function formChanges(r: VerificationReport, field: string) {
  return r.signatures.find((s) => s.field === field)!.modificationsAfter.changes.filter((c) => c.level === 'form');
}

describe("our signer's multi-recipient envelopes", () => {
  for (const n of [2, 3]) {
    it(`${n} recipients, each filling a field and signing: valid, every later fill listed and marked as signed`, async () => {
      const final = await envelope(n);
      const report = await verifyPdf(final, { trustAnchors: [root] });
      expect(report.problems).toEqual([]);
      expect(report.signatures.map((s) => s.kind)).toEqual([...Array(n).fill('signature'), 'timestamp']);
      for (const s of report.signatures) {
        expect(s.integrity, s.field).toBe('valid');
        expect(s.trust, s.field).toBe('trusted');
        expect(s.ltv.enabled, s.field).toBe(true);
        expect(s.problems.filter((p) => p.severity !== 'info'), s.field).toEqual([]);
      }
      expect(report.verdict).toBe('valid');
      // Nothing is hidden: the first approval still lists the later recipients' fills and signatures.
      const first = report.signatures[0];
      const fills = formChanges(report, first.field);
      expect(fills.some((c) => c.kind === 'form-fill' && c.field === 'field1')).toBe(true);
      expect(fills.some((c) => c.kind === 'signature-added')).toBe(true);
      expect(fills.every((c) => c.signed)).toBe(true);
      expect(first.modificationsAfter.level).toBe('form');
      expect(summaryLines(first, 'en').map((l) => l.text)).toContain(
        'Since this signature, only later signers have filled in and signed the document, each change covered by their own signature.',
      );
    });
  }

  it('a field filled after the last signature, signed by nobody: valid-with-changes, the fill listed as unsigned', async () => {
    const signed = await envelope(2, { fields: 3, conclude: false });
    const doc = openPdf(signed);
    const field = doc.fields().find((f) => f.name === 'field2')!;
    expect(field.ref).toBeDefined();
    const filled = appendRevision(signed, new Map([[field.ref!.num, withKeys(field.dict, { V: `<${Buffer.from('未署名の記入', 'utf16le').swap16().toString('hex').replace(/^/, 'feff')}>` })]]));
    // The fill really is in the file, after the last signature's revision.
    expect((openPdf(filled).fields().find((f) => f.name === 'field2')!.dict.get('V') as PdfString).text()).toBe('未署名の記入');
    const report = await verifyPdf(filled, { trustAnchors: [root] });
    expect(report.signatures.map((s) => [s.field, s.integrity, s.trust])).toEqual([
      [report.signatures[0].field, 'valid', 'trusted'],
      [report.signatures[1].field, 'valid', 'trusted'],
    ]);
    expect(report.verdict).toBe('valid-with-changes');
    const last = report.signatures[1];
    const unsigned = formChanges(report, last.field).filter((c) => !c.signed);
    expect(unsigned).toEqual([expect.objectContaining({ kind: 'form-fill', field: 'field2', revision: openPdf(filled).revisions.length })]);
    expect(last.problems.map((p) => p.code)).toContain('changes-after');
    // The first approval's view: the second recipient's fill is signed, the last one is not.
    const firstFills = formChanges(report, report.signatures[0].field);
    expect(firstFills.filter((c) => c.field === 'field1').every((c) => c.signed)).toBe(true);
    expect(firstFills.filter((c) => c.field === 'field2').some((c) => !c.signed)).toBe(true);
  });

  it('the same envelope concluded (DSS + document timestamp) after the unsigned fill stays valid-with-changes: a timestamp vouches for no one', async () => {
    const signed = await envelope(2, { fields: 3, conclude: false });
    const doc = openPdf(signed);
    const field = doc.fields().find((f) => f.name === 'field2')!;
    const filled = appendRevision(signed, new Map([[field.ref!.num, withKeys(field.dict, { V: '(x)' })]]));
    const final = await signing.service.conclude({ pdf: filled, documentId: 'doc1' });
    const report = await verifyPdf(final, { trustAnchors: [root] });
    expect(report.signatures.at(-1)!.kind).toBe('timestamp');
    expect(report.signatures.every((s) => s.integrity === 'valid' && s.trust === 'trusted')).toBe(true);
    expect(report.verdict).toBe('valid-with-changes');
  });

  it("FieldMDP: filling a field an earlier signature locked stays a change even when the filler signs; an unlocked field does not", async () => {
    const prepared = await signing.service.prepare({ pdf: sample('gyomu-itaku.pdf'), documentId: 'd', certificateId: 'ab'.repeat(16), fields: fieldsFor(2) });
    const locked = await signPdf(prepared, { pki: testPki, field: 'Lock', fieldMdp: { action: 'Include', fields: ['field0'] } });
    const fillAndSign = async (name: string) => {
      const f = openPdf(locked).fields().find((x) => x.name === name)!;
      return signPdf(appendRevision(locked, new Map([[f.ref!.num, withKeys(f.dict, { V: '(filled)' })]])), { pki: testPki, field: 'Second' });
    };
    const anchors = [testPki.root.der];

    const bad = await verifyPdf(await fillAndSign('field0'), { trustAnchors: anchors });
    expect(bad.signatures.map((s) => [s.field, s.integrity, s.trust])).toEqual([
      ['Lock', 'valid', 'trusted'],
      ['Second', 'valid', 'trusted'],
    ]);
    const lock = bad.signatures[0];
    expect(lock.problems.find((p) => p.code === 'fieldmdp-violation')).toMatchObject({ severity: 'warning', message: { en: 'Field "field0", locked by this signature, was changed.' } });
    expect(formChanges(bad, 'Lock').filter((c) => c.kind === 'form-fill' && c.field === 'field0').every((c) => !c.signed)).toBe(true);
    expect(bad.verdict).toBe('valid-with-changes');

    const good = await verifyPdf(await fillAndSign('field1'), { trustAnchors: anchors });
    expect(good.signatures[0].problems.map((p) => p.code)).not.toContain('fieldmdp-violation');
    expect(formChanges(good, 'Lock').some((c) => c.kind === 'form-fill' && c.field === 'field1' && c.signed)).toBe(true);
    expect(good.verdict).toBe('valid');
  });
});
