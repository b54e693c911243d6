/**
 * The verify page in real Chromium with the built extension: corpus PDFs and a PDF signed by the real
 * server, dropped and picked; verdicts as the validation core gives them in Node; the server's root
 * imported → valid; no network request while verifying; "view signed version" renders with pdf.js;
 * the side panel's hand-off (storage.session) lands on the page and is verified.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { corpusPath, samplePath } from '../helpers/shared-dir.js';
import { dropFiles, launchWithExtension, type ExtensionBrowser } from './browser.js';
import { buildExtensionTrusting } from './build.js';
import { freePort, sendEnvelope, startTestServer, type TestServer } from './server.js';

const UKESHO = samplePath('ukesho.pdf');
const DROPPED = ['dss/pades-bes.pdf', 'dss/siwa.pdf', 'pyhanko/coverage-anomalies_tail-uncovered.pdf', 'dss/pades-signed-annot-added.pdf'];

let server: TestServer;
let browser: ExtensionBrowser;
let signed: Uint8Array;
let rootPem: string;

interface Chrome {
  storage: { local: { set(v: object): Promise<void>; remove(k: string): Promise<void> }; session: { set(v: object): Promise<void>; get(k: string): Promise<Record<string, unknown>> } };
}

/** A one-recipient envelope completed through the recipient API: the server's approval signature. */
async function signedByServer(): Promise<Uint8Array> {
  const accessCode = '2580';
  const envelopeId = await sendEnvelope(server, { title: '請書（検証）', recipients: [{ name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode }], documents: [UKESHO] });
  const mail = await server.waitForMail((m) => m.subject.includes('請書（検証）'));
  const token = /\/s\/([A-Za-z0-9_-]{43})/.exec(mail.html)![1];
  const { session } = (await (await fetch(`${server.url}/api/sign/${token}/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ accessCode }) })).json()) as { session: string };
  const done = await fetch(`${server.url}/api/sign/${token}/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session}` }, body: JSON.stringify({ fields: {} }) });
  expect(done.status).toBe(200);
  const view = (await (await server.api(`/api/envelopes/${envelopeId}`)).json()) as { documents: { id: string }[] };
  return new Uint8Array(await (await server.api(`/api/envelopes/${envelopeId}/documents/${view.documents[0].id}/pdf`)).arrayBuffer());
}

function derOf(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
}

async function openVerifier(query = ''): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/verify.html${query}`);
  await page.locator('[data-testid=verify-drop]').waitFor();
  return page;
}


async function verdicts(page: Page, count: number): Promise<Record<string, string>> {
  const results = page.locator('[data-testid=verify-result]');
  await expect.poll(() => results.count(), { timeout: 60_000 }).toBe(count);
  const out: Record<string, string> = {};
  for (const r of await results.all()) out[(await r.locator('h2').textContent())!] = (await r.getAttribute('data-verdict'))!;
  return out;
}

/** Empties the trust anchors (from an extension page that does not fetch server roots). */
async function clearAnchors() {
  const page = await openVerifier();
  await page.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ trustAnchors: [] }));
  await page.close();
}

beforeAll(async () => {
  const port = await freePort();
  server = await startTestServer(port);
  signed = await signedByServer();
  rootPem = await (await fetch(`${server.url}/pki/root.pem`)).text();
  browser = await launchWithExtension({ extensionDir: buildExtensionTrusting([server.url], 'e2e-verify') });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the verify page', () => {
  it('verifies several dropped and picked PDFs locally, with the verdicts of the validation core, and fetches nothing', async () => {
    await clearAnchors();
    const requests: string[] = [];
    const record = (r: Request) => requests.push(r.url());
    browser.context.on('request', record);
    const page = await openVerifier();
    // Every file shows a labelled progress bar until its report is ready.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[role=progressbar]')) {
          const label = bar.getAttribute('aria-label') ?? '';
          if (!seen.includes(label)) seen.push(label);
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const corpus = DROPPED.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(readFileSync(corpusPath(f))) }));
    await dropFiles(page, 'verify-drop', corpus);
    await page.setInputFiles('[data-testid=verify-file]', [{ name: 'ukesho-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(signed) }]);
    const got = await verdicts(page, corpus.length + 1);
    browser.context.off('request', record);

    const expected: Record<string, VerificationReport['verdict']> = {};
    for (const f of corpus) expected[f.name] = (await verifyPdf(f.bytes)).verdict;
    expected['ukesho-signed.pdf'] = (await verifyPdf(signed)).verdict;
    expect(got).toEqual(expected);
    const progress = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(progress.sort()).toEqual([...corpus.map((f) => f.name), 'ukesho-signed.pdf'].map((n) => `「${n}」の検証の進み具合`).sort());
    expect(await page.locator('[role=progressbar]').count()).toBe(0);
    // The set is not trivial: an intact one, a rejected one, and the server's PDF without its root.
    expect(Object.values(got)).toContain('invalid');
    expect(got['ukesho-signed.pdf']).toBe('unknown-trust');
    // Nothing left the machine: only the extension's own files (page chunks, worker, pdf.js). The
    // recorder does see the page's requests: the worker's script, loaded when the page opened.
    expect(requests.some((u) => /\/assets\/verify-worker-[\w-]+\.js$/.test(u))).toBe(true);
    expect(requests.filter((u) => !u.startsWith(`chrome-extension://${browser.extensionId}/`))).toEqual([]);
    await page.close();
  });

  it("the options page fetches the trusted server's root once and shows it with its fingerprint", async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const fingerprint = createHash('sha256').update(derOf(rootPem)).digest('hex');
    const anchors = options.locator('[data-testid=trust-anchors]');
    await expect.poll(() => anchors.textContent(), { timeout: 20_000 }).toContain(fingerprint);
    expect(await anchors.textContent()).toContain(server.url);
    const stored = await options.evaluate(async () => (await (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local.get('trustAnchors')).trustAnchors);
    expect(stored).toEqual([expect.objectContaining({ fingerprint, source: 'server', server: server.url, der: Buffer.from(derOf(rootPem)).toString('base64') })]);
    // Server roots go with their server: no remove button of their own.
    expect(await anchors.getByRole('button').count()).toBe(0);
    await options.close();
  });

  it('shows one entry per revision with the Adobe-style lines, details and the signed version rendered by pdf.js', async () => {
    const page = await openVerifier();
    await expect.poll(() => page.locator('[data-testid=verify-anchors]').textContent()).toContain('信頼するルート証明書: 1 件');
    const requests: string[] = [];
    const record = (r: Request) => requests.push(r.url());
    browser.context.on('request', record);
    await page.setInputFiles('[data-testid=verify-file]', [{ name: 'ukesho-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(signed) }]);
    const result = page.locator('[data-testid=verify-result]');
    await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 60_000 }).toBe((await verifyPdf(signed, { trustAnchors: [derOf(rootPem)] })).verdict);
    expect(await result.getAttribute('data-verdict')).toBe('valid');
    browser.context.off('request', record);
    expect(requests.filter((u) => !u.startsWith('chrome-extension://'))).toEqual([]);

    const report = await verifyPdf(signed, { trustAnchors: [derOf(rootPem)] });
    const revisions = result.locator('[data-testid=verify-revision]');
    expect(await revisions.count()).toBe(report.signatures.length);
    const first = revisions.first();
    const text = await first.textContent();
    expect(text).toContain(`バージョン ${report.signatures[0].revision}:`);
    expect(text).toContain('署名は有効です。');
    expect(text).toContain('署名者の身元は有効です');

    // Details: the certificate chain up to the server's root.
    await first.locator('[data-testid=revision-details]').click();
    expect(await first.locator('[data-testid=revision-details]').getAttribute('aria-expanded')).toBe('true');
    expect(await first.locator('[data-testid=certificate-chain] li').count()).toBe(report.signatures[0].chain.length);

    // The signed version: the prefix up to that revision's end, drawn on a canvas.
    await first.locator('[data-testid=view-revision]').click();
    const canvas = first.locator('[data-testid=pdf-canvas]');
    await expect.poll(() => canvas.getAttribute('data-rendered-page'), { timeout: 30_000 }).toBe('1');
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
      return { width: c.width, dark };
    });
    expect(painted.width).toBeGreaterThan(100);
    expect(painted.dark).toBeGreaterThan(0);
    const end = Number(await first.locator('[data-testid=signed-version]').getAttribute('data-end'));
    expect(end).toBe(report.signatures[0].byteRange![2] + report.signatures[0].byteRange![3]);
    await page.close();
  });

  it('follows the language setting (English)', async () => {
    const page = await openVerifier();
    await page.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ language: 'en' }));
    await page.setInputFiles('[data-testid=verify-file]', [{ name: 'ukesho-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(signed) }]);
    const result = page.locator('[data-testid=verify-result]');
    await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 60_000 }).toBe('valid');
    const text = await result.textContent();
    const report = await verifyPdf(signed, { trustAnchors: [derOf(rootPem)] });
    expect(text).toContain(`Version ${report.signatures[0].revision}: signed by`);
    expect(text).toContain('The signature is valid.');
    expect(text).toContain('The document has not been modified since this signature was applied.');
    await page.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ language: 'auto' }));
    await page.close();
  });

  it('picks up the PDFs the side panel hands over and verifies them, once', async () => {
    const extPage = await openVerifier();
    const id = 'e2e-handoff-1';
    await extPage.evaluate(
      ([k, data]) => (globalThis as unknown as { chrome: Chrome }).chrome.storage.session.set({ [k]: [{ name: 'ukesho.pdf', data }] }),
      [`verify-handoff:${id}`, Buffer.from(signed).toString('base64')] as const,
    );
    const page = await openVerifier(`?handoff=${id}`);
    const result = page.locator('[data-testid=verify-result]');
    await expect.poll(() => result.getAttribute('data-verdict'), { timeout: 60_000 }).toBe('valid');
    expect(await result.locator('h2').textContent()).toBe('ukesho.pdf');
    // Taken once: gone from storage.session.
    const left = await extPage.evaluate((k) => (globalThis as unknown as { chrome: Chrome }).chrome.storage.session.get(k), `verify-handoff:${id}`);
    expect(left).toEqual({});
    await page.close();
    await extPage.close();
  });
});
