/**
 * The console's clerk tab in real Chromium with the built extension and the real server: sign in with
 * password and TOTP, create an envelope from a sample PDF (metadata, two recipients, a field drawn with
 * the mouse), upload with progress and send; track it (statuses, resend, unlock after 5 wrong codes),
 * search by the bookkeeping keys, download the signed PDF and the certificate once both recipients
 * completed through the recipient API; cancel another envelope with a reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentsResponse } from '../../shared/api/recipient.js';
import type { EnvelopeView } from '../../shared/api/sender.js';
import { verifyPdf } from '../../shared/verify/index.js';
import { totpCode } from '../../server/auth/users.js';
import { samplePath } from '../helpers/shared-dir.js';
import { dropFiles, launchWithExtension, type ExtensionBrowser } from './browser.js';
import { buildExtensionTrusting } from './build.js';
import { freePort, startTestServer, type Mail, type TestServer } from './server.js';

const UKESHO = samplePath('ukesho.pdf');
/** ukesho.pdf pages are A4 (595.304 × 841.89 pt, crop box at the origin, no rotation: pdfinfo -box). */
const A4 = { width: 595.304, height: 841.89 };
const TITLE = '請書（コンソール送信）';
const VENDOR = { name: '山田 太郎', email: 'yamada@vendor.example.jp' };
const MAYOR = { name: '鈴木 一郎', email: 'mayor@city.example.lg.jp', accessCode: '7391' };

let server: TestServer;
let browser: ExtensionBrowser;
let page: Page;
let credentials: { email: string; password: string; totpSecret: string };

/** The state the steps hand on to each other (they run in order, as the clerk's day does). */
const state: { token?: string; envelopeId?: string; vendorToken?: string; vendorCode?: string; drawn?: { x: number; y: number; width: number; height: number }; otherId?: string } = {};

const byTestId = (id: string) => page.locator(`[data-testid=${id}]`);

function linkTokenIn(mail: Mail): string {
  const m = /\/s\/([A-Za-z0-9_-]{43})/.exec(mail.html);
  if (!m) throw new Error(`no signing link in “${mail.subject}”`);
  return m[1];
}

async function envelope(id: string): Promise<EnvelopeView> {
  return (await (await server.api(`/api/envelopes/${id}`)).json()) as EnvelopeView;
}

function signApi(token: string, route: string, body?: unknown, session?: string) {
  return fetch(`${server.url}/api/sign/${token}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(session ? { Authorization: `Bearer ${session}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function openSession(token: string, accessCode: string): Promise<string> {
  const r = await signApi(token, '/session', { accessCode });
  expect(r.status).toBe(200);
  return ((await r.json()) as { session: string }).session;
}

/** Another envelope sent by the API (a different counterparty and amount), to be told apart in search and cancelled. */
async function otherEnvelope(): Promise<string> {
  const form = new FormData();
  form.set(
    'envelope',
    JSON.stringify({
      title: '業務委託契約書（別件）',
      counterparty: '株式会社テスト建設',
      amount: 50000,
      transactionDate: '2026-10-01',
      recipients: [{ name: '田中 次郎', email: 'tanaka@other.example.jp', accessCode: '1111' }],
      send: true,
    }),
  );
  form.append('documents', new Blob([readFileSync(UKESHO)], { type: 'application/pdf' }), 'bessatsu.pdf');
  const r = await server.api('/api/envelopes', { method: 'POST', body: form });
  expect(r.status).toBe(201);
  return ((await r.json()) as { envelopeId: string }).envelopeId;
}

async function recipientRow(email: string): Promise<Locator> {
  return page.locator(`[data-testid=recipient-row][data-email="${email}"]`);
}

async function statusOf(email: string): Promise<string | null> {
  return (await recipientRow(email)).locator('[data-testid=recipient-status]').getAttribute('data-status');
}

beforeAll(async () => {
  server = await startTestServer(await freePort());
  const demo = readFileSync(path.join(server.dataDir, 'demo-credentials.txt'), 'utf8');
  const email = /^email: (.+)$/m.exec(demo)![1];
  const password = /^password: (.+)$/m.exec(demo)![1];
  // The demo administrator turns TOTP on, as a municipality requires for clerks.
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const { token } = (await login.json()) as { token: string };
  const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
  const { secret } = (await (await fetch(`${server.url}/api/auth/totp/setup`, { method: 'POST', headers: auth })).json()) as { secret: string };
  const enabled = await fetch(`${server.url}/api/auth/totp/enable`, { method: 'POST', headers: auth, body: JSON.stringify({ secret, code: totpCode(secret) }) });
  expect(enabled.status).toBe(200);
  credentials = { email, password, totpSecret: secret };
  browser = await launchWithExtension({ extensionDir: buildExtensionTrusting([server.url], 'e2e-console') });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the console clerk tab', () => {
  it('is linked from the options page and signs in with password, then the TOTP code the server asks for', async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    expect(await byTestId('open-console').getAttribute('href')).toBe(`chrome-extension://${browser.extensionId}/console.html`);
    await page.goto(`chrome-extension://${browser.extensionId}/console.html`);
    await expect.poll(() => byTestId('login-server').inputValue()).toBe(server.url);

    await byTestId('login-email').fill(credentials.email);
    await byTestId('login-password').fill('wrong password');
    await byTestId('login-submit').click();
    await expect.poll(() => byTestId('login-error').textContent()).toBe('メールアドレス、パスワード、または確認コードが正しくありません。');

    await byTestId('login-password').fill(credentials.password);
    await byTestId('login-submit').click();
    await byTestId('login-totp').waitFor();
    expect(await byTestId('login-error').textContent()).toBe('確認コード（認証アプリの6桁）を入力してください。');
    await byTestId('login-totp').fill(totpCode(credentials.totpSecret));
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url() === `${server.url}/api/auth/login` && r.status() === 200), byTestId('login-submit').click()]);
    state.token = ((await answer.json()) as { token: string }).token;

    await byTestId('clerk-tab').waitFor();
    expect(await byTestId('console-user').textContent()).toContain(credentials.email);
    // An administrator has both tabs.
    expect(await byTestId('tab-clerk').getAttribute('aria-selected')).toBe('true');
    expect(await byTestId('tab-helpdesk').count()).toBe(1);
    // The token lives in the page's memory only.
    const stored = await page.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { storage: { local: { get(k: null): Promise<object> }; session: { get(k: null): Promise<object> } } } }).chrome;
      return JSON.stringify([await c.storage.local.get(null), await c.storage.session.get(null)]) + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);
    });
    expect(stored).not.toContain(state.token!);
  });

  it('checks the form before uploading and says what is missing where', async () => {
    await byTestId('send-envelope').click();
    const at = (where: string) => page.locator(`[data-testid=problem][data-at="${where}"]`);
    await at('title').waitFor();
    expect(await at('title').textContent()).toBe('件名を入力してください。');
    expect(await at('documents').textContent()).toBe('PDF を1つ以上追加してください。');
    expect(await at('recipients').textContent()).toBe('宛先を1人以上追加してください。');
    await byTestId('envelope-amount').fill('百万円');
    await byTestId('send-envelope').click();
    await expect.poll(() => at('amount').textContent()).toContain('金額は 0 以上の数字');
    expect(await byTestId('upload-progress').count()).toBe(0);
  });

  it('creates an envelope: metadata, a PDF, two recipients in order, a field drawn by mouse; uploads with progress and sends', async () => {
    await byTestId('envelope-title').fill(TITLE);
    await byTestId('envelope-message').fill('請書をご確認のうえ、署名日を記入してください。');
    await byTestId('envelope-date').fill('2026-11-20');
    await byTestId('envelope-counterparty').fill('株式会社テスト商事');
    await byTestId('envelope-amount').fill('1,100,000');
    await byTestId('envelope-management-number').fill('KY-2026-0042');

    // A file that is not a PDF is refused at once, against the file.
    await byTestId('document-file').setInputFiles([{ name: 'memo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') }]);
    const memo = page.locator('[data-testid=document-item][data-name="memo.pdf"]');
    await expect.poll(() => memo.getAttribute('data-check')).toBe('bad');
    expect(await memo.locator('[data-testid=document-problem]').textContent()).toBe('PDF ファイルではありません。');
    await memo.locator('[data-testid=document-remove]').click();

    await byTestId('document-file').setInputFiles(UKESHO);
    const item = page.locator('[data-testid=document-item][data-name="ukesho.pdf"]');
    await expect.poll(() => item.getAttribute('data-check')).toBe('ok');
    expect(await item.locator('[data-testid=document-pages]').textContent()).toBe('2 ページ');

    // Recipients: the mayor first, then the vendor — then the vendor moved up to sign first.
    await byTestId('recipient-add').click();
    await byTestId('recipient-add').click();
    const rows = byTestId('recipient-item');
    await rows.nth(0).locator('[data-testid=recipient-name]').fill(MAYOR.name);
    await rows.nth(0).locator('[data-testid=recipient-email]').fill(MAYOR.email);
    await rows.nth(0).locator('[data-testid=recipient-access-code]').fill(MAYOR.accessCode);
    await rows.nth(1).locator('[data-testid=recipient-name]').fill(VENDOR.name);
    await rows.nth(1).locator('[data-testid=recipient-email]').fill(VENDOR.email);
    await rows.nth(1).locator('[data-testid=recipient-generate-code]').click();
    state.vendorCode = await rows.nth(1).locator('[data-testid=recipient-access-code]').inputValue();
    expect(state.vendorCode).toMatch(/^\d{4}$/);
    await rows.nth(1).locator('[data-testid=recipient-up]').click();
    expect(await rows.nth(0).locator('[data-testid=recipient-email]').inputValue()).toBe(VENDOR.email);

    // The 請書 is page 2: draw the 署名日 field there.
    await expect.poll(() => byTestId('placer-canvas').getAttribute('data-rendered'), { timeout: 30_000 }).toMatch(/:1$/);
    await byTestId('placer-next').click();
    await expect.poll(() => byTestId('placer-canvas').getAttribute('data-rendered'), { timeout: 30_000 }).toMatch(/:2$/);
    const overlay = byTestId('field-canvas');
    // The mouse works in the viewport: bring the page's top edge to the top of the window first.
    await overlay.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = (await overlay.boundingBox())!;
    const from = { x: box.width * 0.55, y: box.height * 0.3 };
    const to = { x: box.width * 0.82, y: box.height * 0.33 };
    await page.mouse.move(box.x + from.x, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + (from.x + to.x) / 2, box.y + (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 4 });
    await page.mouse.up();
    const pt = A4.width / box.width;
    state.drawn = { x: from.x * pt, y: A4.height - to.y * pt, width: (to.x - from.x) * pt, height: (to.y - from.y) * pt };
    expect(box.height * pt).toBeCloseTo(A4.height, 0);

    const field = byTestId('field-item');
    await expect.poll(() => field.count()).toBe(1);
    expect(await byTestId('field-box').count()).toBe(1);

    // The clerk drags the box 30 px right and 15 px down, then nudges it 10 pt up with Shift+↑.
    const placed = (await byTestId('field-box').boundingBox())!;
    await page.mouse.move(placed.x + placed.width / 2, placed.y + placed.height / 2);
    await page.mouse.down();
    await page.mouse.move(placed.x + placed.width / 2 + 15, placed.y + placed.height / 2 + 8, { steps: 3 });
    await page.mouse.move(placed.x + placed.width / 2 + 30, placed.y + placed.height / 2 + 15, { steps: 3 });
    await page.mouse.up();
    await byTestId('field-box').focus();
    await page.keyboard.press('Shift+ArrowUp');
    state.drawn = { ...state.drawn, x: state.drawn.x + 30 * pt, y: state.drawn.y - 15 * pt + 10 };
    await expect
      .poll(async () => {
        const b = (await byTestId('field-box').boundingBox())!;
        return [Math.round(b.x - placed.x), Math.round(b.y - placed.y)];
      })
      .toEqual([30, Math.round(15 - 10 / pt)]);
    await field.locator('[data-testid=field-label]').fill('署名日');
    await field.locator('[data-testid=field-type]').selectOption('date');
    expect(await field.locator('[data-testid=field-page]').inputValue()).toBe('2');
    expect(await field.locator('[data-testid=field-recipient] option:checked').textContent()).toContain(VENDOR.name);

    // Dropped: a PDF pdf.js repairs silently but the server refuses (startxref points 3 bytes off): the server's
    // message lands against that file and nothing else in the form is lost.
    await dropFiles(page, 'document-drop', [{ name: 'ukesho-xref.pdf', bytes: withStartxrefOff(readFileSync(UKESHO)) }]);
    const broken = page.locator('[data-testid=document-item][data-name="ukesho-xref.pdf"]');
    await expect.poll(() => broken.getAttribute('data-check')).toBe('ok');

    // Every state the progress bar goes through, as the page shows it.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=upload-progress]');
        if (bar) seen.push(`${bar.getAttribute('data-phase')}:${bar.getAttribute('aria-valuenow')}`);
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await byTestId('send-envelope').click();
    await expect.poll(() => broken.getAttribute('data-check'), { timeout: 30_000 }).toBe('bad');
    expect(await broken.locator('[data-testid=document-problem]').textContent()).toMatch(/^「ukesho-xref\.pdf」を受け付けられません: /);
    expect(await byTestId('envelope-title').inputValue()).toBe(TITLE);
    expect(await byTestId('field-item').count()).toBe(1);
    expect(await byTestId('recipient-item').count()).toBe(2);
    await broken.locator('[data-testid=document-remove]').click();
    await byTestId('send-envelope').click();
    await byTestId('envelope-detail').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => s.startsWith('uploading:'))).toBe(true);
    expect(seen.some((s) => s === 'processing:100' || s === 'uploading:100')).toBe(true);

    state.envelopeId = (await byTestId('envelope-detail').getAttribute('data-envelope-id'))!;
    expect(await byTestId('detail-notice').textContent()).toBe('送信しました。1番目の宛先に署名依頼メールを送ります。');
    expect(await byTestId('detail-counterparty').textContent()).toBe('株式会社テスト商事');
    expect(await byTestId('detail-management-number').textContent()).toBe('KY-2026-0042');
    const view = await envelope(state.envelopeId);
    expect(view).toMatchObject({ title: TITLE, status: 'sent', transactionDate: '2026-11-20', counterparty: '株式会社テスト商事', amount: 1100000, managementNumber: 'KY-2026-0042' });
    expect(view.recipients.map((r) => [r.email, r.role])).toEqual([[VENDOR.email, 'signer'], [MAYOR.email, 'signer']]);
  });

  it('the signing request is in the outbox and the detail shows each recipient’s status', async () => {
    const mail = await server.waitForMail((m) => m.to === VENDOR.email && m.subject.includes(TITLE));
    expect(mail.subject).toContain(TITLE);
    await byTestId('detail-refresh').click();
    await expect.poll(() => statusOf(VENDOR.email)).toBe('notified');
    expect(await statusOf(MAYOR.email)).toBe('waiting');
    expect(await (await recipientRow(VENDOR.email)).locator('[data-testid=recipient-status]').textContent()).toBe('依頼メール送信済み');
  });

  it('unlocks a recipient locked by 5 wrong codes, resends the link, and the drawn field comes back where it was drawn', async () => {
    const first = linkTokenIn(await server.waitForMail((m) => m.to === VENDOR.email && m.subject.includes(TITLE)));
    const wrong = state.vendorCode === '0000' ? '0001' : '0000';
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await signApi(first, '/session', { accessCode: wrong })).status);
    expect(answers.at(-1)).toBe(423);
    await byTestId('detail-refresh').click();
    await expect.poll(() => statusOf(VENDOR.email)).toBe('locked');
    expect(await (await recipientRow(VENDOR.email)).textContent()).toContain('アクセスコード誤入力 5 回');

    await (await recipientRow(VENDOR.email)).locator('[data-testid=recipient-unlock]').click();
    await expect.poll(() => byTestId('detail-notice').textContent()).toBe(`${VENDOR.name} 様のロックを解除しました。`);
    expect(await statusOf(VENDOR.email)).not.toBe('locked');
    expect((await envelope(state.envelopeId!)).recipients[0].failedAttempts).toBe(0);

    const mailsBefore = (await server.mails()).filter((m) => m.to === VENDOR.email).length;
    await (await recipientRow(VENDOR.email)).locator('[data-testid=recipient-resend]').click();
    await expect.poll(() => byTestId('detail-notice').textContent()).toContain('新しいリンクを送りました');
    await expect.poll(async () => (await server.mails()).filter((m) => m.to === VENDOR.email).length, { timeout: 20_000 }).toBe(mailsBefore + 1);
    // The outbox lists files in no particular order: the new mail is the one with another link.
    const resent = (await server.mails()).filter((m) => m.to === VENDOR.email && linkTokenIn(m) !== first);
    expect(resent).toHaveLength(1);
    const token = (state.vendorToken = linkTokenIn(resent[0]));
    const old = await signApi(first, '');
    expect(old.status).toBe(404);
    expect(((await old.json()) as { error: { state: string } }).error.state).toBe('invalid');

    // Extend the new link by 14 days from its current expiry.
    const before = Date.parse((await envelope(state.envelopeId!)).recipients[0].linkExpiresAt!);
    await (await recipientRow(VENDOR.email)).locator('[data-testid=recipient-extend-days]').selectOption('14');
    await (await recipientRow(VENDOR.email)).locator('[data-testid=recipient-extend]').click();
    await expect.poll(() => byTestId('detail-notice').textContent()).toBe(`${VENDOR.name} 様のリンクの有効期限を 14 日延長しました。`);
    expect(Date.parse((await envelope(state.envelopeId!)).recipients[0].linkExpiresAt!) - before).toBe(14 * 86_400_000);

    const session = await openSession(token, state.vendorCode!);
    const docs = (await (await signApi(token, '/documents', undefined, session)).json()) as DocumentsResponse;
    const [f] = docs.documents[0].fields;
    expect(f).toMatchObject({ label: '署名日', type: 'date', required: true, page: 2 });
    const d = state.drawn!;
    expect(Math.abs(f.rect.x - d.x)).toBeLessThan(2);
    expect(Math.abs(f.rect.y - d.y)).toBeLessThan(2);
    expect(Math.abs(f.rect.width - d.width)).toBeLessThan(2);
    expect(Math.abs(f.rect.height - d.height)).toBeLessThan(2);
  });

  it('searches by counterparty and amount range and finds it, and not another envelope', async () => {
    state.otherId = await otherEnvelope();
    await byTestId('detail-back').click();
    await byTestId('search-form').waitFor();
    const ids = async () => page.locator('[data-testid=envelope-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-envelope-id')));

    await byTestId('search-counterparty').fill('テスト');
    await byTestId('search-submit').click();
    await expect.poll(async () => (await ids()).sort()).toEqual([state.envelopeId, state.otherId].sort());

    await byTestId('search-amount-min').fill('1,000,000');
    await byTestId('search-amount-max').fill('2000000');
    await byTestId('search-submit').click();
    await expect.poll(ids).toEqual([state.envelopeId]);
    expect(await byTestId('search-count').textContent()).toBe('1 件');

    await byTestId('search-amount-min').fill('3000000');
    await byTestId('search-submit').click();
    expect(await page.locator('[data-testid=problem][data-at="search-amountMax"]').textContent()).toBe('開始が終了より後になっています。');
  });

  it('after both recipients complete, downloads the signed PDF (2 approval signatures) and the conclusion certificate', async () => {
    const vendorToken = state.vendorToken!;
    const vendorSession = await openSession(vendorToken, state.vendorCode!);
    const docs = (await (await signApi(vendorToken, '/documents', undefined, vendorSession)).json()) as DocumentsResponse;
    const fieldId = docs.documents[0].fields[0].id;
    expect((await signApi(vendorToken, '/complete', { fields: { [fieldId]: '2026-11-21' } }, vendorSession)).status).toBe(200);
    const mayorToken = linkTokenIn(await server.waitForMail((m) => m.to === MAYOR.email && m.subject.includes(TITLE)));
    const mayorSession = await openSession(mayorToken, MAYOR.accessCode);
    expect((await signApi(mayorToken, '/complete', { fields: {} }, mayorSession)).status).toBe(200);

    await page.locator(`[data-testid=envelope-row][data-envelope-id="${state.envelopeId}"] [data-testid=envelope-open]`).click();
    await byTestId('envelope-detail').waitFor();
    await expect.poll(() => byTestId('envelope-status').getAttribute('data-status')).toBe('completed');
    expect(await statusOf(VENDOR.email)).toBe('completed');
    expect(await statusOf(MAYOR.email)).toBe('completed');

    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), byTestId('download-document').click()]);
    expect(pdfDownload.suggestedFilename()).toBe('ukesho.pdf');
    const pdfPath = (await pdfDownload.path())!;
    const signed = new Uint8Array(readFileSync(pdfPath));
    const report = await verifyPdf(signed);
    expect(report.signatures.filter((s) => s.kind === 'signature')).toHaveLength(2);
    if (hasPdfsig()) {
      const out = execFileSync('pdfsig', [pdfPath], { encoding: 'utf8' });
      expect((out.match(/^Signature #\d+:/gm) ?? []).length).toBeGreaterThanOrEqual(2);
    }

    const [certificate] = await Promise.all([page.waitForEvent('download'), byTestId('download-certificate').click()]);
    expect(certificate.suggestedFilename()).toBe(`締結証明書_${state.envelopeId!.slice(0, 8)}.pdf`);
    const certBytes = readFileSync((await certificate.path())!);
    expect(certBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const server8 = new Uint8Array(await (await server.api(`/api/envelopes/${state.envelopeId}/certificate`)).arrayBuffer());
    expect(Buffer.compare(certBytes, Buffer.from(server8))).toBe(0);
  });

  it('cancels another envelope with a reason', async () => {
    await byTestId('detail-back').click();
    await byTestId('search-reset').click();
    const row = page.locator(`[data-testid=envelope-row][data-envelope-id="${state.otherId}"]`);
    await row.locator('[data-testid=envelope-open]').click();
    await byTestId('envelope-detail').waitFor();
    expect(await byTestId('envelope-detail').getAttribute('data-envelope-id')).toBe(state.otherId);

    await byTestId('envelope-cancel').click();
    await byTestId('cancel-confirm').click();
    expect(await page.locator('[data-testid=problem][data-at="cancel-reason"]').textContent()).toBe('理由を入力してください。');
    await byTestId('cancel-reason').fill('金額に誤りがあったため、差し替えて再送します。');
    await byTestId('cancel-confirm').click();
    await expect.poll(() => byTestId('envelope-status').getAttribute('data-status')).toBe('cancelled');
    expect(await byTestId('detail-cancel-reason').textContent()).toBe('金額に誤りがあったため、差し替えて再送します。');
    expect(await envelope(state.otherId!)).toMatchObject({ status: 'cancelled', cancelReason: '金額に誤りがあったため、差し替えて再送します。' });
  });

  it('signs out: the session token no longer works and the page asks to sign in again', async () => {
    await byTestId('logout').click();
    await byTestId('login-submit').waitFor();
    expect(await byTestId('clerk-tab').count()).toBe(0);
    await expect.poll(async () => (await fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${state.token}` } })).status).toBe(401);
  });
});


/** The same PDF with its startxref pointing 3 bytes past the cross-reference section. */
function withStartxrefOff(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!m) throw new Error('no startxref at the end');
  return Buffer.from(`${text.slice(0, m.index)}startxref\n${Number(m[1]) + 3}\n%%EOF\n`, 'latin1');
}

describe('the console in English', () => {
  it('follows the browser language, and the server answers in it too', async () => {
    const english = await launchWithExtension({ extensionDir: path.resolve('.output/chrome-mv3-e2e-console'), locale: 'en-US' });
    try {
      const p = await english.context.newPage();
      await p.goto(`chrome-extension://${english.extensionId}/console.html`);
      await p.locator('[data-testid=login-submit]').waitFor();
      expect(await p.locator('h1').textContent()).toBe('E-contract console');
      expect(await p.locator('[data-testid=login-submit]').textContent()).toBe('Sign in');
      await p.locator('[data-testid=login-email]').fill(credentials.email);
      await p.locator('[data-testid=login-password]').fill('wrong password');
      await p.locator('[data-testid=login-submit]').click();
      await expect.poll(() => p.locator('[data-testid=login-error]').textContent()).toBe('The email, password or verification code is not correct.');
    } finally {
      await english.close();
    }
  });
});

function hasPdfsig(): boolean {
  try {
    execFileSync('pdfsig', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
