/**
 * The real server (server/main.ts `startServer`) for the browser tests: its own data directory, a
 * free port, mail written to DATA_DIR/outbox as .eml files, the demo organisation's API key.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { bootstrapDemo } from '../../server/bootstrap.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';

export interface Mail {
  file: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  from: { name: string; address: string };
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  apiKey: string;
  running: RunningServer;
  /** Every mail in the outbox so far, oldest first. */
  mails(): Promise<Mail[]>;
  /** Waits until a mail matching `pick` is in the outbox (the outbox worker sends asynchronously). */
  waitForMail(pick: (m: Mail) => boolean, timeoutMs?: number): Promise<Mail>;
  api(pathname: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export { freePort } from '../helpers/net.js';

export async function startTestServer(port: number): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-e2e-data-'));
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: url,
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
  });
  const running = await startServer(config);
  const demo = await bootstrapDemo(running.services);
  if (!demo) throw new Error('fresh data dir expected a demo organisation');
  const outbox = path.join(dataDir, 'outbox');
  const parsed = new Map<string, Mail>();

  async function mails(): Promise<Mail[]> {
    let files: string[] = [];
    try {
      files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    } catch {
      return [];
    }
    for (const file of files) {
      if (parsed.has(file)) continue;
      const email = await PostalMime.parse(readFileSync(path.join(outbox, file)));
      parsed.set(file, {
        file,
        to: email.to?.map((a) => a.address).join(',') ?? '',
        subject: email.subject ?? '',
        html: email.html ?? '',
        text: email.text ?? '',
        from: { name: email.from?.name ?? '', address: email.from?.address ?? '' },
      });
    }
    return files.map((f) => parsed.get(f)!);
  }

  return {
    url,
    port,
    dataDir,
    apiKey: demo.apiKey,
    running,
    mails,
    async waitForMail(pick, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = (await mails()).find(pick);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no such mail in ${outbox} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    api(pathname, init = {}) {
      return fetch(url + pathname, { ...init, headers: { Authorization: `Bearer ${demo.apiKey}`, ...(init.headers ?? {}) } });
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EnvelopeRequest {
  title: string;
  message?: string;
  recipients: { name: string; email: string; accessCode: string }[];
  fields?: { document: number; recipient: number; label: string; type: 'text' | 'date' | 'checkbox'; required?: boolean; page: number; rect: { x: number; y: number; width: number; height: number } }[];
  documents: string[];
}

/** POST /api/envelopes with `send: true`, as the sender's tools do. */
export async function sendEnvelope(server: TestServer, req: EnvelopeRequest): Promise<string> {
  const form = new FormData();
  form.set('envelope', JSON.stringify({ title: req.title, message: req.message ?? '', recipients: req.recipients, fields: req.fields ?? [], send: true }));
  for (const doc of req.documents) form.append('documents', new Blob([readFileSync(doc)], { type: 'application/pdf' }), path.basename(doc));
  const r = await server.api('/api/envelopes', { method: 'POST', body: form });
  const body = (await r.json()) as { envelopeId?: string; error?: unknown };
  if (r.status !== 201 || !body.envelopeId) throw new Error(`sending the envelope failed: ${r.status} ${JSON.stringify(body)}`);
  return body.envelopeId;
}
