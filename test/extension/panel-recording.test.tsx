// @vitest-environment node
/**
 * The side panel records what happens for the support bundle: the real controller (App) and screens,
 * driven like a user in a happy-dom document, against the real server (in this process, so Node's
 * own fetch, FormData and Blob, not happy-dom's) with its real SQLite database.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LanguageProvider } from '../../extension/i18n/context';
import { App } from '../../extension/sidepanel/App';
import { PanelHostProvider, type PanelHost } from '../../extension/sidepanel/host';
import { SupportRecorder } from '../../extension/support/recorder';
import { TOKEN_LIKE } from '../../shared/api/support';
import { createEnvelope, startTestServer, type TestServer } from '../helpers/server';
import { signingLinkIn } from '../helpers/smtp';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
await vi.hoisted(async () => {
  // A document for React, before react-dom loads; fetch and the rest stay Node's.
  const g = globalThis as Record<string, unknown>;
  const { Window } = await import('happy-dom');
  const win = new Window({ url: 'http://localhost:3000/' });
  for (const name of ['window', 'document', 'HTMLElement', 'HTMLIFrameElement', 'Element', 'Node', 'Event', 'requestAnimationFrame', 'cancelAnimationFrame', 'getComputedStyle']) {
    const value = name === 'window' ? win : (win as unknown as Record<string, unknown>)[name];
    g[name] = typeof value === 'function' && /^[a-z]/.test(name) ? (value as (...a: unknown[]) => unknown).bind(win) : value;
  }
  g.location ??= win.location;
  g.navigator ??= win.navigator;
});

const CODE = '7391';
const MESSAGE = 'seeded-message-for-the-recipient-5d2a';
const FIELD_VALUE = 'seeded-field-value-83c1';
const REASON = 'seeded-reject-reason-1b7e';

let t: TestServer;
let root: Root | null = null;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await act(async () => root?.unmount());
  await t?.stop();
});

async function sentLink(title: string, email: string) {
  const res = await createEnvelope(t, {
    title,
    message: MESSAGE,
    recipients: [{ name: '山田 太郎', email, accessCode: CODE }],
    fields: [{ document: 0, recipient: 0, label: '担当者名', type: 'text', required: true, page: 1, rect: { x: 100, y: 100, width: 200, height: 24 } }],
  });
  expect(res.status).toBe(201);
  return signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(email) && (m.parsed.subject ?? '').includes(title)));
}

function hostFor(recorder: SupportRecorder, trusted = true): PanelHost {
  return { kind: 'web', trusts: async () => trusted, pdfAssets: `${t.url}/web/pdfjs/`, recorder };
}

async function open(link: string, host: PanelHost) {
  const container = document.createElement('div');
  document.body.replaceChildren(container);
  await act(async () => root?.unmount());
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <LanguageProvider language="ja">
        <PanelHostProvider host={host}>
          <App link={link} />
        </PanelHostProvider>
      </LanguageProvider>,
    );
  });
  return container;
}

const $ = <E extends Element = HTMLElement>(c: Element, id: string) => c.querySelector<E>(`[data-testid=${id}]`);

/** Waits (through React's act) until `find` returns something. */
async function until<T>(find: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out; page: ${document.body.textContent?.slice(0, 300)}`);
    await act(async () => new Promise((r) => setTimeout(r, 25)));
  }
}

/** Types like a user: React listens to the input event. */
async function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')!.set!.call(el, value);
    el.dispatchEvent(new window.Event('input', { bubbles: true }));
  });
}

async function click(el: Element) {
  await act(async () => (el as HTMLElement).click());
}

const screens = (r: SupportRecorder) => r.events.filter((e) => e.type === 'panel.screen').map((e) => e.detail);

describe('what the panel records', () => {
  it('records each screen, the code attempts and the completion, and holds no code, token, session, message or field value', async () => {
    const { url, token } = await sentLink('清掃業務委託契約書', 'yamada@vendor.example.jp');
    // Watch the sessions the server hands out (the panel's fetch goes through untouched).
    const sessions: string[] = [];
    const realFetch = globalThis.fetch;
    const watch = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).endsWith('/session') && response.ok) sessions.push(((await response.clone().json()) as { session: string }).session);
      return response;
    });
    const recorder = new SupportRecorder();
    const panel = await open(url, hostFor(recorder));

    const input = await until(() => $<HTMLInputElement>(panel, 'access-code'));
    await type(input, '0000');
    await click($(panel, 'access-code-submit')!);
    const error = await until(() => $(panel, 'access-code-error'));
    expect(error.getAttribute('data-attempts-left')).toBe('4');

    await type($<HTMLInputElement>(panel, 'access-code')!, CODE);
    await click($(panel, 'access-code-submit')!);
    const field = await until(() => $<HTMLInputElement>(panel, 'field-input'));
    expect($(panel, 'envelope-message')!.textContent).toBe(MESSAGE); // shown to the user, never recorded
    await type(field, FIELD_VALUE);
    await click($(panel, 'complete')!);
    await click(await until(() => $(panel, 'confirm-complete')));
    await until(() => $(panel, 'done'));

    expect(screens(recorder)).toEqual([
      { name: 'loading' },
      { name: 'access-code' },
      { name: 'access-code', problem: 'wrong-code', attemptsLeft: 4 },
      { name: 'documents', documents: 1 },
      { name: 'done', concluded: true },
    ]);
    const types = recorder.events.map((e) => e.type);
    expect(types[0]).toBe('panel.open');
    expect(recorder.events.filter((e) => e.type === 'code.submit').map((e) => e.detail)).toEqual([
      { ok: false, errorCode: 'wrong-access-code' },
      { ok: true },
    ]);
    expect(recorder.events.find((e) => e.type === 'code.submit')!.ms).toBeGreaterThanOrEqual(0);
    expect(types).toContain('complete.ask');
    expect(recorder.events.find((e) => e.type === 'complete.confirm')).toMatchObject({ detail: { ok: true }, ms: expect.any(Number) });

    // The API calls, with the token replaced.
    expect(recorder.calls.map((c) => [c.method, c.route.replace(/[0-9a-f]{32}/, '{id}'), c.status, c.errorCode ?? null])).toEqual([
      ['GET', '/api/sign/{token}', 200, null],
      ['POST', '/api/sign/{token}/session', 401, 'wrong-access-code'],
      ['POST', '/api/sign/{token}/session', 200, null],
      ['GET', '/api/sign/{token}/documents', 200, null],
      ['GET', '/api/sign/{token}/documents/{id}/pdf', 200, null],
      ['POST', '/api/sign/{token}/complete', 200, null],
    ]);

    // Who and which link, without the link.
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('hex');
    expect(recorder.context).toMatchObject({ linkHash: hash, adapter: 'none', envelopeId: expect.stringMatching(/^[0-9a-f]{32}$/), recipientId: expect.stringMatching(/^[0-9a-f]{32}$/) });

    watch.mockRestore();
    expect(sessions).toHaveLength(1);
    const held = JSON.stringify({ events: recorder.events, calls: recorder.calls, context: recorder.context });
    for (const secret of [CODE, token, sessions[0], MESSAGE, FIELD_VALUE]) expect(held).not.toContain(secret);
    expect(held).not.toMatch(/"session"/);
    expect(held).not.toMatch(TOKEN_LIKE);
  });

  it('records a rejection without its reason', async () => {
    const { url, token } = await sentLink('物品購入契約書', 'sato@vendor.example.jp');
    const recorder = new SupportRecorder();
    const panel = await open(url, hostFor(recorder));
    await type(await until(() => $<HTMLInputElement>(panel, 'access-code')), CODE);
    await click($(panel, 'access-code-submit')!);
    await click(await until(() => $(panel, 'reject')));
    await type(await until(() => $<HTMLTextAreaElement>(panel, 'reject-reason')), REASON);
    await click($(panel, 'confirm-reject')!);
    await until(() => $(panel, 'rejected-done'));

    expect(screens(recorder).map((d) => d!.name)).toEqual(['loading', 'access-code', 'documents', 'rejected']);
    expect(recorder.events.map((e) => e.type)).toEqual(expect.arrayContaining(['reject.open', 'reject.confirm']));
    expect(recorder.calls.at(-1)).toMatchObject({ method: 'POST', route: '/api/sign/{token}/reject', status: 200 });
    const held = JSON.stringify({ events: recorder.events, calls: recorder.calls, context: recorder.context });
    for (const secret of [CODE, token, MESSAGE, REASON]) expect(held).not.toContain(secret);
  });

  it('asks the host before any request: an untrusted link is shown as such and nothing is fetched', async () => {
    const { url } = await sentLink('賃貸借契約書', 'ito@vendor.example.jp');
    const recorder = new SupportRecorder();
    const panel = await open(url, hostFor(recorder, false));
    await until(() => $(panel, 'untrusted-link'));
    expect(recorder.calls).toEqual([]);
    expect(screens(recorder)).toEqual([{ name: 'loading' }, { name: 'untrusted' }]);
    // The support button is there, with no server to send to.
    expect($(panel, 'copy-support-info')).not.toBeNull();
  });
});
