import { describe, expect, it, vi } from 'vitest';
import { validateContentMessage, type MessageSender } from '../../extension/background/messages';
import { openPanel, panelPath } from '../../extension/background/panel';
import { fetchPublicInfo } from '../../extension/background/public-info';
import { detectionReasonsFromLocation, retargetPath, tabFromLocation } from '../../extension/sidepanel/retarget';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const SERVER = 'https://esign.city.example.lg.jp';
const TOKEN = 'q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e';
const LINK = `${SERVER}/s/${TOKEN}`;
const gmailTab: MessageSender = { id: EXT, url: 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQbgRnN', frameId: 0, tab: { id: 7 } };

const validate = (message: unknown, sender: Partial<MessageSender> = {}, trusted: string[] | null = [SERVER]) =>
  validateContentMessage(message, { ...gmailTab, ...sender }, EXT, trusted);

describe('background message validation', () => {
  it('accepts open-panel and public-info from a top-level webmail frame for a trusted signing link', () => {
    for (const type of ['esign:open-panel', 'esign:public-info']) {
      const v = validate({ type, link: LINK });
      expect(v).toMatchObject({ ok: true, sender: { tabId: 7, origin: 'https://mail.google.com' }, link: LINK, origin: SERVER });
    }
    for (const url of ['https://outlook.office.com/mail/inbox/id/AAQk', 'https://outlook.cloud.microsoft/mail/', 'https://outlook.live.com/mail/0/']) {
      expect(validate({ type: 'esign:open-panel', link: LINK }, { url }).ok).toBe(true);
    }
  });

  it.each<[string, unknown, Partial<MessageSender>, string]>([
    ['another extension', { type: 'esign:open-panel', link: LINK }, { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' }, 'foreign-sender'],
    ['no tab (e.g. an extension page)', { type: 'esign:open-panel', link: LINK }, { tab: undefined }, 'not-from-tab'],
    ['a sub-frame (an ad or mail iframe)', { type: 'esign:open-panel', link: LINK }, { frameId: 3 }, 'not-top-frame'],
    ['a page that is not webmail', { type: 'esign:open-panel', link: LINK }, { url: 'https://evil.example/' }, 'not-webmail'],
    ['a webmail lookalike origin', { type: 'esign:open-panel', link: LINK }, { url: 'https://mail.google.com.evil.example/' }, 'not-webmail'],
    ['plain http webmail', { type: 'esign:open-panel', link: LINK }, { url: 'http://mail.google.com/' }, 'not-webmail'],
    ['an unknown type', { type: 'esign:fetch', link: LINK }, {}, 'shape'],
    ['extra properties', { type: 'esign:open-panel', link: LINK, url: 'https://evil.example' }, {}, 'shape'],
    ['a non-string link', { type: 'esign:open-panel', link: { href: LINK } }, {}, 'shape'],
    ['an array', ['esign:open-panel', LINK], {}, 'shape'],
    ['null', null, {}, 'shape'],
    ['an oversized link', { type: 'esign:open-panel', link: `${LINK}?${'a'.repeat(3000)}` }, {}, 'shape'],
    ['an untrusted server', { type: 'esign:open-panel', link: `https://evil.example/s/${TOKEN}` }, {}, 'untrusted-link'],
    ['a lookalike server', { type: 'esign:public-info', link: `https://esign-city.example.lg.jp/s/${TOKEN}` }, {}, 'untrusted-link'],
    ['a trusted server, not a signing path', { type: 'esign:public-info', link: `${SERVER}/api/sign/${TOKEN}/documents` }, {}, 'untrusted-link'],
    ['a wrapped link (the content script must unwrap)', { type: 'esign:open-panel', link: `https://www.google.com/url?q=${encodeURIComponent(LINK)}` }, {}, 'untrusted-link'],
    ['a query string riding along', { type: 'esign:open-panel', link: `${LINK}?next=https://evil.example` }, {}, 'untrusted-link'],
  ])('rejects a message from %s', (_, message, sender, reason) => {
    expect(validate(message, sender)).toEqual({ ok: false, reason });
  });

  it('carries the banner\'s detection reasons (short codes only) from open-panel into the panel URL', () => {
    const reasons = ['subject:signing', 'link:unwrapped', 'link:2/3'];
    const v = validate({ type: 'esign:open-panel', link: LINK, reasons });
    expect(v).toMatchObject({ ok: true, message: { type: 'esign:open-panel', link: LINK, reasons } });
    const query = new URLSearchParams(panelPath(LINK, 7, 'gmail', reasons).split('?')[1]);
    expect(detectionReasonsFromLocation(`?${query}`)).toEqual(reasons);
    for (const bad of [['https://evil.example/x'], ['subject:signing', 42], 'subject:signing', Array(11).fill('link:1/1'), [`link:${TOKEN}`]]) {
      expect(validate({ type: 'esign:open-panel', link: LINK, reasons: bad })).toEqual({ ok: false, reason: 'shape' });
    }
    expect(validate({ type: 'esign:public-info', link: LINK, reasons })).toEqual({ ok: false, reason: 'shape' });
    expect(detectionReasonsFromLocation(`?why=${encodeURIComponent('subject:signing,<script>,link:1/1')}`)).toEqual(['subject:signing', 'link:1/1']);
  });

  it('checks the link shape even before the trust list has loaded', () => {
    expect(validate({ type: 'esign:open-panel', link: LINK }, {}, null).ok).toBe(true);
    expect(validate({ type: 'esign:open-panel', link: `${LINK}?x=1` }, {}, null)).toEqual({ ok: false, reason: 'untrusted-link' });
    expect(validate({ type: 'esign:open-panel', link: `https://a@b.example/s/${TOKEN}` }, {}, null)).toEqual({ ok: false, reason: 'untrusted-link' });
  });
});

describe('opening the side panel', () => {
  it('calls open() in the same turn, without waiting for setOptions', () => {
    const calls: string[] = [];
    const sidePanel = {
      setOptions: vi.fn(() => {
        calls.push('setOptions');
        return new Promise<void>(() => undefined); // never settles: open() must not wait for it
      }),
      open: vi.fn(() => {
        calls.push('open');
        return Promise.resolve();
      }),
    };
    void openPanel(sidePanel, 7, LINK);
    expect(calls).toEqual(['setOptions', 'open']);
    expect(sidePanel.setOptions).toHaveBeenCalledWith({ tabId: 7, path: panelPath(LINK, 7), enabled: true });
    expect(sidePanel.open).toHaveBeenCalledWith({ tabId: 7 });
    const query = new URLSearchParams(panelPath(LINK, 7).split('?')[1]);
    expect(query.get('link')).toBe(LINK);
    expect(query.get('tab')).toBe('7');
  });
});

describe('an open panel following the next banner clicked in its tab', () => {
  const ctx = { extensionId: EXT, tabId: 7, current: LINK };
  const other = `${SERVER}/s/${'B'.repeat(43)}`;
  const fromBackground = { id: EXT, url: `chrome-extension://${EXT}/background.js` };

  it('moves to the new link told by this extension’s background for its own tab', () => {
    expect(retargetPath({ type: 'esign:panel-link', tabId: 7, link: other }, fromBackground, ctx)).toBe(panelPath(other, 7));
    expect(tabFromLocation(`?link=${encodeURIComponent(LINK)}&tab=7`)).toBe(7);
  });

  it.each<[string, unknown, object, Partial<typeof ctx>]>([
    ['another tab’s link', { type: 'esign:panel-link', tabId: 8, link: other }, fromBackground, {}],
    ['the link it already shows', { type: 'esign:panel-link', tabId: 7, link: LINK }, fromBackground, {}],
    ['a content script (has a tab)', { type: 'esign:panel-link', tabId: 7, link: other }, { ...fromBackground, tab: { id: 7 } }, {}],
    ['another extension', { type: 'esign:panel-link', tabId: 7, link: other }, { id: 'x'.repeat(32) }, {}],
    ['a panel opened without a tab (as a page)', { type: 'esign:panel-link', tabId: 7, link: other }, fromBackground, { tabId: null as unknown as number }],
    ['a malformed message', { type: 'esign:panel-link', tabId: '7', link: other }, fromBackground, {}],
  ])('ignores %s', (_, message, sender, override) => {
    expect(retargetPath(message, sender, { ...ctx, ...override })).toBeNull();
  });
});

describe('public info for the banner', () => {
  const info = {
    state: 'ready',
    senderOrganization: '○○市',
    senderName: '総務課 佐藤',
    title: '業務委託契約書',
    expiresAt: '2026-12-01T00:00:00.000Z',
    recipientName: '山田 太郎',
    language: 'ja',
    documentCount: 2,
  };
  const ok = async () => true;

  it('fetches only from a trusted origin it holds a permission for, and returns only what the banner shows', async () => {
    const fetchSpy = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => Response.json(info));
    const r = await fetchPublicInfo(LINK, { trusted: [SERVER], hasPermission: ok, language: 'ja', fetch: fetchSpy });
    expect(fetchSpy).toHaveBeenCalledOnce();
    expect(String(fetchSpy.mock.calls[0][0])).toBe(`${SERVER}/api/sign/${TOKEN}`);
    expect(r).toEqual({ ok: true, info: { state: 'ready', senderOrganization: '○○市', senderName: '総務課 佐藤', title: '業務委託契約書', expiresAt: info.expiresAt } });

    const never = vi.fn();
    expect(await fetchPublicInfo(LINK, { trusted: [], hasPermission: ok, language: 'ja', fetch: never })).toEqual({ ok: false, error: 'untrusted' });
    expect(await fetchPublicInfo(LINK, { trusted: [SERVER], hasPermission: async () => false, language: 'ja', fetch: never })).toEqual({ ok: false, error: 'untrusted' });
    expect(never).not.toHaveBeenCalled();
  });

  it('reports an unreachable server and a malformed answer', async () => {
    const down = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await fetchPublicInfo(LINK, { trusted: [SERVER], hasPermission: ok, language: 'en', fetch: down })).toEqual({ ok: false, error: 'unreachable' });
    const odd = vi.fn(async () => Response.json({ hello: 'world' }));
    expect(await fetchPublicInfo(LINK, { trusted: [SERVER], hasPermission: ok, language: 'en', fetch: odd })).toEqual({ ok: false, error: 'bad-response' });
  });
});
