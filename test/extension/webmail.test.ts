import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gmail } from '../../extension/webmail/gmail';
import { outlook } from '../../extension/webmail/outlook';
import { detectMessage, isSigningSubject, watchMailbox, type BannerHandle, type Detection } from '../../extension/webmail/detect';
import {
  gmailInboxHtml,
  gmailLinks,
  gmailPage,
  gmailThreadHtml,
  outlookListHtml,
  outlookPage,
  outlookReadingPaneHtml,
  safeLinks,
  type FixtureThread,
} from '../e2e/fixtures/webmail';

const SERVER = 'https://esign.city.example.lg.jp';
const TOKEN = 'q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e';
const LINK = `${SERVER}/s/${TOKEN}`;
const TRUSTED = [SERVER];

function signingBody(link: string, text = '文書を確認する') {
  return `<div dir="ltr"><div>株式会社サンプル 御中<br>山田 太郎 様</div><p>○○市 総務課 佐藤 様より「業務委託契約書（令和7年度）」への署名依頼が届いています。</p><p><a href="${link}">${text}</a></p><p>アクセスコードは別途お知らせしています。リンクの有効期限: 2026年12月1日</p><div class="gmail_signature">--<br>電子契約サービス <a href="https://www.city.example.lg.jp/">https://www.city.example.lg.jp/</a></div></div>`;
}

const ordinaryBody = '<div>先日はありがとうございました。議事録を <a href="https://docs.example.com/d/abc">こちら</a> に置きました。</div>';

function thread(body: string, subject = '○○市 佐藤 様より「業務委託契約書（令和7年度）」への署名依頼が届いています'): FixtureThread {
  return {
    subject,
    threadId: '1790123456789012345',
    messages: [
      { id: '1790000000000000001', fromName: '田中 一郎', fromEmail: 'ichiro@vendor.example.jp', html: ordinaryBody, expanded: false },
      { id: '1790000000000000002', fromName: '電子契約', fromEmail: 'no-reply@esign.city.example.lg.jp', html: body },
    ],
  };
}

function load(html: string) {
  document.open();
  document.write(html);
  document.close();
}

describe('the Gmail adapter', () => {
  it('finds the expanded message of a conversation, its subject, sender and real links', () => {
    load(gmailPage(gmailThreadHtml(thread(gmailLinks(signingBody(LINK))))));
    const messages = gmail.openMessages(document);
    expect(messages).toHaveLength(1); // the collapsed message has no body
    const [m] = messages;
    expect(m.key).toBe('#msg-f:1790000000000000002');
    expect(m.subject).toContain('署名依頼');
    expect(m.senderHint).toBe('no-reply@esign.city.example.lg.jp');
    expect(m.links.map((l) => l.href)).toContain(LINK);
    expect((m.anchor.before as Element).matches('div.ii.gt')).toBe(true);
    const d = detectMessage(m, TRUSTED);
    expect(d).toMatchObject({ kind: 'sign', link: LINK, origin: SERVER });
    // Gmail keeps the real address in href (its wrapper is in data-saferedirecturl); the reasons never carry the link.
    expect(d?.kind === 'sign' && d.reasons).toEqual(['subject:signing', 'link:direct', 'link:1/2']);
    expect(JSON.stringify(d?.kind === 'sign' && d.reasons)).not.toContain('/s/');
  });

  it('finds the message in the preview pane', () => {
    load(gmailPage(gmailThreadHtml(thread(gmailLinks(signingBody(LINK))), { previewPane: true })));
    expect(gmail.openMessages(document).map((m) => detectMessage(m, TRUSTED)?.kind)).toEqual(['sign']);
  });

  it('sees no open message in the inbox list, even with signing words in subjects and snippets', () => {
    load(gmailPage(gmailInboxHtml(60)));
    expect(document.querySelectorAll('tr.zA')).toHaveLength(60);
    expect(gmail.openMessages(document)).toEqual([]);
  });

  it('returns each expanded message of a longer conversation with its own key', () => {
    const t = thread(gmailLinks(signingBody(LINK)));
    t.messages.push({ id: '1790000000000000003', fromName: '山田 太郎', fromEmail: 'taro@vendor.example.jp', html: ordinaryBody });
    load(gmailPage(gmailThreadHtml(t)));
    const messages = gmail.openMessages(document);
    expect(messages.map((m) => m.key)).toEqual(['#msg-f:1790000000000000002', '#msg-f:1790000000000000003']);
    expect(messages.map((m) => detectMessage(m, TRUSTED)?.kind ?? null)).toEqual(['sign', null]);
  });
});

describe('the Outlook adapter', () => {
  const page = (t: FixtureThread) =>
    outlookPage(
      outlookListHtml(30, { convId: 'AAQkAGI2TG93AAA=', name: '電子契約', email: 'no-reply@esign.city.example.lg.jp', subject: t.subject }),
      outlookReadingPaneHtml(t),
    );

  it('unwraps Safe Links in the reading pane and reads the subject and a sender hint', () => {
    load(page(thread(safeLinks(signingBody(LINK)))));
    const messages = outlook.openMessages(document);
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m.key).toBe('AAQkAGI2TG93AAA=/UniqueMessageBody_2');
    expect(m.subject).toContain('署名依頼');
    expect(m.senderHint).toBe('no-reply@esign.city.example.lg.jp');
    expect(m.links[0].href).toMatch(/^https:\/\/jpn01\.safelinks\.protection\.outlook\.com\/\?url=/);
    expect(detectMessage(m, TRUSTED)).toMatchObject({ kind: 'sign', link: LINK, origin: SERVER, reasons: ['subject:signing', 'link:unwrapped', 'link:1/2'] });
    expect((m.anchor.before as Element).id).toBe('UniqueMessageBody_2');
  });

  it('finds the message in the full view (opened in its own page, no reading pane container)', () => {
    const full = outlookPage('', outlookReadingPaneHtml(thread(safeLinks(signingBody(LINK)))).replace('id="ReadingPaneContainerId"', ''));
    load(full);
    expect(document.getElementById('ReadingPaneContainerId')).toBeNull();
    expect(outlook.openMessages(document).map((m) => detectMessage(m, TRUSTED))).toEqual([{ kind: 'sign', link: LINK, origin: SERVER, reasons: expect.any(Array) }]);
  });

  it('finds nothing without a reading pane', () => {
    load(outlookPage(outlookListHtml(30, null), ''));
    expect(outlook.openMessages(document)).toEqual([]);
  });
});

describe('deciding on a message', () => {
  it('warns about a signing-looking message whose link host is a lookalike', () => {
    const d = detectMessage({ subject: '署名依頼', links: [{ href: `https://esign-city.example.lg.jp/s/${TOKEN}`, text: '文書を確認する' }] }, TRUSTED);
    expect(d).toEqual({ kind: 'warning', reason: 'lookalike', host: 'esign-city.example.lg.jp' });
  });
  it('warns about an untrusted signing-ish link only when the subject looks like a signing request', () => {
    const links = [{ href: 'https://contracts.example.net/view?id=9', text: '契約書を確認する' }];
    expect(detectMessage({ subject: '【確認依頼】契約書のご確認', links }, TRUSTED)?.kind).toBe('warning');
    expect(detectMessage({ subject: '議事録の共有', links }, TRUSTED)).toBeNull();
  });
  it('prefers the trusted link when a message has both', () => {
    const d = detectMessage({ subject: 'x', links: [{ href: `https://evil.example/s/${TOKEN}`, text: '' }, { href: LINK, text: '' }] }, TRUSTED);
    expect(d?.kind).toBe('sign');
  });
  it.each(['署名依頼', '「請書」への確認依頼', 'Signature request: contract', 'Please sign: NDA', '電子契約のお知らせ'])('treats “%s” as a signing subject', (s) => {
    expect(isSigningSubject(s)).toBe(true);
  });
  it.each(['定例会議の議事録', 'Re: 見積書', 'Weekly newsletter'])('does not treat “%s” as one', (s) => {
    expect(isSigningSubject(s)).toBe(false);
  });
});

describe('watching the mailbox', () => {
  let mounted: { detection: Detection; parent: Element }[];
  let stop: () => void;
  const mount = (anchor: { parent: Element; before: Element | null }, detection: Detection): BannerHandle => {
    const host = document.createElement('div');
    host.setAttribute('data-test-banner', detection.kind);
    anchor.parent.insertBefore(host, anchor.before);
    const record = { detection, parent: anchor.parent };
    mounted.push(record);
    return {
      host,
      update: (d) => {
        record.detection = d;
        host.setAttribute('data-test-banner', d.kind);
      },
      remove: () => host.remove(),
    };
  };
  const banners = () => [...document.querySelectorAll('[data-test-banner]')].map((b) => b.getAttribute('data-test-banner'));
  const settle = () => new Promise((r) => setTimeout(r, 80));

  beforeEach(() => {
    mounted = [];
    load(gmailPage(gmailInboxHtml(20)));
    stop = watchMailbox({ adapter: gmail, document, trusted: () => TRUSTED, mount, debounceMs: 10 }).stop;
  });
  afterEach(() => stop());

  it('puts one banner above a message opened later, and keeps it at one across mutations', async () => {
    expect(banners()).toEqual([]);
    document.querySelector('[role=main]')!.innerHTML = gmailThreadHtml(thread(gmailLinks(signingBody(LINK))));
    await settle();
    expect(banners()).toEqual(['sign']);
    const banner = document.querySelector('[data-test-banner]')!;
    expect(banner.nextElementSibling?.matches('div.ii.gt')).toBe(true);
    // Unrelated churn (Gmail re-renders bits of the page all the time).
    for (let i = 0; i < 20; i++) document.body.appendChild(document.createElement('span'));
    await settle();
    expect(banners()).toEqual(['sign']);
    expect(mounted).toHaveLength(1);
  });

  it('follows a switch to another message: the old banner goes, the new one comes', async () => {
    const main = document.querySelector('[role=main]')!;
    main.innerHTML = gmailThreadHtml(thread(gmailLinks(signingBody(LINK))));
    await settle();
    main.innerHTML = gmailThreadHtml(thread(gmailLinks(signingBody(`https://esign.city.example.lg.jp.evil.example/s/${TOKEN}`))));
    await settle();
    expect(banners()).toEqual(['warning']);
    main.innerHTML = gmailInboxHtml(5);
    await settle();
    expect(banners()).toEqual([]);
  });

  it('updates or removes the banner when a message’s content changes in place (Outlook re-renders)', async () => {
    document.querySelector('[role=main]')!.innerHTML = gmailThreadHtml(thread(gmailLinks(signingBody(LINK))));
    await settle();
    const body = document.querySelector('div.a3s')!;
    body.innerHTML = gmailLinks(signingBody(`https://esign.city.example.lg.jp:8443/s/${TOKEN}`));
    await settle();
    expect(banners()).toEqual(['warning']);
    expect(mounted).toHaveLength(1); // the same banner, updated
    expect(mounted[0].detection).toEqual({ kind: 'warning', reason: 'port', host: 'esign.city.example.lg.jp' });
    body.innerHTML = ordinaryBody;
    await settle();
    expect(banners()).toEqual([]);
  });

  it('adds a banner when a new message arrives in the open conversation', async () => {
    const t = thread(ordinaryBody, 'Re: 見積書');
    document.querySelector('[role=main]')!.innerHTML = gmailThreadHtml(t);
    await settle();
    expect(banners()).toEqual([]);
    t.messages.push({ id: '1790000000000000009', fromName: '電子契約', fromEmail: 'no-reply@esign.city.example.lg.jp', html: gmailLinks(signingBody(LINK)) });
    document.querySelector('[role=main]')!.innerHTML = gmailThreadHtml(t);
    await settle();
    expect(banners()).toEqual(['sign']);
  });
});
