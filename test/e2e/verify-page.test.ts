/**
 * The verify page in real Chromium with the built extension: corpus PDFs and a PDF signed by the real
 * server, dropped and picked; verdicts as the validation core gives them in Node; the server's root
 * imported → valid; no network request while verifying; "view signed version" renders with pdf.js;
 * the side panel's hand-off (storage.session) lands on the page and is verified; a labelled progress bar
 * until the report, at once on a large file and after a delay on a slow one (none flashes on a quick one).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_AT_ONCE_BYTES, PROGRESS_DELAY_MS } from '../../extension/verify/progress.js';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { corpusPath, samplePath } from '../helpers/shared-dir.js';
import { buildPdf } from '../pdf/helpers/build.js';
import { makePki } from '../verify/helpers/pki.js';
import { signPdf, streamObject } from '../verify/helpers/signer.js';
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

/** A signed PDF of just over PROGRESS_AT_ONCE_BYTES: one page drawing an incompressible image. */
async function largeSignedPdf(): Promise<Uint8Array> {
  const side = Math.ceil(Math.sqrt((PROGRESS_AT_ONCE_BYTES + (1 << 20)) / 3));
  const base = buildPdf({
    objects: {
      1: '<< /Type /Catalog /Pages 2 0 R >>',
      2: '<< /Type /Pages /Kids [10 0 R] /Count 1 >>',
      3: streamObject(`/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8`, randomBytes(side * side * 3)),
      10: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 11 0 R /Resources << /XObject << /Im 3 0 R >> >> >>',
      11: streamObject('', new TextEncoder().encode('q 500 0 0 700 50 70 cm /Im Do Q')),
    },
  });
  return signPdf(base, { pki: await makePki('rsa'), field: 'Approval1' });
}

interface ProgressLog {
  pickedAt: number;
  /** One snapshot per DOM change: the progress bars shown and how many reports. */
  states: { at: number; bars: { label: string; text: string }[]; results: number }[];
}

/** Records, from the moment a file is picked, every state of the page's progress bars and reports. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: ProgressLog = ((window as unknown as { progressLog: ProgressLog }).progressLog = { pickedAt: NaN, states: [] });
    document.addEventListener('change', () => (log.pickedAt = performance.now()), true);
    new MutationObserver(() => {
      const bars = [...document.querySelectorAll('[role=progressbar]')].map((b) => ({ label: b.getAttribute('aria-label') ?? '', text: b.getAttribute('aria-valuetext') ?? '' }));
      log.states.push({ at: performance.now(), bars, results: document.querySelectorAll('[data-testid=verify-result]').length });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  });
}

/**
 * The file's labelled progress bar, from when it first showed (ms after the pick) until the report:
 * never missing in between, gone with the report.
 */
async function progressUntilReport(page: Page, name: string): Promise<{ firstMs: number; texts: string[] }> {
  const log = await page.evaluate(() => (window as unknown as { progressLog: ProgressLog }).progressLog);
  const label = `「${name}」の検証の進み具合`;
  const first = log.states.findIndex((s) => s.bars.some((b) => b.label === label));
  expect(first, 'a labelled progress bar showed').toBeGreaterThanOrEqual(0);
  const report = log.states.findIndex((s) => s.results > 0);
  expect(report).toBeGreaterThan(first);
  for (const s of log.states.slice(first, report)) expect(s.bars.map((b) => b.label)).toEqual([label]);
  expect(log.states.at(-1)!.bars).toEqual([]);
  return { firstMs: log.states[first].at - log.pickedAt, texts: [...new Set(log.states.slice(first, report).flatMap((s) => s.bars.map((b) => b.text)))] };
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
    const corpus = DROPPED.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(readFileSync(corpusPath(f))) }));
    await dropFiles(page, 'verify-drop', corpus);
    await page.setInputFiles('[data-testid=verify-file]', [{ name: 'ukesho-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(signed) }]);
    const got = await verdicts(page, corpus.length + 1);
    browser.context.off('request', record);

    const expected: Record<string, VerificationReport['verdict']> = {};
    for (const f of corpus) expected[f.name] = (await verifyPdf(f.bytes)).verdict;
    expected['ukesho-signed.pdf'] = (await verifyPdf(signed)).verdict;
    expect(got).toEqual(expected);
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

  it('shows a large file its labelled progress bar at once, reading then verifying, until its report is ready', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-verify-large-'));
    try {
      const bytes = await largeSignedPdf();
      expect(bytes.length).toBeGreaterThanOrEqual(PROGRESS_AT_ONCE_BYTES);
      const file = path.join(dir, 'large-signed.pdf');
      writeFileSync(file, bytes);
      const page = await openVerifier();
      await watchProgress(page);
      await page.setInputFiles('[data-testid=verify-file]', file);
      expect(await verdicts(page, 1)).toEqual({ 'large-signed.pdf': (await verifyPdf(bytes)).verdict });
      const { firstMs, texts } = await progressUntilReport(page, 'large-signed.pdf');
      // At once, not after the delay a quick file gets; and it says what it is doing.
      expect(firstMs).toBeLessThan(PROGRESS_DELAY_MS);
      expect(texts.some((t) => /^ファイルを読み込んでいます… [\d.]+ \/ 33\.\d MB$/.test(t))).toBe(true);
      expect(texts.some((t) => t.startsWith('署名を検証しています'))).toBe(true);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a small file a progress bar only once its verification has taken a while (a slow worker)', async () => {
    const page = await browser.context.newPage();
    // A slow machine, as far as the page can tell: its worker gets each request 1.5 s late.
    await page.addInitScript({
      content: `{
        const Real = Worker;
        window.Worker = function (url, options) {
          const real = new Real(url, options);
          const postMessage = real.postMessage.bind(real);
          real.postMessage = (m, t) => setTimeout(() => postMessage(m, t), 1500);
          return real;
        };
      }`,
    });
    await page.goto(`chrome-extension://${browser.extensionId}/verify.html`);
    await page.locator('[data-testid=verify-drop]').waitFor();
    await watchProgress(page);
    await page.setInputFiles('[data-testid=verify-file]', [{ name: 'ukesho-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from(signed) }]);
    expect(Object.keys(await verdicts(page, 1))).toEqual(['ukesho-signed.pdf']);
    const { firstMs, texts } = await progressUntilReport(page, 'ukesho-signed.pdf');
    // Not before the delay (no flash on a quick file), and well before the report.
    expect(firstMs).toBeGreaterThanOrEqual(PROGRESS_DELAY_MS - 1);
    expect(firstMs).toBeLessThan(1500);
    expect(texts[0]).toBe('待機中');
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
