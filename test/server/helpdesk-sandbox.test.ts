import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createEnvelope, helpdeskStaff, sample, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { auditTrail } from '../../server/audit/log.js';
import { documentsOf } from '../../server/envelopes/load.js';
import { unwrapDataKey } from '../../server/store/blobs.js';
import type { SandboxCopyResponse } from '../../shared/api/support.js';
import type { DocumentsResponse } from '../../shared/api/recipient.js';

const run = promisify(execFile);
let t: TestServer;
let helpdesk: string;
let sender: string;
let otherOrgKey: string;
const OPERATOR = 'support-desk@city.example.lg.jp';

/** A two-page document whose pages differ: A3 landscape, then US Letter with a crop box. */
async function oddSizedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([1190.55, 841.89]).drawText('landscape A3');
  const letter = doc.addPage([612, 792]);
  letter.setCropBox(18, 18, 576, 756);
  letter.drawText('letter');
  return doc.save();
}

/** What a recipient sees after the access code: the documents with their fields. */
async function documentsThrough(mailTo: string, subject: string, accessCode: string) {
  const mail = await t.smtp.waitFor((m) => m.to.includes(mailTo) && (m.parsed.subject ?? '').includes(subject));
  const { token } = signingLinkIn(mail);
  const opened = await api(t).post(`/api/sign/${token}/session`, { accessCode });
  expect(opened.status).toBe(200);
  const { session } = (await opened.json()) as { session: string };
  const res = await api(t).get(`/api/sign/${token}/documents`, session);
  expect(res.status).toBe(200);
  return (await res.json()) as DocumentsResponse;
}

const shapeOf = (d: DocumentsResponse) =>
  d.documents.map((doc) => ({ pageCount: doc.pageCount, fields: doc.fields.map((f) => ({ label: f.label, type: f.type, required: f.required, page: f.page, rect: f.rect })) }));

beforeAll(async () => {
  t = await startTestServer();
  ({ helpdesk, sender, otherOrgKey } = await helpdeskStaff(t, { email: OPERATOR, name: '窓口 三郎' }, 'tanto2@city.example.lg.jp'));
});
afterAll(async () => {
  await t?.stop();
});

describe('sandbox copy', () => {
  it('makes a sent test envelope with the same documents, fields and recipients, addressed to the operator, and audits it', async () => {
    const odd = await oddSizedPdf();
    const recipients = [
      { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '1357' },
      { name: '佐藤 次郎', email: 'sato@vendor.example.jp', accessCode: '8642', language: 'en' as const },
      { name: '経理 課', email: 'keiri@city.example.lg.jp', role: 'cc' as const },
    ];
    const fields = [
      { document: 0, recipient: 0, label: '署名日', type: 'date', required: true, page: 1, rect: { x: 400, y: 120, width: 120, height: 20 } },
      { document: 1, recipient: 0, label: '確認', type: 'checkbox', required: false, page: 2, rect: { x: 50, y: 60, width: 14, height: 14 } },
      { document: 1, recipient: 1, label: '担当者名', type: 'text', required: true, page: 1, rect: { x: 700, y: 300, width: 200, height: 24 } },
    ];
    const created = await createEnvelope(t, {
      title: '清掃業務委託契約書',
      message: 'ご確認をお願いします（秘密のメッセージ）',
      managementNumber: 'KE-2026-0777',
      recipients,
      fields,
      documents: [
        { name: 'ukesho.pdf', bytes: sample('ukesho.pdf') },
        { name: 'odd.pdf', bytes: odd },
      ],
    });
    expect(created.status).toBe(201);
    const { envelopeId } = (await created.json()) as { envelopeId: string };

    const res = await api(t).post(`/api/helpdesk/envelopes/${envelopeId}/sandbox`, {}, helpdesk, { 'accept-language': 'ja' });
    expect(res.status).toBe(201);
    const copy = (await res.json()) as SandboxCopyResponse;
    expect(copy.envelopeId).not.toBe(envelopeId);
    expect(copy.title).toBe('【テスト】清掃業務委託契約書');
    expect(copy.recipients.map((r) => [r.position, r.name, r.email, r.role])).toEqual([
      [0, '山田 太郎', OPERATOR, 'signer'],
      [1, '佐藤 次郎', OPERATOR, 'signer'],
      [2, '経理 課', OPERATOR, 'cc'],
    ]);
    expect(copy.recipients[0]!.accessCode).toMatch(/^\d{4}$/);
    expect(copy.recipients[1]!.accessCode).toMatch(/^\d{4}$/);
    expect(copy.recipients[2]!.accessCode).toBeNull();

    // Sent at once, not a draft; nothing of the original's bookkeeping or message carried over.
    const view = (await (await api(t).get(`/api/envelopes/${copy.envelopeId}`, helpdesk)).json()) as { status: string; title: string; message: string; managementNumber: string | null; recipients: { email: string; language: string }[]; documents: { pageCount: number }[] };
    expect(view).toMatchObject({ status: 'sent', title: '【テスト】清掃業務委託契約書', managementNumber: null });
    expect(view.message).not.toContain('秘密');
    expect(view.recipients.map((r) => r.language)).toEqual(['ja', 'en', 'ja']);

    // The operator walks the same path: the mail comes to them, the fresh code opens it, the same fields.
    const original = await documentsThrough('yamada@vendor.example.jp', '清掃業務委託契約書', '1357');
    const test = await documentsThrough(OPERATOR, '【テスト】清掃業務委託契約書', copy.recipients[0]!.accessCode!);
    expect(shapeOf(test)).toEqual(shapeOf(original));
    expect(shapeOf(test).map((d) => d.fields.length)).toEqual([1, 1]);

    // Page sizes as uploaded; each page says 「テスト用」 (read by poppler, an independent reader).
    const [uploaded, copied] = [envelopeId, copy.envelopeId].map((id) =>
      documentsOf(t.services.db, id).map((d) => t.services.blobs.get(unwrapDataKey(t.services.masterKey, d.wrappedKey), d.uploadedBlobId)),
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-'));
    try {
      for (let i = 0; i < uploaded!.length; i++) {
        const boxes = async (bytes: Uint8Array) => (await PDFDocument.load(bytes)).getPages().map((p) => [p.getMediaBox(), p.getCropBox()]);
        expect(await boxes(copied![i]!)).toEqual(await boxes(uploaded![i]!));
        const file = path.join(dir, `copy-${i}.pdf`);
        writeFileSync(file, copied![i]!);
        const { stdout } = await run('pdftotext', [file, '-']);
        const pages = stdout.split('\f').filter((p) => p.trim());
        expect(pages.length).toBe((await PDFDocument.load(uploaded![i]!)).getPageCount());
        for (const p of pages) expect(p).toContain('テスト用');
        expect(stdout).not.toMatch(/請書|委託/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Audited on both envelopes, under the operator's name.
    const copiedEvent = auditTrail(t.services.db, envelopeId).find((e) => e.action === 'helpdesk.sandbox-copied');
    expect(copiedEvent).toMatchObject({ actor: expect.stringContaining(OPERATOR), details: { sandboxEnvelopeId: copy.envelopeId } });
    const trail = auditTrail(t.services.db, copy.envelopeId).map((e) => [e.action, e.actor]);
    expect(trail).toContainEqual(['envelope.created', expect.stringContaining(OPERATOR)]);
    expect(trail).toContainEqual(['helpdesk.sandbox-of', expect.stringContaining(OPERATOR)]);
  });

  it('is for the help desk of the envelope\'s organisation only', async () => {
    const created = await createEnvelope(t, { title: '物品購入契約書', recipients: [{ name: '田中 一', email: 'tanaka@vendor.example.jp', accessCode: '2468' }] });
    const { envelopeId } = (await created.json()) as { envelopeId: string };
    expect((await api(t).post(`/api/helpdesk/envelopes/${envelopeId}/sandbox`, {}, sender)).status).toBe(403);
    expect((await api(t).post(`/api/helpdesk/envelopes/${envelopeId}/sandbox`, {}, otherOrgKey)).status).toBe(404);
    expect((await api(t).post(`/api/helpdesk/envelopes/${envelopeId}/sandbox`, {})).status).toBe(401);
  });
});
