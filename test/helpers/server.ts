import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { createApiKey, createOrganization, createUser } from '../../server/auth/users.js';
import type { ServiceOverrides } from '../../server/services.js';
import { startSmtpSink } from './smtp.js';
import { samplePath } from './shared-dir.js';
import { freePort } from './net.js';

export { SAMPLES_DIR as SAMPLES } from './shared-dir.js';
export const sample = (name: string) => readFileSync(samplePath(name));

export interface TestServer extends RunningServer {
  dataDir: string;
  apiKey: string;
  smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  senderEmail: string;
  stop(): Promise<void>;
}

/** The real server on a random loopback port, a real SQLite file in a temp dir, real SMTP. */
export async function startTestServer(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-test-'));
  const smtp = await startSmtpSink();
  const port = await freePort();
  // Envelope-layer tests use the recorded no-op signer unless they ask for SIGNING=pades.
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMIT_PER_IP_PER_MINUTE: '1000', SIGNING: 'noop', ...env });
  const running = await startServer(config, overrides);
  const orgId = createOrganization(running.services.db, '函館市 総務部 契約課');
  const senderEmail = 'keiyaku@city.example.lg.jp';
  const userId = await createUser(running.services.db, { orgId, email: senderEmail, name: '契約 花子', role: 'admin', password: 'correct horse battery' });
  const { key } = createApiKey(running.services.db, userId, 'tests');
  return {
    ...running,
    dataDir,
    apiKey: key,
    smtp,
    senderEmail,
    async stop() {
      await running.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EnvelopeRequest {
  title?: string;
  recipients: { name: string; email: string; accessCode?: string; role?: 'signer' | 'cc'; language?: 'ja' | 'en' }[];
  documents?: { name: string; bytes: Uint8Array }[];
  fields?: unknown[];
  send?: boolean;
  [k: string]: unknown;
}

export async function createEnvelope(t: TestServer, req: EnvelopeRequest, headers: Record<string, string> = {}) {
  const { documents = [{ name: 'ukesho.pdf', bytes: sample('ukesho.pdf') }], ...meta } = req;
  const form = new FormData();
  form.append('envelope', JSON.stringify({ title: '業務委託契約書', send: true, ...meta }));
  for (const d of documents) form.append('documents', new Blob([d.bytes as BlobPart], { type: 'application/pdf' }), d.name);
  return fetch(`${t.url}/api/envelopes`, { method: 'POST', body: form, headers: { authorization: `Bearer ${t.apiKey}`, ...headers } });
}

export const api = (t: TestServer) => ({
  get: (p: string, auth?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${p}`, { headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers } }),
  post: (p: string, body: unknown, auth?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${p}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers } }),
});

/** Signs a staff member in through POST /api/auth/login; the session token. */
export async function loginAs(t: TestServer, email: string, password: string): Promise<string> {
  const res = await api(t).post('/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login of ${email}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * The people help-desk tests need beside the demo organisation's admin: a help-desk operator and a
 * second sender of the same organisation (their session tokens), and an admin API key of another
 * organisation (which must never see the demo organisation's envelopes).
 */
export async function helpdeskStaff(t: TestServer, operator: { email: string; name: string }, senderEmail: string): Promise<{ helpdesk: string; sender: string; otherOrgKey: string }> {
  const me = (await (await api(t).get('/api/me', t.apiKey)).json()) as { orgId: string };
  await createUser(t.services.db, { orgId: me.orgId, email: operator.email, name: operator.name, role: 'helpdesk', password: 'help desk password' });
  await createUser(t.services.db, { orgId: me.orgId, email: senderEmail, name: '担当 二郎', role: 'sender', password: 'sender password 1' });
  const otherOrg = createOrganization(t.services.db, '別市 契約課');
  const otherAdmin = await createUser(t.services.db, { orgId: otherOrg, email: 'admin@other-city.example.lg.jp', name: '別市 管理者', role: 'admin', password: 'other admin password' });
  return {
    helpdesk: await loginAs(t, operator.email, 'help desk password'),
    sender: await loginAs(t, senderEmail, 'sender password 1'),
    otherOrgKey: createApiKey(t.services.db, otherAdmin, 'tests').key,
  };
}

export { freePort };
