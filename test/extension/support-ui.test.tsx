// @vitest-environment node
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sample, startTestServer, type TestServer } from '../helpers/server';
import { signingLinkIn } from '../helpers/smtp';
import { createUser, login } from '../../server/auth/users';
import { createEnvelope } from '../../server/envelopes/create';
import { supportBundles } from '../../server/store/schema';
import { LanguageProvider } from '../../extension/i18n/context';
import { parseSigningLink, recipientApi } from '../../extension/sidepanel/api';
import { screenEvent, screenForError, screenForInfo, type Screen } from '../../extension/sidepanel/flow';
import { recordingFetch, SupportRecorder } from '../../extension/support/recorder';
import { CopySupportInfo } from '../../extension/support/CopySupportInfo';
import { ReplayViewer } from '../../extension/support/ReplayViewer';
import { buildSupportBundle } from '../../extension/support/bundle';
import { HelpdeskTab } from '../../extension/console/helpdesk/HelpdeskTab';
import type { ConsoleSession } from '../../extension/console/session';
import type { Actor } from '../../server/auth/actor';

/**
 * The real server runs in this process, so it keeps Node's fetch, Request and Headers; the page gets a
 * happy-dom window for everything Node lacks (document, elements, navigator.clipboard…). pdf.js's needs
 * from Node 20 come from test/helpers/pdfjs-node20.ts.
 */
const dom = await vi.hoisted(async () => {
  const { Window } = await import('happy-dom');
  const window = new Window({ url: 'chrome-extension://test/console.html' });
  const g = globalThis as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(window)) {
    if (!(key in g) && !key.startsWith('_')) g[key] = (window as unknown as Record<string, unknown>)[key];
  }
  for (const key of ['window', 'document', 'navigator', 'location']) Object.defineProperty(g, key, { value: key === 'window' ? window : (window as unknown as Record<string, unknown>)[key], configurable: true, writable: true });
  g.IS_REACT_ACT_ENVIRONMENT = true;
  return { window };
});

const CODE = 'sora-5820';
let t: TestServer;
let clerk: Actor;
const OPERATOR = 'helpdesk-ui@city.example.lg.jp';
let operator: ConsoleSession;

async function sentLink(title: string, email: string) {
  const { envelopeId } = await createEnvelope(t.services, clerk, { title, message: 'secret message', recipients: [{ name: '山田 太郎', email, role: 'signer', language: 'ja', accessCode: CODE }], fields: [], send: true }, [{ name: 'ukesho.pdf', bytes: sample('ukesho.pdf') }], 'ja');
  return { envelopeId, ...signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(email) && (m.parsed.subject ?? '').includes(title))) };
}

/** The side panel's calls and screen events for wrong codes until the lock. */
async function walkToLock(link: string) {
  const recorder = new SupportRecorder();
  const client = recipientApi(parseSigningLink(link)!, { language: () => 'ja', fetch: recordingFetch(recorder) });
  const show = (s: Screen) => recorder.event('panel.screen', screenEvent(s));
  const info = await client.publicInfo();
  show(screenForInfo(info));
  for (const wrong of ['0001', '0002', '0003']) {
    try {
      await client.openSession(wrong);
    } catch (e) {
      const next = screenForError(e, info);
      if (!next) throw e;
      show(next);
    }
  }
  return recorder;
}

let root: Root | null = null;
async function render(node: React.ReactNode, language: 'ja' | 'en' = 'ja') {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  root?.unmount();
  root = createRoot(host);
  await act(async () => root!.render(<LanguageProvider language={language}>{node}</LanguageProvider>));
  return host;
}
const $ = (host: ParentNode, id: string) => host.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
async function click(el: HTMLElement) {
  await act(async () => el.click());
}
async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await act(async () => new Promise((r) => setTimeout(r, 50)));
  }
}
function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
  el.dispatchEvent(new dom.window.Event('input', { bubbles: true }) as unknown as Event);
}

beforeAll(async () => {
  t = await startTestServer({ ACCESS_CODE_MAX_ATTEMPTS: '3' });
  clerk = (await login(t.services.db, t.senderEmail, 'correct horse battery', undefined)).actor;
  await createUser(t.services.db, { orgId: clerk.orgId, email: OPERATOR, name: '窓口 花子', role: 'helpdesk', password: 'help desk password' });
  const signedIn = await login(t.services.db, OPERATOR, 'help desk password', undefined);
  operator = { origin: t.url, token: signedIn.token, user: { id: signedIn.actor.userId, name: signedIn.actor.name, email: signedIn.actor.email, role: 'helpdesk' } };
});
afterAll(async () => {
  root?.unmount();
  await dom.window.happyDOM.close();
  await t?.stop();
});

describe('「問い合わせ用情報をコピー」', () => {
  it('posts the bundle, shows the support code and copies the JSON with the code', async () => {
    const { url, token } = await sentLink('清掃業務委託契約書', 'copy@vendor.example.jp');
    const recorder = await walkToLock(url);
    const host = await render(<CopySupportInfo recorder={recorder} server={t.url} page="sidepanel" />);
    expect($(host, 'copy-support-info').textContent).toBe('問い合わせ用情報をコピー');
    await click($(host, 'copy-support-info'));
    await until(() => !!host.querySelector('[data-testid=support-result]'));
    const code = $(host, 'support-code').textContent!;
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect($(host, 'support-result').textContent).toContain('ヘルプデスクにこのサポートコードをお伝えください');
    const copied = JSON.parse(await navigator.clipboard.readText()) as { supportCode: string; apiCalls: { errorCode?: string }[] };
    expect(copied.supportCode).toBe(code);
    expect(copied.apiCalls.map((c) => c.errorCode ?? null)).toEqual([null, 'wrong-access-code', 'wrong-access-code', 'locked']);
    expect(JSON.stringify(copied)).not.toContain(token);
    // The server keeps it under that code.
    const stored = t.services.db.select().from(supportBundles).all().map((r) => JSON.stringify(r));
    expect(stored.some((r) => r.includes(code))).toBe(true);
  });

  it('still copies the JSON, without a code, when the server cannot be reached — and says so in English too', async () => {
    const recorder = new SupportRecorder();
    recorder.event('panel.open');
    const host = await render(<CopySupportInfo recorder={recorder} server="http://127.0.0.1:1" page="verify" />, 'en');
    expect($(host, 'copy-support-info').textContent).toBe('Copy support info');
    await click($(host, 'copy-support-info'));
    await until(() => !!host.querySelector('[data-testid=support-result]'));
    expect($(host, 'support-result').dataset.outcome).toBe('no-code');
    expect($(host, 'support-result').textContent).toContain('there is no support code');
    expect(host.querySelector('[data-testid=support-code]')).toBeNull();
    const copied = JSON.parse(await navigator.clipboard.readText()) as Record<string, unknown>;
    expect(copied.supportCode).toBeUndefined();
    expect(copied).toMatchObject({ page: 'verify', events: [{ type: 'panel.open' }] });
  });
});

describe('the replay viewer', () => {
  it('steps through the recorded screens, read-only: the wrong-code screens with attempts left, then the lock', async () => {
    const { url } = await sentLink('物品購入契約書', 'replay@vendor.example.jp');
    const bundle = buildSupportBundle(await walkToLock(url), { page: 'sidepanel', language: 'ja', userAgent: '' });
    const host = await render(<ReplayViewer bundle={bundle} />);
    const screen = () => $(host, 'replay-screen');
    expect($(host, 'replay-step').dataset.step).toBe('1');
    expect(screen().dataset.screen).toBe('access-code');
    expect(screen().textContent).toContain('物品購入契約書');
    expect((screen().querySelector('button') as HTMLButtonElement).closest('fieldset')!.disabled).toBe(true);
    expect(($(host, 'replay-prev') as HTMLButtonElement).disabled).toBe(true);

    await click($(host, 'replay-next'));
    expect(screen().textContent).toContain('あと 2 回間違えるとロックされます');
    await click($(host, 'replay-next'));
    expect(screen().textContent).toContain('あと 1 回間違えるとロックされます');
    await click($(host, 'replay-next'));
    expect(screen().dataset.screen).toBe('state');
    expect(screen().textContent).toContain('ロックされました');
    expect(($(host, 'replay-next') as HTMLButtonElement).disabled).toBe(true);
    expect($(host, 'replay-step').textContent).toMatch(/^画面 4 \/ 4/);

    // Beside it, every call with its status and error code; the current step's line marked.
    const lines = [...host.querySelectorAll<HTMLElement>('[data-testid=replay-line][data-kind=call]')].map((l) => l.textContent);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/POST \/api\/sign\/\{token\}\/session → 401 wrong-access-code/);
    expect(lines[3]).toMatch(/→ 423 locked/);
    expect(host.querySelector('[data-testid=replay-line][data-current]')!.textContent).toContain('panel.screen name=state state=locked');

    await click($(host, 'replay-prev'));
    expect(screen().dataset.screen).toBe('access-code');
  });
});

describe('the help-desk tab', () => {
  it('finds the envelope by support code with its headline and timeline, replays the bundle, and unlocks after a confirmation', async () => {
    const { url, envelopeId } = await sentLink('賃貸借契約書', 'locked@vendor.example.jp');
    const recorder = await walkToLock(url);
    recorder.setContext({ envelopeId });
    const bundle = buildSupportBundle(recorder, { page: 'sidepanel', language: 'ja', userAgent: '' });
    const posted = await fetch(`${t.url}/api/support/bundles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
    expect(posted.status).toBe(201);
    const { supportCode } = (await posted.json()) as { supportCode: string };

    const host = await render(<HelpdeskTab session={operator} />);
    type($(host, 'helpdesk-query') as HTMLInputElement, 'locked@vendor.example.jp');
    await act(async () => ($(host, 'helpdesk-search').closest('form') as HTMLFormElement).requestSubmit());
    await until(() => !!host.querySelector('[data-testid=helpdesk-timeline]'));
    expect($(host, 'helpdesk-headline').dataset.code).toBe('locked');
    const kinds = [...host.querySelectorAll<HTMLElement>('[data-testid=timeline-row]')].map((r) => r.dataset.kind);
    expect(kinds).toEqual(expect.arrayContaining(['created', 'sent', 'access-code-failed', 'locked']));

    // Unlock: nothing happens before the confirmation; after it, the answer's diagnosis is shown.
    await click($(host, 'helpdesk-unlock'));
    expect($(host, 'helpdesk-confirm-dialog').textContent).toContain('山田 太郎 様のロックを解除します');
    await click($(host, 'helpdesk-confirm'));
    await until(() => !!host.querySelector('[data-testid=helpdesk-action-result]'));
    expect($(host, 'helpdesk-action-result').textContent).toBe('ロックを解除しました。');
    await until(() => [...host.querySelectorAll<HTMLElement>('[data-testid=timeline-row]')].some((r) => r.dataset.kind === 'unlocked'));
    expect($(host, 'helpdesk-diagnosis').dataset.code).not.toBe('locked');

    // The support code finds the bundle; the replay opens on the first recorded screen.
    type($(host, 'helpdesk-query') as HTMLInputElement, supportCode.toLowerCase().replace('-', ''));
    await act(async () => ($(host, 'helpdesk-search').closest('form') as HTMLFormElement).requestSubmit());
    await until(() => !!host.querySelector('[data-testid=replay-open]'));
    await click($(host, 'replay-open'));
    expect($(host, 'replay-screen').dataset.screen).toBe('access-code');
  });

  it('makes a sandbox copy after a confirmation and shows its access codes; cancelling needs a reason', async () => {
    const { envelopeId } = await sentLink('修繕工事請負契約書', 'sandbox@vendor.example.jp');
    const host = await render(<HelpdeskTab session={operator} />);
    type($(host, 'helpdesk-query') as HTMLInputElement, envelopeId);
    await act(async () => ($(host, 'helpdesk-search').closest('form') as HTMLFormElement).requestSubmit());
    await until(() => !!host.querySelector('[data-testid=helpdesk-timeline]'));

    await click($(host, 'sandbox-copy'));
    expect($(host, 'helpdesk-confirm-dialog').textContent).toContain(OPERATOR);
    await click($(host, 'helpdesk-confirm'));
    await until(() => !!host.querySelector('[data-testid=sandbox-result]'));
    const sandboxId = $(host, 'sandbox-result').dataset.envelopeId!;
    expect(sandboxId).toMatch(/^[0-9a-f]{32}$/);
    expect($(host, 'sandbox-result').textContent).toContain('【テスト】修繕工事請負契約書');
    const codes = [...host.querySelectorAll('[data-testid=sandbox-code]')].map((c) => c.textContent);
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatch(/^\d{4}$/);
    // The code opens the test envelope's link, mailed to the operator.
    const mail = await t.smtp.waitFor((m) => m.to.includes(OPERATOR) && (m.parsed.subject ?? '').includes('【テスト】修繕工事請負契約書'));
    const opened = await fetch(`${t.url}/api/sign/${signingLinkIn(mail).token}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessCode: codes[0] }) });
    expect(opened.status).toBe(200);

    await click($(host, 'helpdesk-cancel'));
    await click($(host, 'helpdesk-confirm'));
    expect($(host, 'helpdesk-input-problem').textContent).toBe('理由を入力してください。');
    await act(async () => type($(host, 'helpdesk-cancel-reason') as HTMLTextAreaElement, '宛先の誤りのため'));
    await click($(host, 'helpdesk-confirm'));
    await until(() => !!host.querySelector('[data-testid=helpdesk-action-result]'));
    expect($(host, 'helpdesk-action-result').textContent).toBe('封筒を取り消しました。');
    expect($(host, 'helpdesk-diagnosis').dataset.code).toBe('cancelled');
    await until(() => [...host.querySelectorAll<HTMLElement>('[data-testid=timeline-row]')].some((r) => r.dataset.kind === 'cancelled'));
  });

  it('imports a pasted bundle, and refuses a broken one with the reason while keeping the text', async () => {
    const { url } = await sentLink('保守点検契約書', 'paste@vendor.example.jp');
    const bundle = buildSupportBundle(await walkToLock(url), { page: 'sidepanel', language: 'ja', userAgent: '' });
    const host = await render(<HelpdeskTab session={operator} />, 'en');
    const area = $(host, 'bundle-import') as HTMLTextAreaElement;
    await act(async () => type(area, '{"events": [}'));
    await click($(host, 'bundle-import-submit'));
    expect($(host, 'bundle-import-problem').textContent).toBe('This could not be read as support info (it is not JSON).');
    expect(area.value).toBe('{"events": [}');
    await act(async () => type(area, JSON.stringify({ ...bundle, apiCalls: [{ ...bundle.apiCalls[0], route: `/api/sign/${'A'.repeat(43)}` }] })));
    await click($(host, 'bundle-import-submit'));
    expect($(host, 'bundle-import-problem').textContent).toMatch(/^This support info is not in the expected shape: apiCalls\.0\.route/);
    await act(async () => type(area, JSON.stringify({ supportCode: 'K7QP-3XMA', ...bundle })));
    await click($(host, 'bundle-import-submit'));
    expect(host.querySelector('[data-testid=bundle-import-problem]')).toBeNull();
    await click($(host, 'replay-open'));
    expect($(host, 'replay-viewer').textContent).toContain('K7QP-3XMA');
    expect($(host, 'replay-screen').dataset.screen).toBe('access-code');
  });
});
