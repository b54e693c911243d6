import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfRef, PdfStream, PdfString, openPdf } from '../../shared/pdf/index.js';
import { createSigningService, PadesSigningService } from '../../server/signing/index.js';
import { validationDataFor } from '../../server/signing/pki/validation-data.js';
import { createTimestamper } from '../../server/signing/tsa/timestamper.js';
import { revisionBytes, type PlacedField } from '../../server/signing/service.js';
import { checkEnvFor, checkSignedPdf, type CheckEnv } from './checks.js';
import { startPkiServer, type PkiServer } from './pki-server.js';
import { findSignatures } from './signatures.js';
import { nssDbTrusting, requireTool, run, tempDir, writeTemp } from './tools.js';
import { samplePath } from '../helpers/shared-dir.js';

let srv: PkiServer;
let env: CheckEnv;

beforeAll(async () => {
  for (const t of ['pdfsig', 'qpdf', 'openssl', 'certutil', 'mutool', 'pdffonts']) requireTool(t);
  srv = await startPkiServer({ masterKey: randomBytes(32) });
  env = checkEnvFor(srv);
});
afterAll(async () => srv?.close());

/** mutool's structured text of page `n`: lines with their bounding boxes (origin top-left). */
function lines(pdf: Uint8Array, n = 1): { text: string; x0: number; y1: number }[] {
  const file = writeTemp(env.work, `stext-${randomBytes(4).toString('hex')}.pdf`, pdf);
  const xml = run('mutool', ['draw', '-F', 'stext', '-o', '-', file, String(n)]).stdout;
  const out: { text: string; x0: number; y1: number }[] = [];
  for (const m of xml.matchAll(/<line bbox="([\d.]+) [\d.]+ [\d.]+ ([\d.]+)"[^>]*>([\s\S]*?)<\/line>/g)) {
    const text = [...m[3].matchAll(/ c="([^"]*)"/g)]
      .map((c) =>
        c[1]
          .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"'),
      )
      .join('');
    out.push({ text, x0: Number(m[1]), y1: Number(m[2]) });
  }
  return out;
}

describe('send-time preparation (the original revision)', () => {
  const fields: PlacedField[] = [
    { id: 'a', name: 'vendorDate', label: '署名日', type: 'date', required: true, page: 1, rect: { x: 380, y: 200, width: 150, height: 18 }, recipientId: 'r1' },
    { id: 'b', name: 'cityAgree', label: '同意', type: 'checkbox', required: false, page: 2, rect: { x: 60, y: 100, width: 14, height: 14 }, recipientId: 'r2' },
  ];

  it('prints the conclusion-certificate ID small at the bottom-left of page 1', async () => {
    const id = randomBytes(16).toString('hex');
    const pdf = await srv.signing.service.prepare({ pdf: readFileSync(samplePath('gyomu-itaku.pdf')), documentId: 'd', certificateId: id, fields });
    const page = openPdf(pdf).page(0);
    const height = (openPdf(pdf).resolve(page.dict.get('MediaBox')) as number[])[3];
    const line = lines(pdf).find((l) => l.text === id);
    expect(line, 'the ID as one line of text on page 1').toBeDefined();
    expect(line!.x0).toBeLessThan(30);
    expect(line!.y1).toBeGreaterThan(height - 30);
  });

  it('creates the AcroForm fields the sender placed, with labels, on their pages', async () => {
    const pdf = await srv.signing.service.prepare({ pdf: readFileSync(samplePath('gyomu-itaku.pdf')), documentId: 'd', certificateId: 'ab'.repeat(16), fields });
    const doc = openPdf(pdf);
    const byName = new Map(doc.fields().map((f) => [f.name, f]));
    expect(byName.get('vendorDate')?.type).toBe('Tx');
    expect(byName.get('cityAgree')?.type).toBe('Btn');
    const tu = doc.resolve(byName.get('vendorDate')!.dict.get('TU')) as PdfString;
    expect(tu.text()).toBe('署名日');
    const page2Annots = doc.resolve(doc.page(1).dict.get('Annots')) as unknown[];
    expect(page2Annots.length).toBeGreaterThan(0);
    const q = run('qpdf', ['--check', writeTemp(env.work, 'prepared.pdf', pdf)]);
    expect(q.status, q.stdout).toBe(0);
  });

  it('fills a checkbox and a date in the approval revision', async () => {
    const s = srv.signing.service;
    let pdf = await s.prepare({ pdf: readFileSync(samplePath('gyomu-itaku.pdf')), documentId: 'd', certificateId: 'cd'.repeat(16), fields });
    const first = await s.approve({ pdf, documentId: 'd', signerName: '山田', signerEmail: 'y@example.jp', approvedAt: new Date(), fieldValues: [{ field: fields[0], value: '2026年11月21日' }] });
    pdf = revisionBytes(first);
    pdf = revisionBytes(await s.approve({ pdf, hashState: first.hashState, documentId: 'd', signerName: '市長', signerEmail: 'm@city.example.lg.jp', approvedAt: new Date(), fieldValues: [{ field: fields[1], value: 'true' }] }));
    const doc = openPdf(pdf);
    const box = doc.fields().find((f) => f.name === 'cityAgree')!;
    const widget = box.dict.has('AS') ? box.dict : doc.dict((doc.resolve(box.dict.get('Kids')) as never[])[0])!;
    expect(String((doc.resolve(widget.get('AS')) as { name: string }).name)).not.toBe('Off');
    expect(lines(pdf, 1).some((l) => l.text.includes('2026年11月21日'))).toBe(true);
    await checkSignedPdf(env, pdf, { approvals: 2, docTimestamps: 0 });
  });
});

describe('conclusion certificate (締結証明書)', () => {
  it('is a Japanese PDF listing documents, hashes and operations, signed and timestamped (B-LTA)', async () => {
    const sha = createHash('sha256').update('final').digest('hex');
    const pdf = (await srv.signing.service.conclusionCertificate({
      envelopeId: 'env-123',
      title: '業務委託契約書',
      managementNumber: 'K-2026-001',
      senderOrganization: '○○市 総務課',
      senderName: '鈴木 一郎',
      senderEmail: 'suzuki@city.example.lg.jp',
      concludedAt: new Date(Date.UTC(2026, 10, 21, 3, 0, 0)),
      documents: [{ name: '業務委託契約書.pdf', certificateId: 'ab'.repeat(16), sha256: sha, pageCount: 2 }],
      operations: [
        { at: new Date(Date.UTC(2026, 10, 20, 0, 0, 0)), action: 'envelope.sent', actor: '鈴木 一郎', ip: '192.0.2.10', method: 'web' },
        { at: new Date(Date.UTC(2026, 10, 21, 2, 59, 0)), action: 'recipient.completed', actor: '山田 太郎 <taro@vendor.example.jp>', ip: '198.51.100.7', method: 'gmail-extension' },
      ],
    }))!;
    const text = lines(pdf).map((l) => l.text).join('\n');
    for (const s of ['締結証明書', '業務委託契約書', 'K-2026-001', '○○市 総務課', 'ab'.repeat(16), sha, '2026-11-20 09:00:00 (JST)', '198.51.100.7', '山田 太郎', 'gmail-extension', '送信', '承認（署名）']) {
      expect(text, s).toContain(s);
    }
    // The audit log's action names are translated, never printed raw.
    expect(text).not.toMatch(/envelope\.sent|recipient\.completed/);
    const fonts = run('pdffonts', [writeTemp(env.work, 'cert.pdf', pdf)]).stdout;
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansCJKjp-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const sigs = await checkSignedPdf(env, pdf, { approvals: 1, docTimestamps: 1 });
    expect(sigs[sigs.length - 1].end).toBe(pdf.length);
  });
});

describe('signature placeholder', () => {
  it('rebuilds the revision with a larger /Contents when the CMS does not fit', async () => {
    const pki = srv.signing.pki;
    const tight = new PadesSigningService({
      signer: pki.signer,
      timestamper: createTimestamper((req) => srv.signing.tsa(req), 'embedded'),
      validationData: async () => validationDataFor(pki, [pki.signer, pki.tsa]),
      timestampAllowance: 16, // far too small: the first attempt must overflow
    });
    const src = new Uint8Array(readFileSync(samplePath('ukesho.pdf')));
    const pdf = revisionBytes(await tight.approve({ pdf: src, documentId: 'd', signerName: 'A', signerEmail: 'a@example.jp', approvedAt: new Date(), fieldValues: [] }));
    expect(openPdf(pdf).revisions).toHaveLength(openPdf(src).revisions.length + 1);
    await checkSignedPdf(env, pdf, { approvals: 1, docTimestamps: 0 });
  });
});

describe('timestamp authority choice', () => {
  it('uses an external TSA given by URL (here our own /tsa route over HTTP)', async () => {
    const ext = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), publicUrl: srv.url, tsaUrl: `${srv.url}/tsa` });
    const approved = revisionBytes(await ext.service.approve({ pdf: readFileSync(samplePath('ukesho.pdf')), documentId: 'd', signerName: 'A', signerEmail: 'a@example.jp', approvedAt: new Date(), fieldValues: [] }));
    const pdf = await ext.service.conclude({ pdf: approved, documentId: 'd' });
    const [sig] = findSignatures(pdf);
    // The outside TSA's chain is in the DSS with its revocation data fetched over HTTP: an OCSP
    // response for the TSA certificate (its AIA), the root's CRL for the CA (CRL DP only).
    const doc = openPdf(pdf);
    const dss = doc.dict(doc.catalog().get('DSS'))!;
    const der = (k: string) => (doc.resolve(dss.get(k)) as PdfRef[]).map((r) => Buffer.from((doc.resolve(r) as PdfStream).decode()));
    const tsaCert = Buffer.from(srv.signing.pki.tsa.chain[0].rawData);
    expect(der('Certs').some((c) => c.equals(tsaCert))).toBe(true);
    const outsideRootCrl = Buffer.from(await srv.signing.crl('root'));
    expect(der('CRLs').some((c) => c.equals(outsideRootCrl))).toBe(true);
    expect(der('CRLs')).toHaveLength(3); // this signer's root and CA CRLs, and the outside root's
    const caFile = writeTemp(env.work, 'outside-ca.pem', srv.signing.pki.signingCa.cert.toString('pem'));
    const tsaFile = writeTemp(env.work, 'outside-tsa.pem', srv.signing.pki.tsa.chain[0].toString('pem'));
    const statuses = der('OCSPs').map((o) => run('openssl', ['ocsp', '-respin', writeTemp(env.work, 'o.der', o), '-issuer', caFile, '-cert', tsaFile, '-CAfile', env.rootFile, '-verify_other', caFile]));
    expect(statuses.filter((r) => /outside-tsa\.pem: good/.test(r.stdout) && (r.stdout + r.stderr).includes('Response verify OK')), JSON.stringify(statuses)).toHaveLength(1);
    const data = writeTemp(env.work, 'ext.sig', sig.der);
    const dump = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', data]).stdout;
    expect(dump).toContain('id-smime-aa-timeStampToken');
    expect(dump).toContain(srv.signing.pki.tsa.chain[0].subject.split(',')[0].replace('CN=', ''));
  });

  it('fails clearly, without a signature, when no timestamp can be had', async () => {
    const down = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), tsaUrl: 'http://127.0.0.1:9/tsa' });
    await expect(
      down.service.approve({ pdf: readFileSync(samplePath('ukesho.pdf')), documentId: 'd', signerName: 'A', signerEmail: 'a@example.jp', approvedAt: new Date(), fieldValues: [] }),
    ).rejects.toMatchObject({ name: 'SigningUnavailableError', message: expect.stringMatching(/unreachable/) });
  });
});
