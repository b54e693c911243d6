/**
 * The whole recipient path in real Chromium with the built extension and the real server: the email
 * the server wrote to its outbox, shown in Gmail and Outlook fixture pages at their real URLs → the
 * banner → the side panel (as a tab) → access code → complete / reject → the server's state and PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../shared/verify/index.js';
import { launchWithExtension, type ExtensionBrowser } from './browser.js';
import { buildExtensionTrusting } from './build.js';
import { gmailInboxHtml, gmailLinks, gmailPage, gmailThreadHtml, outlookListHtml, outlookPage, outlookReadingPaneHtml, safeLinks, type FixtureThread } from './fixtures/webmail.js';
import { freePort, sendEnvelope, startTestServer, type Mail, type TestServer } from './server.js';
import { samplePath } from '../helpers/shared-dir.js';

const UKESHO = samplePath('ukesho.pdf');
const GYOMU = samplePath('gyomu-itaku.pdf');
const VENDOR = { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '2580' };
const MAYOR = { name: '鈴木 一郎', email: 'mayor@city.example.lg.jp', accessCode: '7391' };

/** The bits of the extension APIs the tests call inside the service worker. */
interface ChromeApis {
  tabs: { query(q: object): Promise<{ id: number }[]> };
  sidePanel: { getOptions(o: { tabId: number }): Promise<{ path?: string }> };
}

let server: TestServer;
/** The envelope the completion test completed, and its PDF as sent. */
let completed: { envelopeId: string; docId: string; original: Uint8Array } | null = null;
let browser: ExtensionBrowser;

function linkIn(mail: Mail): string {
  const m = /href="([^"]*\/s\/[A-Za-z0-9_-]{43})"/.exec(mail.html);
  if (!m) throw new Error(`no signing link in “${mail.subject}”`);
  return m[1];
}

async function envelopeFor(title: string, recipients = [VENDOR, MAYOR], documents = [UKESHO], message = '') {
  const envelopeId = await sendEnvelope(server, {
    title,
    message,
    recipients,
    documents,
    // ukesho.pdf: page 1 is blank, the 請書 is page 2.
    fields: [{ document: 0, recipient: 0, label: '署名日', type: 'date', page: documents[0] === UKESHO ? 2 : 1, rect: { x: 360, y: 520, width: 140, height: 20 } }],
  });
  const mail = await server.waitForMail((m) => m.to === recipients[0].email && m.subject.includes(title));
  return { envelopeId, mail, link: linkIn(mail) };
}

function threadOf(mail: Mail, body: string): FixtureThread {
  return {
    subject: mail.subject,
    threadId: '1790123456789012345',
    messages: [
      { id: '1790000000000000001', fromName: '佐藤 花子', fromEmail: 'hanako.sato@example.co.jp', html: '<div>前回の打ち合わせの議事録です。</div>', expanded: false },
      { id: '1790000000000000002', fromName: mail.from.name, fromEmail: mail.from.address, html: body },
    ],
  };
}

/** The side-panel paths the background has set for tabs (other than the default). */
function panelPaths(): Promise<string[]> {
  return browser.context.serviceWorkers()[0].evaluate(async () => {
    const c = (globalThis as unknown as { chrome: ChromeApis }).chrome;
    const paths = await Promise.all((await c.tabs.query({})).map(async (tab) => (await c.sidePanel.getOptions({ tabId: tab.id })).path));
    return paths.filter((p): p is string => !!p && p !== 'sidepanel.html');
  });
}

async function openPanel(link: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?link=${encodeURIComponent(link)}`);
  return page;
}

async function envelopeView(id: string) {
  const r = await server.api(`/api/envelopes/${id}`);
  expect(r.status).toBe(200);
  return (await r.json()) as { status: string; recipients: { email: string; status: string; failedAttempts: number }[]; documents: { id: string }[] };
}

beforeAll(async () => {
  const port = await freePort();
  const dir = buildExtensionTrusting([`http://127.0.0.1:${port}`]);
  server = await startTestServer(port);
  browser = await launchWithExtension({ extensionDir: dir });
});

afterAll(async () => {
  await browser?.close();
  await server?.close().catch(() => undefined);
});

describe('the banner in Gmail', () => {
  it('appears above the signing email the server sent, with the sender and title from the server, and opens the panel', async () => {
    const { mail, link } = await envelopeFor('請書（Gmail 表示確認）');
    const page = await browser.context.newPage();
    await browser.context.route('https://mail.google.com/**', (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: gmailPage(gmailInboxHtml(100)) }));
    await page.goto('https://mail.google.com/mail/u/0/#inbox');
    await page.locator('tr.zA').first().waitFor();
    expect(await page.locator('[data-testid=esign-banner]').count()).toBe(0);

    // Open the message the way Gmail does: new DOM in the main area and a hash change.
    await page.evaluate((html) => {
      document.querySelector('[role=main]')!.innerHTML = html;
      location.hash = '#inbox/FMfcgzQbgRnNvKxTdLwGjzPqXkBcMvTs';
    }, gmailThreadHtml(threadOf(mail, gmailLinks(mail.html))));

    const banner = page.locator('[data-testid=esign-banner]');
    await expect.poll(() => banner.count()).toBe(1);
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('請書（Gmail 表示確認）');
    expect(await banner.textContent()).toContain('デモ市役所 契約課');
    const button = page.locator('[data-testid=esign-open]');
    expect(await button.textContent()).toBe('この文書を確認して署名する');
    // The banner sits above the body of the expanded message, not the collapsed one.
    expect(await page.evaluate(() => document.querySelector('[data-esign-banner]')!.nextElementSibling!.matches('div.ii.gt'))).toBe(true);

    // Keyboard: focus the button and press Enter (a user gesture, like a click).
    await button.focus();
    await page.keyboard.press('Enter');
    // The background set this tab's panel to the link (sidePanel.open itself is not observable headless).
    await expect.poll(panelPaths, { timeout: 5_000 }).toHaveLength(1);
    const query = new URLSearchParams((await panelPaths())[0].split('?')[1]);
    expect((await panelPaths())[0].startsWith('sidepanel.html?')).toBe(true);
    expect(query.get('link')).toBe(link);
    const gmailTab = Number(query.get('tab'));
    expect(gmailTab).toBeGreaterThan(0);

    // A panel already open for this tab on another request follows the banner clicked next.
    const other = await envelopeFor('請書（別の依頼）', [VENDOR]);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?link=${encodeURIComponent(other.link)}&tab=${gmailTab}`);
    await expect.poll(() => panel.locator('[data-testid=envelope-title]').textContent()).toBe('請書（別の依頼）');
    await button.click();
    await expect.poll(() => panel.locator('[data-testid=envelope-title]').textContent(), { timeout: 5_000 }).toBe('請書（Gmail 表示確認）');
    expect(new URL(panel.url()).searchParams.get('link')).toBe(link);
    await panel.close();

    // Back to the inbox: the banner goes with the message.
    await page.evaluate((html) => {
      document.querySelector('[role=main]')!.innerHTML = html;
      location.hash = '#inbox';
    }, gmailInboxHtml(100));
    await expect.poll(() => banner.count()).toBe(0);
    await page.close();
  });

  it('warns about a signing-looking email whose link hides another host behind userinfo, with no button', async () => {
    const { mail, link } = await envelopeFor('請書（なりすまし確認）');
    const forged = mail.html.replaceAll(link, link.replace('http://127.0.0.1', 'http://127.0.0.1@attacker.example'));
    const page = await browser.context.newPage();
    await browser.context.route('https://mail.google.com/**', (r) =>
      r.fulfill({ contentType: 'text/html; charset=utf-8', body: gmailPage(gmailThreadHtml(threadOf(mail, gmailLinks(forged)))) }),
    );
    await page.goto('https://mail.google.com/mail/u/0/#inbox/FMfcgzQbgRnNvKxTdLwGjzPqXkBcMvTs');
    const warning = page.locator('[data-testid=esign-warning]');
    await expect.poll(() => warning.count()).toBe(1);
    expect(await warning.getAttribute('data-reason')).toBe('userinfo');
    expect(await warning.textContent()).toContain('attacker.example');
    expect(await page.locator('[data-testid=esign-open]').count()).toBe(0);
    expect(await page.locator('[data-testid=esign-banner]').count()).toBe(0);
    await page.close();
  });
});

describe('the banner in Outlook on the web', () => {
  it('appears behind Safe Links after a pushState switch, and a lookalike port gets a warning instead', async () => {
    const { mail } = await envelopeFor('業務委託契約書（Outlook 表示確認）', [VENDOR, MAYOR], [GYOMU]);
    const convId = 'AAQkADAwATM0MDAAMS0xMzAxLTYwMjYtMDACLTAwCgAQAN';
    const page = await browser.context.newPage();
    await browser.context.route('https://outlook.office.com/**', (r) =>
      r.fulfill({ contentType: 'text/html; charset=utf-8', body: outlookPage(outlookListHtml(80, null), '') }),
    );
    await page.goto('https://outlook.office.com/mail/');
    await page.locator('#MailList').waitFor();

    await page.evaluate(
      ({ list, pane, convId }) => {
        document.getElementById('MailList')!.outerHTML = list;
        history.pushState({}, '', `/mail/inbox/id/${encodeURIComponent(convId)}`);
        document.getElementById('readingPaneSlot')!.innerHTML = pane;
      },
      {
        list: outlookListHtml(80, { convId, name: mail.from.name, email: mail.from.address, subject: mail.subject }),
        pane: outlookReadingPaneHtml(threadOf(mail, safeLinks(mail.html))),
        convId,
      },
    );
    const banner = page.locator('[data-testid=esign-banner]');
    await expect.poll(() => banner.count()).toBe(1);
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('業務委託契約書（Outlook 表示確認）');

    // Another conversation: the same email, but its link moved to another port on the same host.
    const port = new URL(server.url).port;
    const moved = mail.html.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${Number(port) + 1}`);
    await page.evaluate((pane) => {
      history.pushState({}, '', '/mail/inbox/id/AAQkOTHER');
      document.getElementById('readingPaneSlot')!.innerHTML = pane;
    }, outlookReadingPaneHtml(threadOf(mail, safeLinks(moved))));
    const warning = page.locator('[data-testid=esign-warning]');
    await expect.poll(() => warning.count()).toBe(1);
    expect(await warning.getAttribute('data-reason')).toBe('port');
    expect(await banner.count()).toBe(0);
    expect(await page.locator('[data-testid=esign-open]').count()).toBe(0);
    await page.close();
  });
  it.each(['outlook.live.com', 'outlook.office365.com', 'outlook.cloud.microsoft'])('runs on %s too', async (host) => {
    const { mail } = await envelopeFor(`請書（${host}）`, [VENDOR]);
    await browser.context.route(`https://${host}/**`, (r) =>
      r.fulfill({ contentType: 'text/html; charset=utf-8', body: outlookPage(outlookListHtml(20, null), outlookReadingPaneHtml(threadOf(mail, safeLinks(mail.html)))) }),
    );
    const page = await browser.context.newPage();
    await page.goto(`https://${host}/mail/inbox/id/AAQkADAw`);
    await expect.poll(() => page.locator('[data-testid=esign-banner]').textContent(), { timeout: 10_000 }).toContain(`請書（${host}）`);
    await page.close();
  });
});

describe('the side panel', () => {
  it('takes the access code (after a wrong one), shows the document, and completes: the server records it and asks the next signer', async () => {
    const { envelopeId, link } = await envelopeFor('請書（署名完了確認）', [VENDOR, MAYOR], [UKESHO], '公用車タイヤ交換作業の請書です。\n署名日をご記入ください。');
    const before = await envelopeView(envelopeId);
    const docId = before.documents[0].id;
    const original = new Uint8Array(await (await server.api(`/api/envelopes/${envelopeId}/documents/${docId}/pdf`)).arrayBuffer());

    const page = await openPanel(link);
    await expect.poll(() => page.locator('[data-testid=envelope-title]').textContent()).toBe('請書（署名完了確認）');
    expect(await page.locator('[data-testid=sender]').textContent()).toContain('デモ市役所 契約課');

    await page.fill('[data-testid=access-code]', '0000');
    await page.click('[data-testid=access-code-submit]');
    const error = page.locator('[data-testid=access-code-error]');
    await expect.poll(() => error.getAttribute('data-attempts-left')).toBe('4');
    expect(await error.textContent()).toContain('あと 4 回');

    await page.fill('[data-testid=access-code]', VENDOR.accessCode);
    await page.click('[data-testid=access-code-submit]');
    await expect.poll(() => page.locator('[data-testid=doc-tab]').count()).toBe(1);
    expect(await page.locator('[data-testid=doc-tab]').textContent()).toContain('ukesho');
    expect(await page.locator('[data-testid=envelope-message]').textContent()).toBe('公用車タイヤ交換作業の請書です。\n署名日をご記入ください。');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=page-indicator]').textContent()).toBe('1 / 2 ページ');
    await page.click('[data-testid=page-next]');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="2"]').waitFor({ timeout: 15_000 });
    // The text layer makes the Japanese text selectable, and the canvas has ink on it.
    await page.locator('.textLayer[data-text-page="2"]').waitFor();
    expect(await page.locator('.textLayer').textContent()).toContain('次のとおり請け負います');
    const inked = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=pdf-canvas]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(1000);
    await page.click('[data-testid=zoom-in]');
    await expect.poll(() => page.locator('[data-testid=pdf-page]').evaluate((e) => e.getBoundingClientRect().width)).toBeGreaterThan(900);
    await page.click('[data-testid=page-prev]');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor();
    expect(await page.locator('[data-testid=required-count]').textContent()).toBe('必須項目 0/1');

    // Completing with the required field empty jumps to it instead of confirming.
    await page.click('[data-testid=complete]');
    expect(await page.locator('[data-testid=confirm-complete]').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('field-input');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="2"]').waitFor(); // jumped to the field's page
    expect(await page.locator('[data-testid=field-highlight]').count()).toBe(1);

    // The unsigned PDF for internal review is exactly what the server holds.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-pdf]')]);
    expect(download.suggestedFilename()).toBe('ukesho.pdf');
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'esign-download-')), 'ukesho.pdf');
    await download.saveAs(saved);
    expect(Buffer.from(readFileSync(saved)).equals(Buffer.from(original))).toBe(true);

    await page.fill('[data-testid=field-input]', '2026-11-21');
    expect(await page.locator('[data-testid=required-count]').textContent()).toBe('必須項目 1/1');
    await page.click('[data-testid=complete]');
    await page.click('[data-testid=confirm-complete]');
    await page.locator('[data-testid=done]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=next-signer]').textContent()).toContain(MAYOR.name);

    const after = await envelopeView(envelopeId);
    expect(after.recipients.find((r) => r.email === VENDOR.email)?.status).toBe('completed');
    completed = { envelopeId, docId, original };
    // The next signer is asked.
    await server.waitForMail((m) => m.to === MAYOR.email && m.subject.includes('請書（署名完了確認）'));
    // Opening the link again shows it is done.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('completed');
    await page.close();
  });

  it('the completion left a new signed revision in the PDF (an incremental update)', async (ctx) => {
    // With SIGNING=noop the server records completions without signing (envelope-layer benchmarks).
    if (server.running.services.signing.kind === 'noop') ctx.skip('the server signs with the no-op service');
    expect(completed).not.toBeNull();
    const { envelopeId, docId, original } = completed!;
    const signed = new Uint8Array(await (await server.api(`/api/envelopes/${envelopeId}/documents/${docId}/pdf`)).arrayBuffer());
    expect(signed.length).toBeGreaterThan(original.length);
    expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const added = Buffer.from(signed.subarray(original.length)).toString('latin1');
    expect(added).toContain('/ByteRange');
    expect(added).toContain('%%EOF');
    // The validation core reads it as an intact approval signature naming the recipient.
    const report = await verifyPdf(signed);
    const approval = report.signatures.find((sig) => sig.kind === 'signature');
    expect(approval?.integrity).toBe('valid');
    expect(approval?.reason).toContain(VENDOR.name);
  });

  it('when the last signer completes, offers the signed PDF and hands it to the local verifier', async () => {
    const { envelopeId, link } = await envelopeFor('請書（締結確認）', [VENDOR]);
    const page = await openPanel(link);
    await page.fill('[data-testid=access-code]', VENDOR.accessCode);
    await page.click('[data-testid=access-code-submit]');
    await page.fill('[data-testid=field-input]', '2026-11-21');
    await page.click('[data-testid=complete]');
    await page.click('[data-testid=confirm-complete]');
    await page.locator('[data-testid=done]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=next-signer]').count()).toBe(0);
    expect(await page.locator('[data-testid=done]').textContent()).toContain('すべての署名が完了しました');
    expect((await envelopeView(envelopeId)).status).toBe('completed');

    const view = await envelopeView(envelopeId);
    const current = Buffer.from(await (await server.api(`/api/envelopes/${envelopeId}/documents/${view.documents[0].id}/pdf`)).arrayBuffer());
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-signed]')]);
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'esign-signed-')), 'signed.pdf');
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(current)).toBe(true);

    // The verify page takes the hand-off (storage.session) and verifies it locally.
    const [verifier] = await Promise.all([browser.context.waitForEvent('page'), page.click('[data-testid=open-verifier]')]);
    await verifier.waitForURL(`chrome-extension://${browser.extensionId}/verify.html?handoff=*`);
    const result = verifier.locator('[data-testid=verify-result]');
    await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 60_000 }).toBe((await verifyPdf(new Uint8Array(current))).verdict);
    expect(await result.locator('h2').textContent()).toBe('ukesho.pdf');
    expect(await result.locator('[data-testid=verify-revision]').count()).toBeGreaterThan(0);
    await verifier.close();
    await page.close();
  });

  it('shows a cancelled envelope as cancelled', async () => {
    const { envelopeId, link } = await envelopeFor('請書（取消確認）');
    const r = await server.api(`/api/envelopes/${envelopeId}/cancel`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: '内容を見直すため' }) });
    expect(r.status).toBe(200);
    const page = await openPanel(link);
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('cancelled');
    expect(await page.locator('[data-testid=state-screen]').textContent()).toContain('取り消されました');
    expect(await page.locator('[data-testid=access-code]').count()).toBe(0);
    await page.close();
  });

  it('locks after five wrong access codes, counting down the attempts left', async () => {
    const { envelopeId, link } = await envelopeFor('請書（ロック確認）');
    const page = await openPanel(link);
    await page.locator('[data-testid=access-code]').waitFor();
    for (const left of [4, 3, 2, 1]) {
      await page.fill('[data-testid=access-code]', '9999');
      await page.click('[data-testid=access-code-submit]');
      await expect.poll(() => page.locator('[data-testid=access-code-error]').getAttribute('data-attempts-left')).toBe(String(left));
    }
    await page.fill('[data-testid=access-code]', '9999');
    await page.click('[data-testid=access-code-submit]');
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('locked');
    expect(await page.locator('[data-testid=access-code]').count()).toBe(0);
    expect((await envelopeView(envelopeId)).recipients[0].status).toBe('locked');

    // Even the right code no longer opens it, and a fresh panel shows the locked screen first.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('locked');
    await page.close();
  });

  it('rejects with a required reason, and the reason reaches the sender’s mail', async () => {
    const { envelopeId, link } = await envelopeFor('請書（却下確認）', [VENDOR, MAYOR], [UKESHO, GYOMU]);
    const page = await openPanel(link);
    await page.fill('[data-testid=access-code]', VENDOR.accessCode);
    await page.press('[data-testid=access-code]', 'Enter');
    // Two documents, two tabs; the keyboard moves between them and the second one renders.
    const tabs = page.locator('[data-testid=doc-tab]');
    await expect.poll(() => tabs.allTextContents()).toEqual(['ukesho.pdf', 'gyomu-itaku.pdf']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('doc-tab');
    // Switching back and forth while the documents still load: each switch drops a loading pdf.js task,
    // and the next document must still open (the shared pdf.js worker must not go down with it).
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
    }
    await page.keyboard.press('ArrowRight');
    expect(await tabs.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.textLayer').textContent()).toContain('業務委託契約書');
    expect(await page.locator('[data-testid=required-count]').textContent()).toBe('必須項目 0/1'); // the 請書's date
    await page.locator('[data-testid=reject]').click();
    const confirm = page.locator('[data-testid=confirm-reject]');
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    const reason = '金額が見積書（第2版）と異なるため、訂正をお願いします。';
    await page.fill('[data-testid=reject-reason]', reason);
    await confirm.click();
    await page.locator('[data-testid=rejected-done]').waitFor();

    const view = await envelopeView(envelopeId);
    expect(view.status).toBe('rejected');
    expect(view.recipients[0].status).toBe('rejected');
    const toSender = await server.waitForMail((m) => m.to === 'admin@demo.example' && m.subject.includes('請書（却下確認）') && (m.text + m.html).includes(reason));
    expect(toSender.text + toSender.html).toContain(VENDOR.name);
    // Nobody after the rejecting recipient is asked.
    expect((await server.mails()).some((m) => m.to === MAYOR.email && m.subject.includes('請書（却下確認）'))).toBe(false);

    // The link now shows the rejected state.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('rejected');
    await page.close();
  });

  it('refuses a link on a server that is not trusted, without contacting it', async () => {
    const requests: string[] = [];
    await browser.context.route('https://esign-evil.example/**', (r) => {
      requests.push(r.request().url());
      return r.fulfill({ status: 500, body: '' });
    });
    const page = await openPanel('https://esign-evil.example/s/q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e');
    await page.locator('[data-testid=untrusted-link]').waitFor();
    expect(requests).toEqual([]);
    await page.close();
  });

  it('says so when the server cannot be reached, and recovers with a retry', async () => {
    const { link } = await envelopeFor('請書（接続確認）');
    const token = link.split('/s/')[1];
    let down = true;
    await browser.context.route(`**/api/sign/${token}`, (r) => (down ? r.abort('connectionrefused') : r.fallback()));
    const page = await openPanel(link);
    await page.locator('[data-testid=unreachable]').waitFor();
    down = false;
    await page.locator('[data-testid=unreachable] button').click();
    await page.locator('[data-testid=access-code]').waitFor();
    await page.close();
  });
});

describe('the options page', () => {
  it('lists the built-in server, adds a trust anchor from a PEM file, and switches the language', async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await expect.poll(() => page.locator('[data-testid=trusted-servers]').textContent()).toContain(`${server.url} (組み込み)`);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'esign-anchor-'));
    const pem = path.join(dir, 'root.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', pem, '-days', '30', '-subj', '/C=JP/O=Example City/CN=Example City Root CA'], { stdio: 'pipe' });
    const fingerprint = execFileSync('openssl', ['x509', '-in', pem, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).split('=')[1].replace(/:/g, '').trim().toLowerCase();
    await page.setInputFiles('[data-testid=anchor-file]', pem);
    const anchors = page.locator('[data-testid=trust-anchors]');
    await expect.poll(() => anchors.textContent()).toContain('CN=Example City Root CA');
    expect(await anchors.textContent()).toContain(fingerprint.slice(0, 16));
    // Stored for the verifier: DER in base64 with its fingerprint, in storage.local.
    const stored = await page.evaluate(async () => (await (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local.get('trustAnchors')).trustAnchors);
    expect(stored).toContainEqual(expect.objectContaining({ fingerprint, source: 'user', name: expect.stringContaining('Example City Root CA') }));

    // A file that is not a certificate is refused with a message.
    await page.setInputFiles('[data-testid=anchor-file]', { name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('証明書として読み取れませんでした');

    await page.selectOption('[data-testid=language]', 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('E-contract signing assistant: settings');
    const panel = await openPanel(`${server.url}/s/q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e`);
    await expect.poll(() => panel.locator('h1').textContent()).toBe('E-contract');
    await page.selectOption('[data-testid=language]', 'auto');
    await expect.poll(() => panel.locator('h1').textContent()).toBe('電子契約');
    await panel.close();
    await page.close();
  });
});

it('the e2e build trusts exactly the test server', () => {
  const manifest = JSON.parse(readFileSync('.output/chrome-mv3-e2e/manifest.json', 'utf8')) as { host_permissions: string[] };
  expect(manifest.host_permissions).toEqual([`${server.url}/*`]);
});
