// @vitest-environment node
// The real server runs in this process; it needs Node's fetch, FormData and Blob, not happy-dom's.
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, createEnvelope, startTestServer, type TestServer } from '../helpers/server';
import { signingLinkIn } from '../helpers/smtp';
import { parseSigningLink, recipientApi, type RecipientApi } from '../../extension/sidepanel/api';
import { screenEvent, screenForError, screenForInfo, type Screen } from '../../extension/sidepanel/flow';
import { recordingFetch, SupportRecorder } from '../../extension/support/recorder';
import { buildSupportBundle, MAX_BUNDLE_BYTES, trimToLimit } from '../../extension/support/bundle';
import { callKind, PLACEHOLDER, replayApi, replayBundle, replaySteps } from '../../extension/support/replay';
import { SupportBundle, type SupportBundle as Bundle } from '../../shared/api/support';

const CODE = 'kumo-7391';
const MESSAGE = 'seeded-envelope-message-4f1c';
const FIELD_VALUE = 'seeded-field-value-9a2e';
let t: TestServer;

/** What the side panel's controller records on each screen change (its own screenEvent). */
function showScreen(recorder: SupportRecorder, screen: Screen) {
  recorder.event('panel.screen', screenEvent(screen));
  return screen;
}

async function sentLink(title: string, email: string, extra: Record<string, unknown> = {}) {
  const res = await createEnvelope(t, {
    title,
    message: MESSAGE,
    recipients: [{ name: '山田 太郎', email, accessCode: CODE }],
    fields: [{ document: 0, recipient: 0, label: '担当者名', type: 'text', required: true, page: 1, rect: { x: 100, y: 100, width: 200, height: 24 } }],
    ...extra,
  });
  expect(res.status).toBe(201);
  return signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(email) && (m.parsed.subject ?? '').includes(title)));
}

/** Walks the recipient flow the way the panel does, through recordingFetch against the real server. */
async function walk(link: string, codes: string[], complete: boolean) {
  const recorder = new SupportRecorder();
  const client: RecipientApi = recipientApi(parseSigningLink(link)!, { language: () => 'ja', fetch: recordingFetch(recorder) });
  recorder.event('panel.open');
  const info = await client.publicInfo();
  let screen = showScreen(recorder, screenForInfo(info));
  for (const code of codes) {
    try {
      const session = await client.openSession(code);
      const documents = await client.documents(session);
      recorder.setContext({ envelopeId: documents.envelopeId, recipientId: documents.recipientId });
      screen = showScreen(recorder, { name: 'documents', info, session, documents });
      await client.pdf(session, documents.documents[0]!.id);
      if (complete) {
        const field = documents.documents[0]!.fields[0]!;
        const result = await client.complete(session, { [field.id]: FIELD_VALUE });
        screen = showScreen(recorder, { name: 'done', info, session, documents, result });
      }
    } catch (e) {
      screen = showScreen(recorder, screenForError(e, info)!);
    }
  }
  return { recorder, screen };
}

beforeAll(async () => {
  t = await startTestServer({ ACCESS_CODE_MAX_ATTEMPTS: '3' });
});
afterAll(async () => {
  await t?.stop();
});

describe('a support bundle from a recorded walk', () => {
  it('passes the schema, is accepted by the server, and carries no code, token, session, message or field value', async () => {
    const { url, token } = await sentLink('清掃業務委託契約書', 'yamada@vendor.example.jp');
    const { recorder } = await walk(url, ['0000', CODE], true);
    const bundle = buildSupportBundle(recorder, { page: 'sidepanel', language: 'ja', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' });
    expect(SupportBundle.safeParse(bundle).success).toBe(true);
    expect(bundle).toMatchObject({ browser: 'Chrome 131 / Windows', adapter: 'none', page: 'sidepanel', language: 'ja' });
    expect(bundle.envelopeId).toMatch(/^[0-9a-f]{32}$/);
    expect(bundle.apiCalls.map((c) => [c.method, c.route, c.status, c.errorCode ?? null])).toEqual([
      ['GET', '/api/sign/{token}', 200, null],
      ['POST', '/api/sign/{token}/session', 401, 'wrong-access-code'],
      ['POST', '/api/sign/{token}/session', 200, null],
      ['GET', '/api/sign/{token}/documents', 200, null],
      ['GET', expect.stringMatching(/^\/api\/sign\/\{token\}\/documents\/[0-9a-f]{32}\/pdf$/), 200, null],
      ['POST', '/api/sign/{token}/complete', 200, null],
    ]);
    const text = JSON.stringify(bundle);
    for (const secret of [CODE, token, MESSAGE, FIELD_VALUE]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"session"/);

    const res = await api(t).post('/api/support/bundles', bundle);
    expect(res.status).toBe(201);
  });

  it('stays under the server limit by dropping the oldest recorded answers first', () => {
    const recorder = new SupportRecorder();
    for (let i = 0; i < 200; i++) {
      recorder.apiCall({ at: new Date(Date.UTC(2026, 10, 21, 0, 0, i)).toISOString(), method: 'GET', route: '/api/sign/{token}', status: 200, ms: 5, response: { title: `answer ${i} ${'x'.repeat(1000)}` } });
    }
    const bundle = buildSupportBundle(recorder, { page: 'sidepanel', language: 'en', userAgent: '' });
    expect(new TextEncoder().encode(JSON.stringify(bundle)).length).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(bundle.apiCalls).toHaveLength(200); // every call line stays
    expect(bundle.apiCalls[0]!.response).toBeUndefined(); // the oldest answers went first
    expect(bundle.apiCalls[199]!.response).toEqual({ title: expect.stringContaining('answer 199') });
    const small = trimToLimit(bundle, 1000);
    expect(JSON.stringify(small).length).toBeLessThanOrEqual(1000);
  });
});

describe('replaying a bundle', () => {
  it('shows the screens the user saw, in order: wrong code with attempts left, then the lock', async () => {
    const { url } = await sentLink('物品購入契約書', 'sato@vendor.example.jp');
    const { recorder, screen } = await walk(url, ['1111', '2222', '3333'], false);
    expect(screen).toMatchObject({ name: 'state', state: 'locked' });
    const bundle = buildSupportBundle(recorder, { page: 'sidepanel', language: 'ja', userAgent: '' });

    const network = vi.spyOn(globalThis, 'fetch');
    try {
      const replay = replayBundle(bundle);
      const shown = replay.steps.map((s) => s.screen);
      expect(shown.map((s) => (s.name === 'state' ? `state:${s.state}` : s.name === 'access-code' ? `code:${s.problem?.kind ?? ''}:${s.problem?.kind === 'wrong-code' ? s.problem.attemptsLeft : ''}` : s.name))).toEqual([
        'code::',
        'code:wrong-code:2',
        'code:wrong-code:1',
        'state:locked',
      ]);
      // The recorded public info, as the user saw it.
      expect(shown[0]).toMatchObject({ info: { title: '物品購入契約書', recipientName: '山田 太郎', documentCount: 1 } });
      // Each step has its recorded time, in order.
      const times = replay.steps.map((s) => Date.parse(s.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(replay.steps.map((s) => s.at)).toEqual(bundle.events.filter((e) => e.type === 'panel.screen').map((e) => e.at));
      // The list beside it: every event and call, the error codes visible.
      expect(replay.lines.filter((l) => l.kind === 'call').map((l) => (l.kind === 'call' ? l.errorCode ?? l.status : null))).toEqual([200, 'wrong-access-code', 'wrong-access-code', 'locked']);

      // The replay API answers from the recording.
      await expect(replay.api.publicInfo()).resolves.toMatchObject({ title: '物品購入契約書' });
      await expect(replay.api.openSession('anything')).rejects.toMatchObject({ code: 'wrong-access-code', attemptsLeft: 2 });
      await expect(replay.api.openSession('anything')).rejects.toMatchObject({ code: 'wrong-access-code', attemptsLeft: 1 });
      await expect(replay.api.openSession('anything')).rejects.toMatchObject({ code: 'locked' });
      expect(network).not.toHaveBeenCalled();
    } finally {
      network.mockRestore();
    }
  });

  it('rebuilds documents with placeholders, and its PDFs have the recorded page count and say the content is redacted', async () => {
    const { url } = await sentLink('業務委託契約書（再生）', 'suzuki@vendor.example.jp');
    const { recorder } = await walk(url, [CODE], true);
    const bundle = buildSupportBundle(recorder, { page: 'sidepanel', language: 'ja', userAgent: '' });
    const steps = replaySteps(bundle);
    expect(steps.map((s) => s.screen.name)).toEqual(['access-code', 'documents', 'done']);
    const docs = steps[1]!.screen;
    if (docs.name !== 'documents') throw new Error('not documents');
    expect(docs.documents.message).toBe(PLACEHOLDER);
    expect(docs.session).not.toMatch(/[A-Za-z0-9_-]{43}/);
    expect(docs.documents.documents[0]!.fields.map((f) => f.label)).toEqual(['担当者名']);

    const api = replayApi(bundle);
    const pdf = await api.pdf(docs.session, docs.documents.documents[0]!.id);
    const loaded = await PDFDocument.load(pdf);
    expect(loaded.getPageCount()).toBe(docs.documents.documents[0]!.pageCount);
    const text = new TextDecoder().decode(pdf);
    expect(text).toContain('(Content redacted) Tj');
    expect(text).toContain('<5185 5bb9'.replace(' ', '')); // 「内容」 in UCS-2 for the Japanese line
  });

  it('replays from the API calls alone when the bundle has no screen events', async () => {
    const { url } = await sentLink('賃貸借契約書', 'ito@vendor.example.jp');
    const { recorder } = await walk(url, ['9999', CODE], false);
    const bundle: Bundle = { ...buildSupportBundle(recorder, { page: 'sidepanel', language: 'en', userAgent: '' }), events: [] };
    const steps = replaySteps(bundle);
    expect(steps.map((s) => s.screen.name)).toEqual(['access-code', 'access-code', 'documents']);
    expect(steps[1]!.screen).toMatchObject({ problem: { kind: 'wrong-code', attemptsLeft: 2 } });
    expect(steps.every((s) => s.call !== null && callKind(bundle.apiCalls[s.call]!) !== 'other')).toBe(true);
  });
});
