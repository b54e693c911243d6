/**
 * The support bundle in real Chromium with the built extension and the real server: 「問い合わせ用情報を
 * コピー」 in the side panel never lets a seeded secret out (clipboard, stored bundle, SQLite rows), and
 * the help desk, signed in to the console, finds the bundle by its support code and replays the error
 * screens the user saw.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/auth/users.js';
import type { HelpdeskLookup } from '../../shared/api/support.js';
import { launchWithExtension, type ExtensionBrowser } from './browser.js';
import { buildExtensionTrusting } from './build.js';
import { freePort, sendEnvelope, startTestServer, type Mail, type TestServer } from './server.js';

const HELPDESK = { email: 'madoguchi@demo.example.lg.jp', name: '窓口 一郎', password: 'help desk password 42' };
/** Seeded values, each unique enough that finding it anywhere means it leaked. */
const SEED = {
  accessCode: 'umi-4729-kaze',
  message: 'SEEDED-MESSAGE-c81f2e 本文は秘密です',
  fieldValue: 'SEEDED-FIELD-VALUE-5d03ab',
  pdfMarker: 'SEEDED-PDF-MARKER-9e71c4',
};

let server: TestServer;
let browser: ExtensionBrowser;
let tmp: string;
let markedPdf: string;
let extensionDir: string;

function linkIn(mail: Mail): string {
  const m = /href="([^"]*\/s\/[A-Za-z0-9_-]{43})"/.exec(mail.html);
  if (!m) throw new Error(`no signing link in “${mail.subject}”`);
  return m[1];
}

async function envelopeFor(title: string, recipient: { name: string; email: string; accessCode: string }, message = '') {
  const envelopeId = await sendEnvelope(server, {
    title,
    message,
    recipients: [recipient],
    documents: [markedPdf],
    fields: [{ document: 0, recipient: 0, label: '担当者名', type: 'text', page: 1, rect: { x: 100, y: 100, width: 200, height: 24 } }],
  });
  const mail = await server.waitForMail((m) => m.to === recipient.email && m.subject.includes(title));
  return { envelopeId, link: linkIn(mail) };
}

async function openPanel(link: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?link=${encodeURIComponent(link)}`);
  await page.locator('[data-testid=access-code]').waitFor();
  return page;
}

async function enterCode(page: Page, code: string) {
  await page.fill('[data-testid=access-code]', code);
  await page.click('[data-testid=access-code-submit]');
}

/** Presses the button; returns the support code shown and the JSON on the clipboard. */
async function copySupportInfo(page: Page): Promise<{ code: string; clipboard: string }> {
  await page.click('[data-testid=copy-support-info]');
  const code = (await page.locator('[data-testid=support-code]').textContent({ timeout: 15_000 }))!;
  const reader = await browser.context.newPage();
  await reader.goto(`${server.url}/api/openapi.json`);
  const clipboard = await reader.evaluate(() => navigator.clipboard.readText());
  await reader.close();
  return { code, clipboard };
}

async function helpdeskToken(): Promise<string> {
  const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: HELPDESK.email, password: HELPDESK.password }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}

beforeAll(async () => {
  server = await startTestServer(await freePort());
  const me = (await (await server.api('/api/me')).json()) as { orgId: string };
  await createUser(server.running.services.db, { orgId: me.orgId, email: HELPDESK.email, name: HELPDESK.name, role: 'helpdesk', password: HELPDESK.password });

  tmp = mkdtempSync(path.join(os.tmpdir(), 'esign-e2e-support-'));
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(`Contract body ${SEED.pdfMarker}`, { x: 60, y: 700, size: 14, font });
  doc.addPage([595, 842]).drawText('page two', { x: 60, y: 700, size: 14, font });
  markedPdf = path.join(tmp, 'marked.pdf');
  writeFileSync(markedPdf, await doc.save());

  extensionDir = buildExtensionTrusting([server.url], 'e2e-support');
  browser = await launchWithExtension({ extensionDir });
  // Chromium grants no permission to an extension's (opaque) origin: the clipboard, which the whole
  // browser shares, is read from a page of the server's origin instead.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the support bundle', () => {
  it('never carries a seeded secret: not on the clipboard, not in the stored bundle, not in the SQLite rows', async () => {
    const recipient = { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: SEED.accessCode };
    const { envelopeId, link } = await envelopeFor('清掃業務委託契約書（秘密確認）', recipient, SEED.message);
    const token = /\/s\/([A-Za-z0-9_-]{43})$/.exec(link)![1]!;

    const page = await openPanel(link);
    const sessions: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/session') && r.status() === 200) void r.json().then((b: { session?: string }) => b.session && sessions.push(b.session));
    });
    await enterCode(page, 'wrong-code-0000');
    await page.locator('[data-testid=access-code-error]').waitFor();
    await enterCode(page, SEED.accessCode);
    await page.locator('[data-testid=doc-tab]').waitFor();
    expect(await page.locator('[data-testid=envelope-message]').textContent()).toBe(SEED.message);
    await page.locator('[data-testid=pdf-canvas][data-rendered-page="1"]').waitFor({ timeout: 15_000 });
    await page.fill('[data-testid=field-input]', SEED.fieldValue);
    await expect.poll(() => sessions.length).toBe(1);
    const secrets = { ...SEED, token, session: sessions[0]! };

    const { code, clipboard } = await copySupportInfo(page);
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(await page.locator('[data-testid=support-result]').textContent()).toContain('ヘルプデスクにこのサポートコードをお伝えください');
    // The clipboard holds the bundle with the code: the calls the user made, with their error codes.
    const copied = JSON.parse(clipboard) as { supportCode: string; extensionVersion: string; browser: string; envelopeId?: string; apiCalls: { route: string; status: number; errorCode?: string }[] };
    expect(copied.supportCode).toBe(code);
    expect(copied.extensionVersion).toBe((JSON.parse(readFileSync(path.join(extensionDir, 'manifest.json'), 'utf8')) as { version: string }).version);
    expect(copied.browser).toMatch(/^Chrome \d+ \/ Linux$/);
    expect(copied.envelopeId).toBe(envelopeId);
    expect(copied.apiCalls.map((c) => c.errorCode ?? c.status)).toEqual(expect.arrayContaining([200, 'wrong-access-code']));
    expect(copied.apiCalls.some((c) => c.route === '/api/sign/{token}/documents')).toBe(true);

    const found = await fetch(`${server.url}/api/helpdesk/lookup?q=${encodeURIComponent(code)}`, { headers: { authorization: `Bearer ${await helpdeskToken()}` } });
    expect(found.status).toBe(200);
    const lookup = (await found.json()) as HelpdeskLookup;
    expect(lookup.bundle?.supportCode).toBe(code);
    expect(lookup.envelopes.map((e) => e.id)).toEqual([envelopeId]);

    const db = new Database(path.join(server.dataDir, 'esign.sqlite'), { readonly: true, fileMustExist: true });
    let rows: string;
    try {
      rows = JSON.stringify(db.prepare('SELECT * FROM support_bundles').all());
    } finally {
      db.close();
    }
    expect(rows).toContain(code);

    for (const [name, secret] of Object.entries(secrets)) {
      expect(clipboard.includes(secret), `${name} on the clipboard`).toBe(false);
      expect(JSON.stringify(lookup).includes(secret), `${name} in the stored bundle`).toBe(false);
      expect(rows.includes(secret), `${name} in the SQLite rows`).toBe(false);
    }
    await page.close();
  });

  it('is replayed in the console: the help desk finds it by support code and steps through the wrong-code screens to the lock', async () => {
    const recipient = { name: '佐藤 次郎', email: 'sato@vendor.example.jp', accessCode: 'yama-1357-kawa' };
    const { link } = await envelopeFor('物品購入契約書（再現確認）', recipient);
    const page = await openPanel(link);
    for (const left of [4, 3, 2, 1]) {
      await enterCode(page, `wrong-${left}`);
      await expect.poll(() => page.locator('[data-testid=access-code-error]').getAttribute('data-attempts-left')).toBe(String(left));
    }
    await enterCode(page, 'wrong-0');
    await expect.poll(() => page.locator('[data-testid=state-screen]').getAttribute('data-state')).toBe('locked');
    const { code } = await copySupportInfo(page);
    await page.close();

    const console = await browser.context.newPage();
    await console.goto(`chrome-extension://${browser.extensionId}/console.html`);
    await console.locator('[data-testid=login-email]').fill(HELPDESK.email);
    await console.locator('[data-testid=login-password]').fill(HELPDESK.password);
    expect(await console.locator('[data-testid=login-server]').inputValue()).toBe(server.url);
    await console.click('[data-testid=login-submit]');
    await console.click('[data-testid=tab-helpdesk]');
    // Read over the phone: lower case, no hyphen.
    await console.fill('[data-testid=helpdesk-query]', code.toLowerCase().replace('-', ''));
    await console.click('[data-testid=helpdesk-search]');
    await expect.poll(() => console.locator('[data-testid=helpdesk-headline]').getAttribute('data-code')).toBe('locked');
    // The one envelope found opens at once: its timeline shows the lock.
    await expect.poll(() => console.locator('[data-testid=timeline-row][data-kind=locked]').count()).toBe(1);
    await console.click('[data-testid=replay-open]');

    const step = console.locator('[data-testid=replay-step]');
    const screen = console.locator('[data-testid=replay-screen]');
    await expect.poll(() => step.getAttribute('data-step')).toBe('1');
    // The panel's first screen while it asked for the public info.
    expect(await screen.getAttribute('data-screen')).toBe('loading');
    const seen: string[] = [];
    for (;;) {
      const name = await screen.getAttribute('data-screen');
      const error = screen.locator('[data-testid=access-code-error]');
      if (name === 'access-code' && !(await error.count())) expect(await screen.locator('[data-testid=envelope-title]').textContent()).toBe('物品購入契約書（再現確認）');
      if (name === 'access-code' && (await error.count())) seen.push(`wrong:${await error.getAttribute('data-attempts-left')}:${await error.textContent()}`);
      else if (name === 'state') seen.push(`state:${await screen.locator('[data-testid=state-screen]').getAttribute('data-state')}`);
      else seen.push(name ?? '');
      if (await console.locator('[data-testid=replay-next]').isDisabled()) break;
      await console.click('[data-testid=replay-next]');
    }
    expect(seen).toEqual([
      'loading',
      'access-code',
      expect.stringMatching(/^wrong:4:.*あと 4 回間違えるとロックされます/),
      expect.stringMatching(/^wrong:3:.*あと 3 回/),
      expect.stringMatching(/^wrong:2:.*あと 2 回/),
      expect.stringMatching(/^wrong:1:.*あと 1 回/),
      'state:locked',
    ]);
    // Read-only: the replayed access-code form cannot be used.
    await console.click('[data-testid=replay-prev]');
    expect(await screen.locator('[data-testid=access-code-submit]').isDisabled()).toBe(true);
    // Beside it, the calls with their error codes.
    const calls = await console.locator('[data-testid=replay-line][data-kind=call]').allTextContents();
    expect(calls.filter((c) => c.includes('wrong-access-code'))).toHaveLength(4);
    expect(calls.some((c) => /locked/.test(c))).toBe(true);
    await console.close();
  });
});
