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

export { freePort };
