/**
 * Signing without the extension (issue 6): plain Chromium, no extension, the real server. Each
 * recipient opens the link from the mail the server wrote as a web page at `/s/{token}`, which serves
 * the side panel's screens: wrong code, right code, the documents rendered by pdf.js, the required
 * field, completion; the second recipient rejects. The page runs under a CSP that allows no inline
 * script; any violation would be recorded and fails the test.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../helpers/shared-dir.js';
import { CHROMIUM } from './browser.js';
import { freePort, sendEnvelope, startTestServer, type Mail, type TestServer } from './server.js';

const UKESHO = samplePath('ukesho.pdf');
const GYOMU = samplePath('gyomu-itaku.pdf');
const VENDOR = { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '2580' };
const MAYOR = { name: '鈴木 一郎', email: 'mayor@city.example.lg.jp', accessCode: '7391' };
const TITLE = '清掃業務委託契約書（ブラウザー署名）';

let server: TestServer;
let browser: Browser;
let envelopeId: string;

function linkIn(mail: Mail): string {
  const m = /href="([^"]*\/s\/[A-Za-z0-9_-]{43})"/.exec(mail.html);
  if (!m) throw new Error(`no signing link in “${mail.subject}”`);
  return m[1];
}

interface Watched {
  page: Page;
  /** Console errors (CSP reports among them), uncaught errors and failed responses. */
  problems: string[];
}

/** A page that records every CSP violation (from a listener installed before any page script) and console error. */
async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const list = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      list.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname.replace(/[A-Za-z0-9_-]{43}/, '{token}')}`);
  });
  return { page, problems };
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

async function envelopeView() {
  const r = await server.api(`/api/envelopes/${envelopeId}`);
  expect(r.status).toBe(200);
  return (await r.json()) as { status: string; recipients: { email: string; status: string }[]; documents: { id: string }[] };
}

/** Dark pixels on the rendered page: the canvas has the document on it, not just white. */
function ink(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid=pdf-canvas]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
    return dark;
  });
}

beforeAll(async () => {
  server = await startTestServer(await freePort());
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
  envelopeId = await sendEnvelope(server, {
    title: TITLE,
    message: '内容をご確認のうえ、署名をお願いします。',
    recipients: [VENDOR, MAYOR],
    documents: [UKESHO, GYOMU],
    // ukesho.pdf: page 1 is blank, the 請書 is page 2.
    fields: [{ document: 0, recipient: 0, label: '署名日', type: 'date', required: true, page: 2, rect: { x: 360, y: 520, width: 140, height: 20 } }],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close().catch(() => undefined);
});

describe('a recipient without the extension', () => {
  it('opens the link from the mail, recovers from a wrong code, reviews the rendered documents, fills the field and completes', async () => {
    const mail = await server.waitForMail((m) => m.to === VENDOR.email && m.subject.includes(TITLE));
    const link = linkIn(mail);
    const context = await browser.newContext({ locale: 'ja-JP', acceptDownloads: true });
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.title()).toBe(TITLE);

    // The same screens as the side panel, with a suggestion to install the extension.
    const hint = page.locator('[data-testid=install-extension-hint]');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('Chrome・Edge の拡張機能');
    await expect.poll(() => page.locator('[data-testid=envelope-title]').textContent()).toBe(TITLE);
    expect(await page.locator('[data-testid=sender]').textContent()).toContain('デモ市役所');
    expect(await page.locator('[data-testid=copy-support-info]').isVisible()).toBe(true);

    // A wrong code: the error says how many attempts are left.
    await page.fill('[data-testid=access-code]', '0000');
    await page.click('[data-testid=access-code-submit]');
    const error = page.locator('[data-testid=access-code-error]');
    await expect.poll(() => error.getAttribute('data-attempts-left')).toBe('4');
    expect(await error.textContent()).toContain('あと 4 回');

    await page.fill('[data-testid=access-code]', VENDOR.accessCode);
    await page.press('[data-testid=access-code]', 'Enter');
    const tabs = page.locator('[data-testid=doc-tab]');
    await expect.poll(() => tabs.allTextContents()).toEqual(['ukesho.pdf', 'gyomu-itaku.pdf']);
    expect(await page.locator('[data-testid=envelope-message]').textContent()).toBe('内容をご確認のうえ、署名をお願いします。');

    // pdf.js renders from the server's own assets: the canvas of page 2 has ink and the Japanese text layer.
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid=page-next]');
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="2"]').waitFor({ timeout: 15_000 });
    expect(await ink(page)).toBeGreaterThan(1000);
    await page.locator('.textLayer[data-text-page="2"]').waitFor();
    expect(await page.locator('.textLayer').textContent()).toContain('次のとおり請け負います');

    // The second document in its tab.
    await tabs.nth(1).click();
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.textLayer').textContent()).toContain('業務委託契約書');
    expect(await ink(page)).toBeGreaterThan(1000);

    // The unsigned PDF for internal review downloads as the server holds it; no verifier hand-off here.
    const view = await envelopeView();
    const original = Buffer.from(await (await server.api(`/api/envelopes/${envelopeId}/documents/${view.documents[1].id}/pdf`)).arrayBuffer());
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-pdf]')]);
    expect(download.suggestedFilename()).toBe('gyomu-itaku.pdf');
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'esign-web-download-')), 'gyomu-itaku.pdf');
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(original)).toBe(true);
    expect(await page.locator('[data-testid=open-verifier]').count()).toBe(0);

    // Completing with the required field empty jumps to it; filled, it completes.
    expect(await page.locator('[data-testid=required-count]').textContent()).toBe('必須項目 0/1');
    await page.click('[data-testid=complete]');
    expect(await page.locator('[data-testid=confirm-complete]').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('field-input');
    await page.fill('[data-testid=field-input]', '2026-11-21');
    expect(await page.locator('[data-testid=required-count]').textContent()).toBe('必須項目 1/1');
    await page.click('[data-testid=complete]');
    await page.click('[data-testid=confirm-complete]');
    await page.locator('[data-testid=done]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=next-signer]').textContent()).toContain(MAYOR.name);

    const after = await envelopeView();
    expect(after.status).toBe('sent');
    expect(after.recipients.map((r) => [r.email, r.status])).toEqual([
      [VENDOR.email, 'completed'],
      [MAYOR.email, 'notified'],
    ]);

    // 「問い合わせ用情報をコピー」 works on the web too: the page's own server gives a support code.
    await page.click('[data-testid=copy-support-info]');
    await expect.poll(() => page.locator('[data-testid=support-code]').textContent(), { timeout: 10_000 }).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

    // No inline script anywhere, and nothing the CSP had to block.
    expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length)).toBe(0);
    expect(await cspViolations(page)).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused|page error/i.test(p))).toEqual([]);
    await context.close();
  });

  it('lets the next recipient reject with a reason, in the browser’s language (English)', async () => {
    const mail = await server.waitForMail((m) => m.to === MAYOR.email && m.subject.includes(TITLE));
    const context = await browser.newContext({ locale: 'en-US' });
    const { page, problems } = await watchedPage(context);
    await page.goto(linkIn(mail));
    await expect.poll(() => page.locator('[data-testid=install-extension-hint]').textContent()).toContain('Chrome or Edge extension');
    expect(await page.locator('h1').textContent()).toBe('E-contract');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.fill('[data-testid=access-code]', MAYOR.accessCode);
    await page.click('[data-testid=access-code-submit]');
    await page.locator('[data-testid=reject]').click();
    const confirm = page.locator('[data-testid=confirm-reject]');
    expect(await confirm.isDisabled()).toBe(true); // no reason yet
    const reason = 'The amount differs from the quotation (2nd edition).';
    await page.fill('[data-testid=reject-reason]', reason);
    await confirm.click();
    await page.locator('[data-testid=rejected-done]').waitFor();

    const view = await envelopeView();
    expect(view.status).toBe('rejected');
    expect(view.recipients.map((r) => [r.email, r.status])).toEqual([
      [VENDOR.email, 'completed'],
      [MAYOR.email, 'rejected'],
    ]);
    const toSender = await server.waitForMail((m) => m.to === 'admin@demo.example' && m.subject.includes(TITLE) && (m.text + m.html).includes(reason));
    expect(toSender.text + toSender.html).toContain(MAYOR.name);

    // Opening the link again shows the state, not the code.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('rejected');
    expect(await page.locator('[data-testid=access-code]').count()).toBe(0);

    expect(await cspViolations(page)).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused|page error/i.test(p))).toEqual([]);
    await context.close();
  });

  it('shows an unknown link as invalid in both languages', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/s/${'A'.repeat(43)}`);
    expect(response!.status()).toBe(404);
    expect(await page.locator('body').textContent()).toContain('このリンクは無効です');
    expect(await page.locator('body').textContent()).toContain('This link is not valid');
    await page.close();
  });
});
