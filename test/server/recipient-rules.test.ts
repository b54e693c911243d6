import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createEnvelope, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { expireLinks } from '../../server/envelopes/manage.js';

let clock = Date.now();
let t: TestServer;
let n = 0;

beforeAll(async () => {
  t = await startTestServer({}, { now: () => clock });
});
afterAll(async () => {
  await t?.stop();
});

/** A sent envelope for fresh addresses; returns its id, the first link and the addresses used. */
async function sent(count = 2, extra: Record<string, unknown> = {}) {
  n++;
  const people = Array.from({ length: count }, (_, i) => ({ name: `宛先${n}-${i + 1}`, email: `r${n}-${i + 1}@vendor.example.jp`, accessCode: `${1000 + i}` }));
  const res = await createEnvelope(t, { recipients: people, ...extra });
  expect(res.status).toBe(201);
  const { envelopeId } = (await res.json()) as { envelopeId: string };
  const mail = await t.smtp.waitFor((m) => m.to.includes(people[0]!.email) && /署名依頼/.test(m.parsed.subject ?? ''));
  return { envelopeId, people, token: signingLinkIn(mail).token };
}

const session = async (token: string, code: string) => api(t).post(`/api/sign/${token}/session`, { accessCode: code }, undefined, { 'accept-language': 'en' });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; attemptsLeft?: number; state?: string } }).error;

describe('the recipient rules', () => {
  it('rejection stops the envelope, nobody later is asked, and the sender gets the reason, escaped', async () => {
    const { envelopeId, people, token } = await sent(2);
    const s = ((await (await session(token, '1000')).json()) as { session: string }).session;
    expect((await api(t).post(`/api/sign/${token}/reject`, { reason: '   ' }, s)).status).toBe(400);
    expect((await api(t).post(`/api/sign/${token}/reject`, { reason: 'x'.repeat(1001) }, s)).status).toBe(400);
    const reason = '金額が見積書と異なります <script>alert(1)</script> & 再確認ください';
    const res = await api(t).post(`/api/sign/${token}/reject`, { reason }, s);
    expect(res.status).toBe(200);
    const mail = await t.smtp.waitFor((m) => m.to.includes(t.senderEmail) && /却下/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.text).toContain(reason);
    expect(mail.parsed.html).not.toContain('<script>');
    expect(mail.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; 再確認ください');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.smtp.received.some((m) => m.to.includes(people[1]!.email))).toBe(false);
    expect((await (await api(t).get(`/api/sign/${token}`)).json()).state).toBe('rejected');
    const again = await session(token, '1000');
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('already-rejected');
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { status: string; recipients: { status: string; rejectReason: string }[] };
    expect(view.status).toBe('rejected');
    expect(view.recipients[0]).toMatchObject({ status: 'rejected', rejectReason: reason });
  });

  it('locks the recipient at the 5th wrong code until the sender unlocks', async () => {
    const { envelopeId, token } = await sent(1);
    for (let i = 4; i >= 1; i--) {
      const r = await session(token, '9999');
      expect(r.status).toBe(401);
      expect((await errorOf(r)).attemptsLeft).toBe(i);
    }
    const fifth = await session(token, '9999');
    expect(fifth.status).toBe(423);
    expect((await errorOf(fifth)).code).toBe('locked');
    const right = await session(token, '1000');
    expect(right.status).toBe(423);
    expect((await (await api(t).get(`/api/sign/${token}`)).json()).state).toBe('locked');
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { recipients: { id: string; status: string }[] };
    expect(view.recipients[0]!.status).toBe('locked');
    expect((await api(t).post(`/api/envelopes/${envelopeId}/recipients/${view.recipients[0]!.id}/unlock`, {}, t.apiKey)).status).toBe(200);
    expect((await session(token, '1000')).status).toBe(200);
  });

  it('a resent link works and the old one is dead', async () => {
    const { envelopeId, people, token } = await sent(1);
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { recipients: { id: string }[] };
    expect((await api(t).post(`/api/envelopes/${envelopeId}/recipients/${view.recipients[0]!.id}/resend`, {}, t.apiKey)).status).toBe(200);
    await t.smtp.waitFor((m) => m.to.includes(people[0]!.email) && signingLinkIn(m).token !== token);
    const fresh = t.smtp.received.filter((m) => m.to.includes(people[0]!.email)).map((m) => signingLinkIn(m).token).find((x) => x !== token)!;
    expect((await api(t).get(`/api/sign/${token}`)).status).toBe(404);
    expect((await session(token, '1000')).status).toBe(404);
    expect((await (await api(t).get(`/api/sign/${fresh}`)).json()).state).toBe('ready');
    expect((await session(fresh, '1000')).status).toBe(200);
  });

  it('a session from the old link dies with it', async () => {
    const { envelopeId, token } = await sent(1);
    const s = ((await (await session(token, '1000')).json()) as { session: string }).session;
    expect((await api(t).get(`/api/sign/${token}/documents`, s)).status).toBe(200);
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { recipients: { id: string }[] };
    await api(t).post(`/api/envelopes/${envelopeId}/recipients/${view.recipients[0]!.id}/resend`, {}, t.apiKey);
    expect((await api(t).get(`/api/sign/${token}/documents`, s)).status).toBe(404);
  });

  it('links expire after 10 days (410), the sweep marks them, and extending revives them', async () => {
    const { envelopeId, token } = await sent(1);
    clock += 10 * 86_400_000 + 1000;
    try {
      expect((await (await api(t).get(`/api/sign/${token}`)).json()).state).toBe('expired');
      const r = await session(token, '1000');
      expect(r.status).toBe(410);
      expect((await errorOf(r)).message).toMatch(/expired/);
      expect(expireLinks(t.services)).toBeGreaterThanOrEqual(1);
      const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { status: string; recipients: { id: string; status: string }[] };
      expect(view.status).toBe('expired');
      expect(view.recipients[0]!.status).toBe('expired');
      expect((await api(t).post(`/api/envelopes/${envelopeId}/recipients/${view.recipients[0]!.id}/extend`, { days: 3 }, t.apiKey)).status).toBe(200);
      expect((await session(token, '1000')).status).toBe(200);
    } finally {
      clock = Date.now();
    }
  });

  it('cancelling tells the recipients already asked and kills their links', async () => {
    const { envelopeId, people, token } = await sent(2);
    const res = await api(t).post(`/api/envelopes/${envelopeId}/cancel`, { reason: '契約内容の見直しのため' }, t.apiKey);
    expect(res.status).toBe(200);
    const mail = await t.smtp.waitFor((m) => m.to.includes(people[0]!.email) && /取り消/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.text).toContain('契約内容の見直しのため');
    const r = await session(token, '1000');
    expect(r.status).toBe(409);
    expect((await errorOf(r)).code).toBe('envelope-cancelled');
    expect(t.smtp.received.some((m) => m.to.includes(people[1]!.email))).toBe(false);
  });

  it('public info is the same for a scanner and a person and never changes the recipient', async () => {
    const { envelopeId, token } = await sent(1);
    const scanner = await api(t).get(`/api/sign/${token}`, undefined, { 'user-agent': 'Mozilla/4.0 (compatible; ms-office; MSOffice 16)' });
    const person = await api(t).get(`/api/sign/${token}`, undefined, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0', 'accept-language': 'ja' });
    expect(await scanner.json()).toEqual(await person.json());
    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { recipients: { status: string; openedAt: string | null }[] };
    expect(view.recipients[0]).toMatchObject({ status: 'notified', openedAt: null });
    const audit = (await (await api(t).get(`/api/envelopes/${envelopeId}/audit`, t.apiKey)).json()) as { events: { action: string; details: { opener?: string } }[] };
    expect(audit.events.filter((e) => e.action === 'link.opened').map((e) => e.details.opener).sort()).toEqual(['browser', 'scanner']);
  });

  it('concluded envelopes over the size limit go out as a 14-day download link, then an expired page', async () => {
    // A 2.2 MB PDF (incompressible stream) to a carrier address, whose limit is 2 MB.
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Large contract');
    doc.context.register(doc.context.stream(randomBytes(2_200_000)));
    const big = await doc.save({ useObjectStreams: false });
    const people = [{ name: '携帯 一郎', email: `keitai${Date.now()}@docomo.ne.jp`, accessCode: '2468' }];
    const res = await createEnvelope(t, { recipients: people, documents: [{ name: '大きな契約書.pdf', bytes: big }] });
    expect(res.status).toBe(201);
    const mail = await t.smtp.waitFor((m) => m.to.includes(people[0]!.email));
    const token = signingLinkIn(mail).token;
    const s = ((await (await session(token, '2468')).json()) as { session: string }).session;
    expect((await api(t).post(`/api/sign/${token}/complete`, { fields: {} }, s)).status).toBe(200);
    const done = await t.smtp.waitFor((m) => m.to.includes(people[0]!.email) && /電子署名完了/.test(m.parsed.subject ?? ''));
    expect(done.parsed.attachments).toHaveLength(0);
    const link = /(http:\/\/[^\s]+\/d\/[A-Za-z0-9_-]{43})/.exec(done.parsed.text ?? '')![1]!;
    const page = await fetch(link, { headers: { 'accept-language': 'ja' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('大きな契約書.pdf');
    clock += 14 * 86_400_000 + 1000;
    try {
      const gone = await fetch(link, { headers: { 'accept-language': 'ja' } });
      expect(gone.status).toBe(410);
      expect(await gone.text()).toContain('有効期限が切れています');
    } finally {
      clock = Date.now();
    }
  });
});
