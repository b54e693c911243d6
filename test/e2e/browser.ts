import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const EXTENSION_DIR = path.resolve('.output/chrome-mv3');

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  close(): Promise<void>;
}

/**
 * Real Chromium with the built extension loaded (WEBMAIL.md): one per test file, ~3.5 s a launch.
 * The browser's language is Japanese unless told otherwise (the extension follows it).
 */
export async function launchWithExtension(opts: { extensionDir?: string; locale?: string } = {}): Promise<ExtensionBrowser> {
  const extensionDir = opts.extensionDir ?? EXTENSION_DIR;
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: opts.locale ?? 'ja-JP',
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(sw.url()).host;
  return {
    context,
    extensionId,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Drops files on the element `data-testid={testId}` as a user does: real `dragover` and `drop` events carrying a DataTransfer. */
export async function dropFiles(page: Page, testId: string, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, data: Buffer.from(f.bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: 'application/pdf' }));
    return dt;
  }, payload);
  await page.dispatchEvent(`[data-testid=${testId}]`, 'dragover', { dataTransfer });
  await page.dispatchEvent(`[data-testid=${testId}]`, 'drop', { dataTransfer });
}
