import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { isPdfDownload, watchPdfDownloads, type DownloadsApi, type NotificationsApi } from '../../extension/background/downloads';
import { fetchServerRoot, isServerRootRequest } from '../../extension/background/server-root';
import { ensureServerRoots } from '../../extension/options/server-roots';
import { trustAnchors } from '../../extension/trust/anchors';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const SERVER = 'https://esign.city.example.lg.jp';

function rootPem(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'esign-root-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'r.pem'), '-days', '30', '-subj', '/O=Example City/CN=Example City Root'], { stdio: 'pipe' });
  return readFileSync(path.join(dir, 'r.pem'), 'utf8');
}
const PEM = rootPem();

describe("a trusted server's root certificate", () => {
  beforeEach(() => fakeBrowser.reset());

  it('is asked for only by an extension page, in the exact shape', () => {
    const page = { id: EXT, url: `chrome-extension://${EXT}/options.html` };
    const origin = `chrome-extension://${EXT}/`;
    expect(isServerRootRequest({ type: 'esign:server-root', origin: SERVER }, page, EXT, origin)).toBe(true);
    expect(isServerRootRequest({ type: 'esign:server-root', origin: SERVER }, { id: EXT, url: 'https://mail.google.com/' }, EXT, origin)).toBe(false);
    expect(isServerRootRequest({ type: 'esign:server-root', origin: SERVER }, { ...page, id: 'other' }, EXT, origin)).toBe(false);
    expect(isServerRootRequest({ type: 'esign:server-root', origin: SERVER, extra: 1 }, page, EXT, origin)).toBe(false);
  });

  it('is fetched from {server}/pki/root.pem only for a trusted origin with its permission, without credentials', async () => {
    const fetchSpy = vi.fn(async () => new Response(PEM));
    const ok = await fetchServerRoot(SERVER, { trusts: async () => true, hasPermission: async () => true, fetch: fetchSpy });
    expect(ok).toEqual({ ok: true, pem: PEM });
    expect(fetchSpy).toHaveBeenCalledWith(`${SERVER}/pki/root.pem`, expect.objectContaining({ credentials: 'omit', redirect: 'error' }));

    fetchSpy.mockClear();
    expect(await fetchServerRoot('https://evil.example', { trusts: async (o) => o === SERVER, hasPermission: async () => true, fetch: fetchSpy })).toEqual({ ok: false, error: 'untrusted' });
    expect(await fetchServerRoot(SERVER, { trusts: async () => true, hasPermission: async () => false, fetch: fetchSpy })).toEqual({ ok: false, error: 'untrusted' });
    expect(fetchSpy).not.toHaveBeenCalled();
    const html = vi.fn(async () => new Response('<html>login</html>'));
    expect(await fetchServerRoot(SERVER, { trusts: async () => true, hasPermission: async () => true, fetch: html })).toEqual({ ok: false, error: 'bad-response' });
  });

  it('is stored once as a trust anchor with source "server" and its fingerprint', async () => {
    const ask = vi.fn(async () => ({ ok: true as const, pem: PEM }));
    expect(await ensureServerRoots([SERVER], ask)).toEqual([]);
    expect(await ensureServerRoots([SERVER], ask)).toEqual([]);
    expect(ask).toHaveBeenCalledTimes(1);
    const [anchor] = await trustAnchors.getValue();
    const der = Buffer.from(PEM.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: PEM, encoding: 'utf8' }).split('=')[1].replace(/:/g, '').trim().toLowerCase();
    expect(anchor).toEqual({ name: 'O=Example City, CN=Example City Root', der: der.toString('base64'), fingerprint: fp, source: 'server', server: SERVER });
  });

  it('reports the servers whose root could not be fetched', async () => {
    expect(await ensureServerRoots([SERVER], async () => ({ ok: false, error: 'unreachable' }))).toEqual([SERVER]);
    expect(await trustAnchors.getValue()).toEqual([]);
  });
});

describe('offering to verify a finished download', () => {
  function setup(item: { id: number; filename: string; mime?: string }) {
    let changed: (d: { id: number; state?: { current?: string } }) => void = () => undefined;
    let clicked: (id: string) => void = () => undefined;
    const downloads: DownloadsApi = { search: vi.fn(async () => [item]), onChanged: { addListener: (cb) => void (changed = cb) } };
    const notifications: NotificationsApi = { create: vi.fn(async (id: string) => id), clear: vi.fn(async () => true), onClicked: { addListener: (cb) => void (clicked = cb) } };
    const openTab = vi.fn();
    watchPdfDownloads({ downloads, notifications, openTab, verifierUrl: (id) => `chrome-extension://x/verify.html?download=${id}`, text: async (name) => ({ title: 'T', message: `M ${name}` }) });
    return { downloads, notifications, openTab, changed: (d: Parameters<typeof changed>[0]) => changed(d), clicked: (id: string) => clicked(id) };
  }

  it('notifies when a PDF finishes and opens the verifier for that download on click', async () => {
    const s = setup({ id: 42, filename: '/home/u/Downloads/請書_署名済み.pdf', mime: 'application/pdf' });
    s.changed({ id: 42, state: { current: 'in_progress' } });
    expect(s.downloads.search).not.toHaveBeenCalled();
    s.changed({ id: 42, state: { current: 'complete' } });
    await vi.waitFor(() => expect(s.notifications.create).toHaveBeenCalledWith('esign-verify-download:42', expect.objectContaining({ type: 'basic', title: 'T', message: 'M 請書_署名済み.pdf' })));
    s.clicked('someone-else:1');
    expect(s.openTab).not.toHaveBeenCalled();
    s.clicked('esign-verify-download:42');
    expect(s.openTab).toHaveBeenCalledWith('chrome-extension://x/verify.html?download=42');
  });

  it('stays quiet for other files', async () => {
    const s = setup({ id: 7, filename: 'C:\\Users\\u\\Downloads\\photo.jpg', mime: 'image/jpeg' });
    s.changed({ id: 7, state: { current: 'complete' } });
    await vi.waitFor(() => expect(s.downloads.search).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(s.notifications.create).not.toHaveBeenCalled();
    expect(isPdfDownload({ id: 1, filename: 'a.PDF' })).toBe(true);
  });
});
