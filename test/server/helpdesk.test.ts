import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createEnvelope, helpdeskStaff, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { auditTrail, verifyAuditChains } from '../../server/audit/log.js';
import { supportBundles } from '../../server/store/schema.js';
import { diagnose } from '../../server/helpdesk/diagnose.js';
import { redactTokens, type Diagnosis, type FindingCode, type HelpdeskLookup, type HelpdeskTimeline, type SupportBundle, type TimelineKind } from '../../shared/api/support.js';

const DAY = 86_400_000;
let offset = 0;
let t: TestServer;
let helpdesk: string; // a help-desk user's session
let sender: string; // a sender without the help-desk role
let otherOrgKey: string;
const HELPDESK_EMAIL = 'madoguchi@city.example.lg.jp';
const HELPDESK_NAME = '窓口 一郎';

const SCANNER_UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro) ms-office';
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const EDGE_UA = `${CHROME_UA} Edg/131.0.2903.70`;
const browser = { 'user-agent': CHROME_UA, 'accept-language': 'ja,en-US;q=0.8' };

async function newEnvelope(req: Parameters<typeof createEnvelope>[1], key = t.apiKey) {
  const res = await createEnvelope(t, req, { authorization: `Bearer ${key}` });
  expect(res.status).toBe(201);
  return ((await res.json()) as { envelopeId: string }).envelopeId;
}

async function lookup(q: string, lang = 'ja') {
  const res = await api(t).get(`/api/helpdesk/lookup?q=${encodeURIComponent(q)}`, helpdesk, { 'accept-language': lang });
  expect(res.status).toBe(200);
  return (await res.json()) as HelpdeskLookup;
}

async function timeline(envelopeId: string, lang = 'ja') {
  const res = await api(t).get(`/api/helpdesk/envelopes/${envelopeId}/timeline`, helpdesk, { 'accept-language': lang });
  expect(res.status).toBe(200);
  return (await res.json()) as HelpdeskTimeline;
}

/** Mail results are audited right after SMTP answers: wait for them instead of sleeping. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const headline = (d: Diagnosis) => d.headline.code;
const findingsOf = (d: Diagnosis, email: string) => d.recipients.find((r) => r.email === email)!.findings.map((f) => f.code);

function bundle(over: Partial<SupportBundle> = {}): SupportBundle {
  return {
    extensionVersion: '0.1.0',
    browser: 'Chrome 131 / Windows 11',
    adapter: 'gmail',
    page: 'sidepanel',
    detection: { result: 'sign', reasons: ['link host trusted: esign.city.example.lg.jp', 'subject mentions 署名'] },
    events: [
      { at: '2026-11-21T00:00:00.000Z', type: 'detect.scan', ms: 3.2, detail: { links: 2 } },
      { at: '2026-11-21T00:00:01.000Z', type: 'panel.open' },
    ],
    apiCalls: [
      { at: '2026-11-21T00:00:01.100Z', method: 'GET', route: '/api/sign/{token}', status: 200, ms: 41 },
      { at: '2026-11-21T00:00:09.000Z', method: 'POST', route: '/api/sign/{token}/session', status: 423, errorCode: 'locked', ms: 97 },
    ],
    language: 'ja',
    ...over,
  };
}

const postBundle = (body: unknown, headers: Record<string, string> = {}) => api(t).post('/api/support/bundles', body, undefined, headers);

beforeAll(async () => {
  t = await startTestServer({}, { now: () => Date.now() + offset });
  ({ helpdesk, sender, otherOrgKey } = await helpdeskStaff(t, { email: HELPDESK_EMAIL, name: HELPDESK_NAME }, 'tanto@city.example.lg.jp'));
});
afterAll(async () => {
  await t?.stop();
});

describe('help-desk look-up', () => {
  it('finds an envelope by id, management number, recipient email and support code, never another organisation\'s', async () => {
    const recipient = { name: '田中 一', email: 'tanaka@vendor.example.jp', accessCode: '2468' };
    const mine = await newEnvelope({ title: '物品購入契約書', managementNumber: 'KE-2026-0100', recipients: [recipient] });
    const theirs = await newEnvelope({ title: '他市の契約書', managementNumber: 'KE-2026-0100', recipients: [recipient] }, otherOrgKey);

    const byId = await lookup(mine);
    expect(byId.envelopes.map((e) => [e.id, e.matchedBy])).toEqual([[mine, ['envelope-id']]]);
    expect(byId.envelopes[0]!.diagnosis.recipients[0]).toMatchObject({ email: recipient.email, current: true, actions: ['resend', 'extend'] });
    expect((await lookup(theirs)).envelopes).toEqual([]);
    expect((await lookup('KE-2026-0100')).envelopes.map((e) => [e.id, e.matchedBy])).toEqual([[mine, ['management-number']]]);
    expect((await lookup('Tanaka@Vendor.example.jp')).envelopes.map((e) => [e.id, e.matchedBy])).toEqual([[mine, ['recipient-email']]]);
    expect((await lookup('nobody@vendor.example.jp')).envelopes).toEqual([]);

    const recipientId = byId.envelopes[0]!.diagnosis.recipients[0]!.recipientId;
    const res = await postBundle(bundle({ envelopeId: mine, recipientId }));
    expect(res.status).toBe(201);
    const { supportCode } = (await res.json()) as { supportCode: string };
    // Read over the phone in lower case, without the hyphen: still found.
    const byCode = await lookup(supportCode.replace('-', '').toLowerCase());
    expect(byCode.envelopes.map((e) => [e.id, e.matchedBy])).toEqual([[mine, ['support-code']]]);
    expect(byCode.bundle).toMatchObject({ supportCode, envelopeId: mine, recipientId, bundle: bundle({ envelopeId: mine, recipientId }) });

    // A bundle about the other organisation's envelope: its code shows this help desk nothing.
    const other = (await (await postBundle(bundle({ envelopeId: theirs }))).json()) as { supportCode: string };
    const otherLookup = await lookup(other.supportCode);
    expect(otherLookup.bundle).toBeNull();
    expect(otherLookup.envelopes).toEqual([]);
    expect((await api(t).get(`/api/helpdesk/envelopes/${theirs}/timeline`, helpdesk)).status).toBe(404);
  });

  it('is described in the OpenAPI document from the same schemas', async () => {
    const doc = (await (await api(t).get('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { security: unknown[]; requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/helpdesk') || p.startsWith('/api/support')).sort()).toEqual([
      '/api/helpdesk/envelopes/{id}/cancel',
      '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/extend',
      '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/resend',
      '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/unlock',
      '/api/helpdesk/envelopes/{id}/sandbox',
      '/api/helpdesk/envelopes/{id}/timeline',
      '/api/helpdesk/lookup',
      '/api/support/bundles',
    ]);
    const post = doc.paths['/api/support/bundles']!.post!;
    expect(post.security).toEqual([]);
    expect(post.requestBody!.content['application/json']!.schema.required).toEqual(expect.arrayContaining(['extensionVersion', 'browser', 'adapter', 'events', 'apiCalls', 'language']));
  });

  it('refuses a sender without the help-desk role (403) and a caller without credentials (401)', async () => {
    const id = await newEnvelope({ recipients: [{ name: '鈴木 三', email: 'suzuki@vendor.example.jp', accessCode: '1357' }] });
    const rid = (await lookup(id)).envelopes[0]!.diagnosis.recipients[0]!.recipientId;
    const calls = (auth?: string) => [
      api(t).get(`/api/helpdesk/lookup?q=${id}`, auth),
      api(t).get(`/api/helpdesk/envelopes/${id}/timeline`, auth),
      api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${rid}/resend`, {}, auth),
      api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${rid}/unlock`, {}, auth),
      api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${rid}/extend`, { days: 3 }, auth),
      api(t).post(`/api/helpdesk/envelopes/${id}/cancel`, { reason: 'x' }, auth),
    ];
    const forbidden = await Promise.all(calls(sender));
    expect(forbidden.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(((await forbidden[0]!.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'forbidden', message: 'この操作を行う権限がありません。' });
    expect((await Promise.all(calls())).map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    // Nothing happened to the envelope.
    expect((await lookup(id)).envelopes[0]!.status).toBe('sent');
    // The sender's own cancel route stays closed to the help desk; the help-desk route is the way.
    expect((await api(t).post(`/api/envelopes/${id}/cancel`, { reason: 'x' }, helpdesk)).status).toBe(403);
  });
});

describe('the timeline of a link that "does not work"', () => {
  it('tells a scanner from a person, counts wrong codes, shows the lock, the operator\'s fixes and the completion, with the right diagnosis at each stage', async () => {
    const yamada = { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '1234' };
    const sato = { name: '佐藤 次郎', email: 'sato@vendor.example.jp', accessCode: '5678' };
    const id = await newEnvelope({ title: '清掃業務委託契約書', managementNumber: 'KE-2026-0042', recipients: [yamada, sato] });
    const first = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(yamada.email)));

    // Sent, delivered, nobody has opened it.
    let tl = await eventually(() => timeline(id), (x) => x.entries.some((e) => e.kind === 'mail-sent'));
    expect(tl.entries.slice(0, 3).map((e) => e.kind)).toEqual(['created', 'sent', 'mail-sent']);
    expect(tl.entries[2]).toMatchObject({ recipient: { name: yamada.name, email: yamada.email }, description: '「署名依頼」メールを yamada@vendor.example.jp に送信' });
    expect(tl.entries[0]!.jst).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（日本時間）$/);
    expect(headline(tl.diagnosis)).toBe('never-opened');
    expect(findingsOf(tl.diagnosis, sato.email)).toEqual(['not-yet']);

    // Microsoft Defender fetches the link seconds after delivery: that is not the person.
    expect((await api(t).get(`/api/sign/${first.token}`, undefined, { 'user-agent': SCANNER_UA })).status).toBe(200);
    tl = await timeline(id);
    const scan = tl.entries.find((e) => e.kind === 'link-opened-scanner')!;
    expect(scan).toMatchObject({ recipient: { email: yamada.email }, userAgent: 'Microsoft Office / Defender (link scanner)', ip: '127.0.0.1' });
    expect(scan.description).toContain('ご本人ではありません');
    expect(headline(tl.diagnosis)).toBe('scanner-only');

    // The person opens it in Chrome.
    expect((await api(t).get(`/api/sign/${first.token}`, undefined, browser)).status).toBe(200);
    tl = await timeline(id);
    expect(tl.entries.find((e) => e.kind === 'link-opened-browser')).toMatchObject({ userAgent: 'Chrome 131 / Windows', recipient: { email: yamada.email } });
    expect(headline(tl.diagnosis)).toBe('ready');

    // Two wrong codes: still works; then three more: locked at five.
    for (let i = 0; i < 2; i++) expect((await api(t).post(`/api/sign/${first.token}/session`, { accessCode: '0000' }, undefined, browser)).status).toBe(401);
    tl = await timeline(id);
    expect(tl.entries.filter((e) => e.kind === 'access-code-failed').map((e) => e.description)).toEqual(['アクセスコード誤り（1 / 5 回目）', 'アクセスコード誤り（2 / 5 回目）']);
    expect(headline(tl.diagnosis)).toBe('ready');
    for (let i = 0; i < 3; i++) await api(t).post(`/api/sign/${first.token}/session`, { accessCode: '9999' }, undefined, browser);
    expect((await api(t).post(`/api/sign/${first.token}/session`, { accessCode: yamada.accessCode }, undefined, browser)).status).toBe(423);
    tl = await timeline(id);
    expect(tl.entries.filter((e) => e.kind === 'access-code-failed')).toHaveLength(5);
    expect(tl.entries.find((e) => e.kind === 'locked')!.description).toBe('アクセスコードを 5 回間違えたためロック');
    expect(headline(tl.diagnosis)).toBe('locked');
    const yamadaDiag = tl.diagnosis.recipients.find((r) => r.email === yamada.email)!;
    expect(yamadaDiag).toMatchObject({ linkState: 'locked', failedAttempts: 5, actions: ['unlock', 'extend'] });
    // The same diagnosis in English for an English-speaking operator.
    expect((await timeline(id, 'en')).diagnosis.headline.message).toBe('Locked after 5 wrong access codes. Unlock it once you have confirmed who is calling.');

    // The help desk unlocks: audited with the operator's name, the link works again.
    const unlock = await api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${yamadaDiag.recipientId}/unlock`, {}, helpdesk);
    expect(unlock.status).toBe(200);
    expect(headline(((await unlock.json()) as { diagnosis: Diagnosis }).diagnosis)).toBe('ready');
    tl = await timeline(id);
    const unlocked = tl.entries.find((e) => e.kind === 'unlocked')!;
    expect(unlocked.actor).toEqual({ type: 'staff', role: 'helpdesk', email: HELPDESK_EMAIL, name: HELPDESK_NAME });
    expect(unlocked.description).toBe(`${HELPDESK_NAME} <${HELPDESK_EMAIL}> がロックを解除`);
    expect(auditTrail(t.services.db, id).find((e) => e.action === 'recipient.unlocked')!.actor).toBe(`helpdesk:${HELPDESK_EMAIL} (session)`);

    // The help desk resends: the old link dies, the diagnosis says why the old mail's link fails.
    expect((await api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${yamadaDiag.recipientId}/resend`, {}, helpdesk)).status).toBe(200);
    expect((await api(t).get(`/api/sign/${first.token}`, undefined, browser)).status).toBe(404);
    await t.smtp.waitFor((m) => m.to.includes(yamada.email) && signingLinkIn(m).token !== first.token);
    const second = signingLinkIn(t.smtp.received.filter((m) => m.to.includes(yamada.email)).at(-1)!);
    tl = await eventually(() => timeline(id), (x) => x.entries.filter((e) => e.kind === 'mail-sent').length === 2);
    expect(headline(tl.diagnosis)).toBe('link-replaced');
    expect(tl.diagnosis.headline.message).toContain('以前のメールのリンクは無効');
    expect(tl.entries.find((e) => e.kind === 'resent')).toMatchObject({ actor: { role: 'helpdesk', email: HELPDESK_EMAIL }, recipient: { email: yamada.email } });

    // Ten days later the new link has expired; the help desk extends it by a week.
    offset = 11 * DAY;
    tl = await timeline(id);
    expect(headline(tl.diagnosis)).toBe('expired');
    const extend = await api(t).post(`/api/helpdesk/envelopes/${id}/recipients/${yamadaDiag.recipientId}/extend`, { days: 7 }, helpdesk);
    expect(extend.status).toBe(200);
    const afterExtend = ((await extend.json()) as { diagnosis: Diagnosis }).diagnosis;
    expect(findingsOf(afterExtend, yamada.email)).toEqual(['link-replaced', 'never-opened', 'ready']);
    tl = await timeline(id);
    expect(tl.entries.find((e) => e.kind === 'extended')!.description).toMatch(new RegExp(`^${HELPDESK_NAME} <${HELPDESK_EMAIL}> が有効期限を 7 日延長（.+ まで）$`));
    offset = 0;

    // The person opens the new link from the extension, reads, downloads and completes.
    const ext = { 'user-agent': EDGE_UA, 'accept-language': 'ja', 'x-esign-client': 'extension/0.1.0' };
    expect((await api(t).get(`/api/sign/${second.token}`, undefined, ext)).status).toBe(200);
    const session = ((await (await api(t).post(`/api/sign/${second.token}/session`, { accessCode: yamada.accessCode }, undefined, ext)).json()) as { session: string }).session;
    const docs = (await (await api(t).get(`/api/sign/${second.token}/documents`, session, ext)).json()) as { documents: { id: string }[] };
    expect((await api(t).get(`/api/sign/${second.token}/documents/${docs.documents[0]!.id}/pdf`, session, ext)).status).toBe(200);
    expect((await api(t).get(`/api/sign/${second.token}/documents/${docs.documents[0]!.id}/pdf?download=1`, session, ext)).status).toBe(200);
    expect((await api(t).post(`/api/sign/${second.token}/complete`, { fields: {} }, session, ext)).status).toBe(200);
    await t.smtp.waitFor((m) => m.to.includes(sato.email));
    tl = await eventually(() => timeline(id), (x) => x.entries.some((e) => e.kind === 'mail-sent' && e.recipient?.email === sato.email));
    expect(tl.entries.find((e) => e.kind === 'link-opened-extension')).toMatchObject({ userAgent: 'Edge 131 / Windows', recipient: { email: yamada.email } });
    expect(findingsOf(tl.diagnosis, yamada.email)).toEqual(['completed']);
    expect(tl.diagnosis.currentRecipientId).toBe(tl.diagnosis.recipients.find((r) => r.email === sato.email)!.recipientId);
    expect(headline(tl.diagnosis)).toBe('never-opened');

    // Yamada's story, in order (an expiry sweep may or may not have run in the 11 days: not part of it).
    const story: TimelineKind[] = tl.entries.filter((e) => e.recipient?.email === yamada.email && e.kind !== 'expired').map((e) => e.kind);
    expect(story).toEqual([
      'mail-sent', 'link-opened-scanner', 'link-opened-browser',
      'access-code-failed', 'access-code-failed', 'access-code-failed', 'access-code-failed', 'access-code-failed', 'locked',
      'unlocked', 'resent', 'mail-sent', 'extended',
      'link-opened-extension', 'access-code-accepted', 'viewed', 'downloaded', 'completed',
    ]);
    expect(tl.entries.find((e) => e.kind === 'viewed')!.description).toBe('「ukesho.pdf」を表示');
    expect(tl.entries.find((e) => e.kind === 'completed')!.description).toBe('手続きを完了（extension）');

    // The help desk cancels (e.g. the vendor asked to restart): the operator is on record, sato is told.
    const cancel = await api(t).post(`/api/helpdesk/envelopes/${id}/cancel`, { reason: '金額の誤りのため再作成します' }, helpdesk, { 'accept-language': 'en' });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { diagnosis: Diagnosis }).diagnosis.headline).toEqual({ code: 'cancelled', message: 'The envelope was cancelled. Reason: 金額の誤りのため再作成します' });
    const cancelled = (await timeline(id)).entries.find((e) => e.kind === 'cancelled')!;
    expect(cancelled.actor).toMatchObject({ type: 'staff', role: 'helpdesk', email: HELPDESK_EMAIL });
    expect(cancelled.description).toBe(`${HELPDESK_NAME} <${HELPDESK_EMAIL}> が取り消し（理由: 金額の誤りのため再作成します）`);
    await t.smtp.waitFor((m) => m.to.includes(sato.email) && (m.parsed.subject ?? '').includes('取'));

    // Every help-desk action went into the hash chain, and the chain is intact.
    const actions = auditTrail(t.services.db, id).filter((e) => e.actor.startsWith('helpdesk:') && e.action !== 'mail.queued').map((e) => e.action);
    expect(actions).toEqual(['recipient.unlocked', 'link.resent', 'envelope.expiry-extended', 'envelope.cancelled']);
    expect(verifyAuditChains(t.services.auditKey, t.services.db)).toMatchObject({ problems: [] });
  });

  it('names a mail that could not be delivered, which no link state shows', () => {
    const now = Date.now();
    const env = { id: 'e', orgId: 'o', senderUserId: 'u', title: 't', message: '', status: 'sent', transactionDate: null, counterparty: null, amount: null, managementNumber: null, createdAt: now, sentAt: now, finishedAt: null, cancelReason: null, signingKind: 'noop', certificateBlobId: null, certificateWrappedKey: null } as const;
    const r = { id: 'r', envelopeId: 'e', position: 0, name: '山田', email: 'yamada@typo.example', role: 'signer', language: 'ja', accessCodeHash: 'x', status: 'notified', failedAttempts: 0, tokenHash: 'h', linkGeneration: 1, linkExpiresAt: now + DAY, notifiedAt: now, openedAt: null, finishedAt: null, rejectReason: null, claimId: null, claimUntil: null } as const;
    const d = (status: 'pending' | 'sent' | 'failed') =>
      diagnose({ env: { ...env }, recipients: [{ ...r }], opens: [], mail: new Map([['r', { status, lastError: status === 'failed' ? '550 5.1.1 user unknown' : null }]]), now, lang: 'ja' });
    const failed = d('failed');
    expect(failed.headline.code).toBe<FindingCode>('mail-failed');
    expect(failed.headline.message).toContain('550 5.1.1 user unknown');
    expect(failed.recipients[0]!.actions).toEqual(['resend', 'extend']);
    expect(d('pending').headline.code).toBe('mail-pending');
    expect(d('sent').headline.code).toBe('never-opened');
  });
});

describe('support bundles', () => {
  const TOKEN = 'Q2hhbmdlIG1lOiB0aGlzIGlzIGEgdGVzdCB0b2tlbiE';

  it('refuses a bundle that carries a token or an access code, and stores nothing of it', async () => {
    expect(TOKEN).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const seeded: [string, unknown][] = [
      ['token in an event', bundle({ events: [{ at: '2026-11-21T00:00:00.000Z', type: 'panel.open', detail: { url: `https://esign.example.jp/s/${TOKEN}` } }] })],
      ['token in a route', bundle({ apiCalls: [{ at: '2026-11-21T00:00:00.000Z', method: 'GET', route: `/api/sign/${TOKEN}`, status: 404, ms: 3 }] })],
      ['accessCode field', { ...bundle(), accessCode: '1234' }],
      ['accessCode in a detail', bundle({ events: [{ at: '2026-11-21T00:00:00.000Z', type: 'session.failed', detail: { accessCode: '1234' } }] })],
      ['session in a detail', bundle({ events: [{ at: '2026-11-21T00:00:00.000Z', type: 'session.ok', detail: { session: 'abc' } }] })],
    ];
    for (const [what, body] of seeded) {
      const res = await postBundle(body);
      const text = await res.text();
      expect(res.status, what).toBe(422);
      expect(JSON.parse(text).error.code, what).toBe('support-bundle-has-secret');
      expect(text, what).not.toContain(TOKEN);
      expect(text, what).not.toContain('1234');
    }
    const res = await postBundle({ ...bundle(), accessCode: '1234' }, { 'accept-language': 'ja' });
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^問い合わせ用情報に秘密の値.*: accessCode$/);
    // What the extension does before sending: the same bundle with the token redacted goes through.
    const redacted = await postBundle(bundle({ apiCalls: [{ at: '2026-11-21T00:00:00.000Z', method: 'POST', route: redactTokens(`/api/sign/${TOKEN}/session`), status: 401, errorCode: 'wrong-access-code', ms: 60 }] }));
    expect(redacted.status).toBe(201);
    const code = ((await redacted.json()) as { supportCode: string }).supportCode;
    expect((await lookup(code)).bundle!.bundle.apiCalls[0]!.route).toBe('/api/sign/{token}/session');
    const stored = t.services.db.select().from(supportBundles).all().map((b) => b.bundle).join('\n');
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain('accessCode');
  });

  it('refuses a malformed or oversized bundle with a clear error', async () => {
    const tooMany = await postBundle(bundle({ events: Array.from({ length: 201 }, () => ({ at: '2026-11-21T00:00:00.000Z', type: 'x' })) }), { 'accept-language': 'en' });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'validation-failed', message: expect.stringContaining('events') });
    expect((await postBundle({ ...bundle(), emailBody: 'x' })).status).toBe(400);
    const huge = await postBundle(bundle({ detection: { result: 'none', reasons: Array.from({ length: 20 }, () => 'x'.repeat(200)) }, events: Array.from({ length: 200 }, () => ({ at: '2026-11-21T00:00:00.000Z', type: 'x'.repeat(80), detail: { a: 'y'.repeat(500) } })) }));
    expect(huge.status).toBe(413);
  });

  it('gives a clean bundle a short code the help desk finds (via the link\'s hash), and the code expires after 30 days', async () => {
    const id = await newEnvelope({ recipients: [{ name: '高橋 四郎', email: 'takahashi@vendor.example.jp', accessCode: '8642' }] });
    const link = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes('takahashi@vendor.example.jp')));
    const linkHash = createHash('sha256').update(link.token).digest('hex');
    const res = await postBundle(bundle({ linkHash }));
    expect(res.status).toBe(201);
    const { supportCode, expiresAt } = (await res.json()) as { supportCode: string; expiresAt: string };
    expect(supportCode).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 30 * DAY))).toBeLessThan(60_000);

    const found = await lookup(supportCode);
    expect(found.envelopes.map((e) => e.id)).toEqual([id]);
    expect(found.bundle).toMatchObject({ supportCode, envelopeId: id, bundle: { linkHash, apiCalls: [{ route: '/api/sign/{token}' }, { errorCode: 'locked' }] } });
    expect(found.bundle!.recipientId).toBe(found.envelopes[0]!.diagnosis.recipients[0]!.recipientId);
    const tl = await timeline(id);
    expect(tl.entries.at(-1)).toMatchObject({ kind: 'support-bundle', recipient: { email: 'takahashi@vendor.example.jp' }, userAgent: 'Chrome 131 / Windows 11' });
    expect(tl.entries.at(-1)!.description).toContain(supportCode);

    // Distinct codes for distinct bundles.
    const codes = new Set([supportCode]);
    for (let i = 0; i < 3; i++) codes.add(((await (await postBundle(bundle())).json()) as { supportCode: string }).supportCode);
    expect(codes.size).toBe(4);

    offset = 30 * DAY + 1000;
    try {
      const late = await lookup(supportCode);
      expect(late.bundle).toBeNull();
      expect(late.envelopes).toEqual([]);
      expect((await timeline(id)).entries.some((e) => e.kind === 'support-bundle')).toBe(false);
    } finally {
      offset = 0;
    }
  });

  it('is rate-limited per address', async () => {
    const strict = await startTestServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await api(strict).post('/api/support/bundles', bundle())).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
    } finally {
      await strict.stop();
    }
  });
});

describe('the help-desk CLI', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, DATA_DIR: t.dataDir, LANG: 'ja_JP.UTF-8', SIGNING: 'noop' } });

  it('looks up and prints the timeline, readable and as JSON', async () => {
    const id = await newEnvelope({ managementNumber: 'KE-CLI-1', recipients: [{ name: '伊藤 五郎', email: 'ito@vendor.example.jp', accessCode: '1111' }] });
    const link = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes('ito@vendor.example.jp')));
    for (let i = 0; i < 5; i++) await api(t).post(`/api/sign/${link.token}/session`, { accessCode: '0000' }, undefined, browser);

    const found = JSON.parse((await cli('helpdesk', 'lookup', 'KE-CLI-1', '--json', '--as', HELPDESK_EMAIL)).stdout) as HelpdeskLookup;
    expect(found.envelopes.map((e) => [e.id, e.diagnosis.headline.code])).toEqual([[id, 'locked']]);
    const text = (await cli('helpdesk', 'timeline', id, '--as', HELPDESK_EMAIL)).stdout;
    expect(text).toContain('診断: アクセスコードを 5 回間違えたためロックされています');
    expect(text).toMatch(/access-code-failed\s+伊藤 五郎 <ito@vendor\.example\.jp>  アクセスコード誤り（5 \/ 5 回目）  \[127\.0\.0\.1 Chrome 131 \/ Windows\]/);
    expect(text).toContain('[unlock, extend]');
    // Codes were typed, so the link was reached even without a recorded open.
    expect(found.envelopes[0]!.diagnosis.recipients[0]!.findings.map((f) => f.code)).toEqual(['locked']);
  });
});
