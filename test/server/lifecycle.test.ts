import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { api, createEnvelope, sample, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { recipients } from '../../server/store/schema.js';
import { verifyAuditChains } from '../../server/audit/log.js';

const signers = [
  { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '1234' },
  { name: '佐藤 次郎', email: 'sato@vendor.example.jp', accessCode: '5678', language: 'en' as const },
  { name: '市長 三郎', email: 'shicho@city.example.lg.jp', accessCode: '9012' },
];

async function openSession(t: TestServer, token: string, code: string) {
  const res = await api(t).post(`/api/sign/${token}/session`, { accessCode: code });
  expect(res.status).toBe(200);
  return ((await res.json()) as { session: string }).session;
}

describe('an envelope with three recipients in order', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('goes from upload to conclusion, one recipient after the other, with the mails of each step', async () => {
    const res = await createEnvelope(t, {
      title: '清掃業務委託契約書',
      message: 'ご確認のほどよろしくお願いいたします。',
      transactionDate: '2026-11-20',
      counterparty: '株式会社みなと清掃',
      amount: 1_980_000,
      managementNumber: 'KE-2026-0042',
      recipients: [...signers, { name: '会計課', email: 'kaikei@city.example.lg.jp', role: 'cc' }],
      documents: [
        { name: '業務委託契約書.pdf', bytes: sample('gyomu-itaku.pdf') },
        { name: '請書.pdf', bytes: sample('ukesho.pdf') },
      ],
      fields: [{ document: 1, recipient: 0, label: '署名日', type: 'date', required: true, page: 1, rect: { x: 380, y: 120, width: 140, height: 20 } }],
    });
    expect(res.status).toBe(201);
    const { envelopeId } = (await res.json()) as { envelopeId: string };

    // 1st signer's mail: the subject the municipality expects, a link, and never the access code.
    const first = await t.smtp.waitFor((m) => m.to.includes(signers[0]!.email));
    expect(first.parsed.subject).toBe('函館市 総務部 契約課 契約 花子 様より「清掃業務委託契約書」への署名依頼が届いています');
    expect(first.raw).not.toContain('1234');
    expect(first.parsed.text).toContain('アクセスコード');
    expect(t.smtp.received.filter((m) => m.to.includes(signers[1]!.email))).toHaveLength(0);
    const link1 = signingLinkIn(first);
    expect(link1.url).toBe(`${t.url}/s/${link1.token}`);

    // Public info: what the banner shows; reading it changes nothing.
    const info = await (await api(t).get(`/api/sign/${link1.token}`)).json();
    expect(info).toMatchObject({ state: 'ready', title: '清掃業務委託契約書', senderOrganization: '函館市 総務部 契約課', documentCount: 2 });
    const before = t.services.db.select().from(recipients).where(eq(recipients.email, signers[0]!.email)).get()!;
    expect(before.status).toBe('notified');

    // Access code: a wrong one costs an attempt, the right one gives a session.
    const wrong = await api(t).post(`/api/sign/${link1.token}/session`, { accessCode: '0000' }, undefined, { 'accept-language': 'ja' });
    expect(wrong.status).toBe(401);
    const wrongBody = (await wrong.json()) as { error: { code: string; message: string; attemptsLeft: number } };
    expect(wrongBody.error).toMatchObject({ code: 'wrong-access-code', attemptsLeft: 4 });
    expect(wrongBody.error.message).toContain('あと 4 回');
    const s1 = await openSession(t, link1.token, '1234');

    // Documents with this recipient's fields, and the PDFs as they stand.
    const docs = (await (await api(t).get(`/api/sign/${link1.token}/documents`, s1)).json()) as { documents: { id: string; name: string; fields: { id: string; label: string }[] }[] };
    expect(docs.documents.map((d) => d.name)).toEqual(['業務委託契約書.pdf', '請書.pdf']);
    const dateField = docs.documents[1]!.fields[0]!;
    expect(dateField.label).toBe('署名日');
    const pdf = await api(t).get(`/api/sign/${link1.token}/documents/${docs.documents[0]!.id}/pdf`, s1);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pdf.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await api(t).get(`/api/sign/${link1.token}/documents`)).status).toBe(401);

    // A required field left empty is named; then the completion goes through.
    const missing = await api(t).post(`/api/sign/${link1.token}/complete`, { fields: {} }, s1);
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { missingFields: string[] } }).error.missingFields).toEqual([dateField.id]);
    const done1 = await api(t).post(`/api/sign/${link1.token}/complete`, { fields: { [dateField.id]: '2026-11-21' } }, s1);
    expect(done1.status).toBe(200);
    expect(await done1.json()).toEqual({ status: 'completed', next: { name: signers[1]!.name }, concluded: false });
    const again = await api(t).post(`/api/sign/${link1.token}/complete`, { fields: { [dateField.id]: '2026-11-21' } }, s1);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('already-completed');

    // 2nd signer reads English.
    const second = await t.smtp.waitFor((m) => m.to.includes(signers[1]!.email));
    expect(second.parsed.subject).toBe('函館市 総務部 契約課 契約 花子 has sent you "清掃業務委託契約書" to sign');
    const link2 = signingLinkIn(second);
    const s2 = await openSession(t, link2.token, '5678');
    expect((await api(t).post(`/api/sign/${link2.token}/complete`, { fields: {} }, s2)).status).toBe(200);

    const third = await t.smtp.waitFor((m) => m.to.includes(signers[2]!.email));
    const link3 = signingLinkIn(third);
    const s3 = await openSession(t, link3.token, '9012');
    const done3 = await api(t).post(`/api/sign/${link3.token}/complete`, { fields: {} }, s3);
    expect(await done3.json()).toEqual({ status: 'completed', next: null, concluded: true });

    // Every party, the cc and the sender included, gets 「電子署名完了のお知らせ」 with the PDFs attached.
    for (const email of [...signers.map((s) => s.email), 'kaikei@city.example.lg.jp', t.senderEmail]) {
      const m = await t.smtp.waitFor((x) => x.to.includes(email) && /電子署名完了のお知らせ|Signing completed/.test(x.parsed.subject ?? ''));
      const pdfs = m.parsed.attachments.filter((a) => a.mimeType === 'application/pdf');
      expect(pdfs.map((a) => a.filename)).toEqual(expect.arrayContaining(['業務委託契約書.pdf', '請書.pdf']));
    }
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { status: string; recipients: { status: string }[] };
    expect(view.status).toBe('completed');
    expect(view.recipients.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'waiting']);
    expect((await (await api(t).get(`/api/sign/${link1.token}`)).json()).state).toBe('concluded');

    const audit = (await (await api(t).get(`/api/envelopes/${envelopeId}/audit`, t.apiKey)).json()) as { events: { action: string }[] };
    const actions = audit.events.map((e) => e.action);
    for (const a of ['envelope.created', 'envelope.sent', 'mail.queued', 'mail.sent', 'link.opened', 'access-code.failed', 'access-code.accepted', 'document.viewed', 'field.filled', 'signing.applied', 'recipient.completed', 'envelope.concluded']) {
      expect(actions).toContain(a);
    }
    expect(verifyAuditChains(t.services.auditKey, t.services.db).problems).toEqual([]);
  });

  it('searches by the bookkeeping keys', async () => {
    const mk = (title: string, counterparty: string, amount: number, transactionDate: string) =>
      createEnvelope(t, { title, counterparty, amount, transactionDate, send: false, recipients: [signers[0]!] });
    await mk('道路補修工事請負契約', '株式会社北海道路', 5_000_000, '2026-04-01');
    await mk('備品購入契約', '有限会社みなと商事', 300_000, '2026-06-15');
    await mk('保守点検委託', '株式会社北海設備', 800_000, '2026-09-30');
    const search = async (q: string) =>
      ((await (await api(t).get(`/api/envelopes?${q}`, t.apiKey)).json()) as { envelopes: { title: string }[] }).envelopes.map((e) => e.title).sort();
    expect(await search(`counterparty=${encodeURIComponent('北海')}`)).toEqual(['保守点検委託', '道路補修工事請負契約']);
    expect(await search('dateFrom=2026-05-01&dateTo=2026-12-31&amountMax=1000000')).toEqual(['保守点検委託', '備品購入契約']);
    expect(await search('amountMin=1000000&status=draft')).toEqual(['道路補修工事請負契約']);
    expect(await search(`title=${encodeURIComponent('契約')}&status=draft`)).toEqual(['備品購入契約', '道路補修工事請負契約']);
    expect(await search(`counterparty=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('describes its API at /api/openapi.json, the fixed recipient routes included', async () => {
    const doc = (await (await api(t).get('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/sign/{token}', '/api/sign/{token}/session', '/api/sign/{token}/documents', '/api/sign/{token}/documents/{documentId}/pdf', '/api/sign/{token}/complete', '/api/sign/{token}/reject']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
