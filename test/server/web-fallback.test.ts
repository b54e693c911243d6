/**
 * The web signing page at `/s/{token}` (issue 6, "Signing without the extension"): the real server
 * serves an HTML shell under a strict CSP, the esbuild bundle of the side panel's screens, and pdf.js's
 * assets, each with the headers it needs; a GET changes nothing and one visit is one open.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBundle, staleReason } from '../../server/web/bundle.js';
import { PDFJS_PREFIX } from '../../server/web/assets.js';
import type { HelpdeskTimeline } from '../../shared/api/support.js';
import { api, createEnvelope, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SCANNER_UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro) ms-office';
const browser = { 'user-agent': CHROME_UA, 'accept-language': 'ja,en-US;q=0.8' };
const YAMADA = { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '1234' };
const SATO = { name: '佐藤 次郎', email: 'sato@vendor.example.jp', accessCode: '5678' };

let t: TestServer;
let envelopeId: string;
let link: { url: string; token: string };

const get = (p: string, headers: Record<string, string> = browser) => fetch(`${t.url}${p}`, { headers });

async function timeline(id: string) {
  const r = await api(t).get(`/api/helpdesk/envelopes/${id}/timeline`, t.apiKey, { 'accept-language': 'en' });
  expect(r.status).toBe(200);
  return (await r.json()) as HelpdeskTimeline;
}

/** The page's script and stylesheet, as the shell names them. */
async function shellAssets() {
  const html = await (await get(`/s/${link.token}`)).text();
  const script = /<script type="module" src="(\/web\/[^"]+\.js)"><\/script>/.exec(html)?.[1];
  const css = /<link rel="stylesheet" href="(\/web\/[^"]+\.css)">/.exec(html)?.[1];
  return { html, script: script!, css: css! };
}

beforeAll(async () => {
  t = await startTestServer();
  const r = await createEnvelope(t, { title: '清掃業務委託契約書', recipients: [YAMADA, SATO] });
  expect(r.status).toBe(201);
  envelopeId = ((await r.json()) as { envelopeId: string }).envelopeId;
  link = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(YAMADA.email)));
});

afterAll(async () => {
  await t?.stop();
});

describe('the signing link in a browser without the extension', () => {
  it('serves an HTML shell that loads only its own script, under a strict CSP, never cached, framed or sending a referrer', async () => {
    const r = await get(`/s/${link.token}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const csp = Object.fromEntries(r.headers.get('content-security-policy')!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    expect(csp).toMatchObject({ 'default-src': "'none'", 'script-src': "'self'", 'worker-src': "'self'", 'connect-src': "'self'", 'frame-ancestors': "'none'" });
    expect(JSON.stringify(csp)).not.toMatch(/unsafe-inline|unsafe-eval|\*/);

    const html = await r.text();
    expect(html).toContain('<title>清掃業務委託契約書</title>');
    expect(html).toContain(`data-pdfjs="${PDFJS_PREFIX}"`);
    // Scripts only by src, nothing inline.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][1]).toMatch(/ src="\/web\/main-[A-Z0-9]+\.js"/);
    expect(scripts[0][2]).toBe('');
    expect(html).not.toMatch(/<style|\son\w+=/i);
    // Nothing secret in the page: the token is only in its URL.
    expect(html).not.toContain(link.token);
  });

  it('serves the script and the CSS with their types and a year of caching, and nothing else under /web/', async () => {
    const { script, css } = await shellAssets();
    const js = await get(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const code = await js.text();
    expect(code.length).toBeGreaterThan(100_000); // React, pdf.js and the screens
    expect(code).toContain('install-extension-hint');
    expect(code).toContain('access-code-submit');

    const style = await get(css);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(style.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await style.text()).toContain('.textLayer');

    expect((await get('/web/main-NOTTHERE.js')).status).toBe(404);
    expect((await get('/web/manifest.json')).status).toBe(404);
  });

  it('serves pdf.js’s worker, CMaps and standard fonts from its own origin, and no other file', async () => {
    const worker = await get(`${PDFJS_PREFIX}pdf.worker.min.mjs`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(worker.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await worker.arrayBuffer()).byteLength).toBeGreaterThan(500_000);

    const cmap = await get(`${PDFJS_PREFIX}cmaps/UniJIS-UCS2-H.bcmap`);
    expect(cmap.status).toBe(200);
    expect(cmap.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await cmap.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const font = await get(`${PDFJS_PREFIX}standard_fonts/LiberationSans-Regular.ttf`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/ttf');

    for (const p of ['cmaps/LICENSE', 'standard_fonts/../package.json', '%2e%2e/package.json', 'build/pdf.mjs', 'cmaps/nope.bcmap']) {
      expect((await get(`${PDFJS_PREFIX}${p}`)).status, p).toBe(404);
    }
  });

  it('answers an unknown or malformed token with a 404 page in Japanese and English', async () => {
    for (const token of ['A'.repeat(43), 'short']) {
      const r = await get(`/s/${token}`);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-store');
      const html = await r.text();
      expect(html).toContain('このリンクは無効です');
      expect(html).toContain('This link is not valid');
      expect(html).not.toContain('<script');
    }
  });

  it('changes nothing, tells a mail scanner from a person, and counts the page and its own API call as one open', async () => {
    const tanaka = { name: '田中 花子', email: 'tanaka@vendor.example.jp', accessCode: '2468' };
    const r = await createEnvelope(t, { title: '物品購入契約書', recipients: [tanaka, SATO] });
    const envelopeId = ((await r.json()) as { envelopeId: string }).envelopeId;
    const link = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(tanaka.email)));
    // Microsoft Defender fetches the page seconds after delivery (it runs no script).
    expect((await get(`/s/${link.token}`, { 'user-agent': SCANNER_UA })).status).toBe(200);
    let tl = await timeline(envelopeId);
    expect(tl.entries.filter((e) => e.kind === 'link-opened-scanner')).toHaveLength(1);
    expect(tl.entries.some((e) => e.kind === 'link-opened-browser')).toBe(false);

    // The person opens the page, whose script then asks the API for the public info.
    expect((await get(`/s/${link.token}`)).status).toBe(200);
    expect((await get(`/api/sign/${link.token}`)).status).toBe(200);
    tl = await timeline(envelopeId);
    expect(tl.entries.filter((e) => e.kind === 'link-opened-browser')).toHaveLength(1);
    expect(tl.entries.filter((e) => e.kind === 'link-opened-scanner')).toHaveLength(1);

    const view = (await (await api(t).get(`/api/envelopes/${envelopeId}`, t.apiKey)).json()) as { status: string; recipients: { email: string; status: string; failedAttempts: number }[] };
    expect(view.status).toBe('sent');
    expect(view.recipients.map((r) => [r.email, r.status, r.failedAttempts])).toEqual([
      [tanaka.email, 'notified', 0],
      [SATO.email, 'waiting', 0],
    ]);
  });
});

describe('the bundle', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'esign-web-bundle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is built when missing, reused while current, and rebuilt when a source is newer or an output is gone', async () => {
    const entry = path.join(dir, 'entry.ts');
    const helper = path.join(dir, 'greeting.ts');
    const outDir = path.join(dir, 'out');
    writeFileSync(helper, 'export const greeting = "こんにちは";\n');
    writeFileSync(entry, 'import { greeting } from "./greeting";\ndocument.title = greeting;\n');
    expect(staleReason(outDir)).toBe('no bundle yet');

    const first = await ensureWebBundle({ entry, outDir });
    expect(first.rebuilt).toBe(true);
    expect(first.script).toMatch(/^main-[A-Z0-9]+\.js$/);
    expect(staleReason(outDir)).toBeNull();
    const again = await ensureWebBundle({ entry, outDir });
    expect(again).toEqual({ ...first, rebuilt: false });

    // An imported file changes: a new bundle under a new name.
    writeFileSync(helper, 'export const greeting = "Hello";\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(helper, later, later);
    expect(staleReason(outDir)).toMatch(/greeting\.ts changed$/);
    const rebuilt = await ensureWebBundle({ entry, outDir });
    expect(rebuilt.rebuilt).toBe(true);
    expect(rebuilt.script).not.toBe(first.script);

    rmSync(path.join(outDir, rebuilt.script));
    expect(staleReason(outDir)).toBe(`${rebuilt.script} is missing`);
    expect((await ensureWebBundle({ entry, outDir })).rebuilt).toBe(true);
  });

  it('drops earlier builds’ files an hour after they were written, keeping the current ones', async () => {
    const entry = path.join(dir, 'prune.ts');
    const outDir = path.join(dir, 'pruned');
    writeFileSync(entry, 'document.title = "a";\n');
    const first = await ensureWebBundle({ entry, outDir });
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    utimesSync(path.join(outDir, first.script), twoHoursAgo, twoHoursAgo);
    writeFileSync(path.join(outDir, 'main-RECENT00.js'), '');
    writeFileSync(path.join(outDir, 'notes.txt'), '');
    const later = new Date(Date.now() + 5_000);
    writeFileSync(entry, 'document.title = "b";\n');
    utimesSync(entry, later, later);
    const second = await ensureWebBundle({ entry, outDir });
    expect(second.rebuilt).toBe(true);
    expect(readdirSync(outDir).sort()).toEqual([second.script, 'main-RECENT00.js', 'manifest.json', 'notes.txt'].sort());
  });
});
