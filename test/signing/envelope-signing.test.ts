import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfDict, PdfRef, PdfStream, PdfString, openPdf } from '../../shared/pdf/index.js';
import { revisionBytes, type PlacedField, type SigningService } from '../../server/signing/service.js';
import { checkEnvFor, checkSignedPdf, pdfsigBlocks, type CheckEnv } from './checks.js';
import { startPkiServer, type PkiServer } from './pki-server.js';
import { findSignatures } from './signatures.js';
import { nssDbTrusting, requireTool, run, runAsync, tempDir, writeTemp } from './tools.js';
import { SAMPLES_DIR } from '../helpers/shared-dir.js';
import { verifyPdf } from '../../shared/verify/index.js';

const SAMPLES = SAMPLES_DIR;
const sample = (name: string) => new Uint8Array(readFileSync(`${SAMPLES}/${name}`));

let srv: PkiServer;
let service: SigningService;
let env: CheckEnv;

beforeAll(async () => {
  for (const t of ['pdfsig', 'qpdf', 'openssl', 'certutil']) requireTool(t);
  srv = await startPkiServer({ masterKey: randomBytes(32) });
  service = srv.signing.service;
  env = checkEnvFor(srv);
});

afterAll(async () => srv?.close());

const RECIPIENTS = [
  { name: '山田 太郎', email: 'taro@vendor.example.jp', value: '令和8年11月21日' },
  { name: '佐藤 花子', email: 'hanako@vendor.example.jp', value: '株式会社サンプル 代表取締役' },
  { name: '鈴木 一郎', email: 'ichiro@city.example.lg.jp', value: '2026-11-22' },
];

function fieldsFor(n: number): PlacedField[] {
  return RECIPIENTS.slice(0, n).map((_, i) => ({
    id: `f${i}`,
    name: `field${i}`,
    label: '署名日',
    type: i === 2 ? 'date' : 'text',
    required: true,
    page: 1,
    rect: { x: 300, y: 120 + i * 30, width: 200, height: 20 },
    recipientId: `r${i}`,
  }));
}

async function runEnvelope(n: number, pdf: Uint8Array, at = () => new Date()) {
  const fields = fieldsFor(n);
  let doc = await service.prepare({ pdf, documentId: 'doc1', certificateId: randomBytes(16).toString('hex'), fields });
  let hashState: string | null = null;
  for (let i = 0; i < n; i++) {
    const signed = await service.approve({
      pdf: doc,
      hashState,
      documentId: 'doc1',
      signerName: RECIPIENTS[i].name,
      signerEmail: RECIPIENTS[i].email,
      approvedAt: at(),
      fieldValues: [{ field: fields[i], value: RECIPIENTS[i].value }],
    });
    expect(signed.sha256).toBe(createHash('sha256').update(revisionBytes(signed)).digest('hex'));
    doc = revisionBytes(signed);
    hashState = signed.hashState;
  }
  return service.conclude({ pdf: doc, documentId: 'doc1' });
}

describe('an envelope signed by independent tools’ standards', () => {
  for (const n of [1, 2, 3]) {
    it(`${n}-recipient envelope: every signature valid and trusted (pdfsig), every revision clean (qpdf), CMS and timestamps verified (openssl)`, async () => {
      const final = await runEnvelope(n, sample(n === 1 ? 'ukesho.pdf' : 'gyomu-itaku.pdf'));
      await checkSignedPdf(env, final, { approvals: n, docTimestamps: 1 });
    });
  }

  // Our own verifier (shared/verify) over the same kind of outputs, trusting only the exported root:
  // "valid" for every file we produce. What it reports for each signature is printed, and shown in
  // full when an expectation fails.
  for (const n of [1, 2, 3]) {
    it(`${n}-recipient envelope: our verifier says valid: every signature intact, trusted, with LTV, only the envelope's own changes after each`, async () => {
      const final = await runEnvelope(n, sample(n === 1 ? 'ukesho.pdf' : 'gyomu-itaku.pdf'));
      const report = await verifyPdf(final, { trustAnchors: [new Uint8Array(srv.signing.pki.root.cert.rawData)] });
      const seen = report.signatures.map((s) => ({
        field: s.field,
        kind: s.kind,
        integrity: s.integrity,
        trust: s.trust,
        ltv: s.ltv,
        modificationsAfter: { level: s.modificationsAfter.level, kinds: [...new Set(s.modificationsAfter.changes.map((c) => c.kind))] },
        problems: s.problems.map((p) => `${p.severity}:${p.code}`),
      }));
      expect(report.signatures.map((s) => s.kind)).toEqual([...Array(n).fill('signature'), 'timestamp']);
      for (const s of report.signatures) {
        expect(s.integrity, s.field).toBe('valid');
        expect(s.trust, s.field).toBe('trusted');
        expect(s.ltv, s.field).toEqual({ enabled: true, missing: [] });
      }
      const said = `our verifier reports: ${JSON.stringify({ verdict: report.verdict, problems: report.problems.map((p) => p.code), signatures: seen })}`;
      console.info(`${n} recipient(s): ${said}`);
      // What every file we produce must show: nothing wrong, and after each signature only what the
      // envelope adds (later approvals with their recipients' form values, the DSS, the timestamp).
      expect(report.problems, said).toEqual([]);
      for (const s of seen) {
        expect(s.problems.filter((p) => !p.startsWith('info:')), said).toEqual([]);
        expect(['none', 'lta', 'form'], said).toContain(s.modificationsAfter.level);
        for (const k of s.modificationsAfter.kinds) expect(['signature-added', 'form-fill', 'dss', 'timestamp-added'], said).toContain(k);
      }
      expect(report.verdict, said).toBe('valid');
    });
  }

  it('writes the reason, location, name and time into each approval signature', async () => {
    // pdfsig checks the certificate at /M: a time after the PKI was made.
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    const final = await runEnvelope(2, sample('ukesho.pdf'), () => t);
    const doc = openPdf(final);
    const j = new Date(t.getTime() + 9 * 3600_000).toISOString();
    const jst = `${j.slice(0, 10)} ${j.slice(11, 19)} +09:00`;
    const utc = t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const sigs = doc.fields().filter((f) => f.type === 'Sig');
    const v = doc.dict(sigs[0].dict.get('V'))!;
    const text = (k: string) => (doc.resolve(v.get(k)) as { text(): string }).text();
    expect(text('Reason')).toBe(`山田 太郎 様 taro@vendor.example.jp が ${jst} に承認しました`);
    expect(text('Location')).toBe('日本');
    expect(text('Name')).toBe('山田 太郎');
    expect(text('M')).toBe(`D:${utc}Z`);
    // stored as UTF-16BE with a BOM
    expect(Array.from((doc.resolve(v.get('Reason')) as { bytes: Uint8Array }).bytes.subarray(0, 2))).toEqual([0xfe, 0xff]);
  });

  it('appends each approval without touching a single earlier byte', async () => {
    const fields = fieldsFor(2);
    const prepared = await service.prepare({ pdf: sample('gyomu-itaku.pdf'), documentId: 'd', certificateId: 'ab'.repeat(16), fields });
    const first = await service.approve({ pdf: prepared, documentId: 'd', signerName: 'A', signerEmail: 'a@x.jp', approvedAt: new Date(), fieldValues: [] });
    const one = revisionBytes(first);
    const two = revisionBytes(await service.approve({ pdf: one, hashState: first.hashState, documentId: 'd', signerName: 'B', signerEmail: 'b@x.jp', approvedAt: new Date(), fieldValues: [] }));
    expect(Buffer.from(one.subarray(0, prepared.length)).equals(Buffer.from(prepared))).toBe(true);
    expect(Buffer.from(two.subarray(0, one.length)).equals(Buffer.from(one))).toBe(true);
    expect(openPdf(two).revisions).toHaveLength(openPdf(prepared).revisions.length + 2);
  });

  it('puts the DSS (certificates, CRLs, OCSP responses) before the document timestamp', async () => {
    const final = await runEnvelope(1, sample('ukesho.pdf'));
    const doc = openPdf(final);
    const dss = doc.dict(doc.catalog().get('DSS'))!;
    const count = (k: string) => (doc.resolve(dss.get(k)) as unknown[]).length;
    expect(count('Certs')).toBe(5); // root, signing CA, signer, TSA, OCSP responder
    expect(count('CRLs')).toBe(2);
    expect(count('OCSPs')).toBe(2); // signer and TSA
    const ocsp = doc.resolve((doc.resolve(dss.get('OCSPs')) as unknown[])[0] as never) as PdfStream;
    const resp = writeTemp(env.work, 'dss-ocsp.der', ocsp.decode());
    const r = run('openssl', ['ocsp', '-respin', resp, '-CAfile', env.rootFile, '-resp_text', '-noverify']);
    expect(r.stdout).toContain('Cert Status: good');
    const [approval, stamp] = findSignatures(final);
    const dssRevision = doc.revisions.find((rv) => rv.end > approval.end && rv.end < stamp.end);
    expect(dssRevision, 'a DSS revision between the approval and the document timestamp').toBeDefined();
    expect(doc.atRevision(dssRevision!.index).catalog().has('DSS')).toBe(true);
    // VRI: the approval's entry, keyed by the uppercase hex SHA-1 of its /Contents value bytes, names
    // its signer's and TSA's chains, both CRLs and both OCSP responses, with the time they were taken.
    const contents = (doc.dict(doc.fields().find((f) => f.name === approval.field)!.dict.get('V'))!.get('Contents') as { bytes: Uint8Array }).bytes;
    const key = createHash('sha1').update(contents).digest('hex').toUpperCase();
    const entry = doc.dict(doc.dict(dss.get('VRI'))!.get(key))!;
    expect(entry, `/VRI /${key}`).toBeInstanceOf(PdfDict);
    const named = (k: string) => (doc.resolve(entry.get(k)) as PdfRef[]).map((r) => Buffer.from((doc.resolve(r) as PdfStream).decode()));
    const pki = srv.signing.pki;
    for (const c of [pki.signer.chain[0], pki.tsa.chain[0], pki.signingCa.cert, pki.root.cert]) expect(named('Cert').some((d) => d.equals(Buffer.from(c.rawData))), c.subject).toBe(true);
    expect(named('CRL')).toHaveLength(2);
    expect(named('OCSP')).toHaveLength(2);
    expect((doc.resolve(entry.get('TU')) as PdfString).text()).toMatch(/^D:\d{14}Z$/);
    const ext = doc.dict(doc.dict(doc.catalog().get('Extensions'))!.get('ESIC'))!;
    expect(doc.resolve(ext.get('ExtensionLevel'))).toBe(5);
  });

  it('one flipped byte in any signed range makes pdfsig report a digest mismatch', async () => {
    const final = await runEnvelope(1, sample('ukesho.pdf'));
    const [approval] = findSignatures(final);
    const [, a, b] = approval.byteRange;
    // Flips that keep the syntax parseable, so pdfsig gets as far as the digest: the binary comment of
    // the header, the middle of the first range, and a hex digit of /M after /Contents (second range).
    const m = Buffer.from(final).indexOf('/M <', b, 'latin1') + 5;
    expect(m).toBeGreaterThan(b);
    for (const at of [10, Math.floor(a / 2), m]) {
      const bad = new Uint8Array(final.subarray(0, approval.end));
      bad[at] ^= 0x01;
      const file = writeTemp(env.work, `flip-${at}.pdf`, bad);
      const blocks = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, file])).stdout);
      expect(blocks[0], `byte ${at} flipped`).toMatch(/Digest Mismatch/i);
    }
  });

  it('fills Japanese field values with an embedded CJK font subset and appearance streams', async () => {
    const final = await runEnvelope(1, sample('ukesho.pdf'));
    const file = writeTemp(env.work, 'filled.pdf', final);
    const fonts = run('pdffonts', [file]).stdout;
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansCJKjp-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const text = run('mutool', ['draw', '-F', 'txt', '-o', '-', file, '1']).stdout;
    expect(text).toContain('令和8年11月21日');
    const doc = openPdf(final);
    const field = doc.fields().find((f) => f.name === 'field0')!;
    const widget = field.dict.has('AP') ? field.dict : doc.dict((doc.resolve(field.dict.get('Kids')) as never[])[0])!;
    expect(doc.dict(doc.dict(widget.get('AP'))!.get('N'))).toBeInstanceOf(PdfDict);
    expect(doc.acroForm()!.has('NeedAppearances')).toBe(false);
    expect(doc.resolve(doc.acroForm()!.get('SigFlags'))).toBe(3);
    // The signature timestamp is a real RFC 3161 token inside the CMS.
    const [s] = findSignatures(final);
    expect(asn1js.fromBER(new Uint8Array(s.der)).offset).toBeGreaterThan(0);
  });
});
