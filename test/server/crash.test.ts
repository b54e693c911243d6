/**
 * The server process is killed with SIGKILL at random moments while clients drive 200 envelope
 * operations, and restarted each time. Afterwards: no lost or duplicated email, no half-created
 * envelope, every blob that a row refers to exists, and every audit chain is intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openServices } from '../../server/services.js';
import { documents, envelopes, outbox, recipients } from '../../server/store/schema.js';
import { verifyAuditChains } from '../../server/audit/log.js';
import { freePort, sample } from '../helpers/server.js';
import { signingLinkIn, startSmtpSink } from '../helpers/smtp.js';


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-crash-'));
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives SIGKILL at random moments during 200 envelope operations', async () => {
    const smtp = await startSmtpSink();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_URL: smtp.url, PUBLIC_URL: base, RATE_LIMIT_PER_IP_PER_MINUTE: '100000', MAIL_LEASE_SECONDS: '3', COMPLETION_CLAIM_SECONDS: '3', SIGNING: process.env.CRASH_SIGNING ?? 'noop' };

    let up = false;
    const start = async () => {
      child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) {
            up = true;
            return;
          }
        } catch {
          /* not yet */
        }
        await sleep(50);
      }
      throw new Error('server did not start');
    };
    const kill = async () => {
      up = false;
      const c = child!;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    };
    await start();
    const apiKey = /api key: (\S+)/.exec(readFileSync(path.join(dataDir, 'demo-credentials.txt'), 'utf8'))![1]!;

    /** Retries a request across restarts; `null` when the outcome is unknown (the connection died). */
    async function call(method: string, p: string, body?: unknown, auth?: string): Promise<Response | null> {
      while (!up) await sleep(20);
      try {
        return await fetch(`${base}${p}`, {
          method,
          body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
          headers: { ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        });
      } catch {
        return null;
      }
    }

    let ops = 0;
    const TARGET = 200;
    async function script(n: number) {
      const people = [1, 2].map((i) => ({ name: `宛先${n}-${i}`, email: `c${n}-${i}@vendor.example.jp`, accessCode: `${4000 + i}` }));
      const form = new FormData();
      form.append('envelope', JSON.stringify({ title: `契約 ${n}`, recipients: people, send: true }));
      form.append('documents', new Blob([sample('ukesho.pdf')], { type: 'application/pdf' }), '請書.pdf');
      ops++;
      const created = await call('POST', '/api/envelopes', form, apiKey);
      if (!created || created.status !== 201) return;
      for (const [i, p] of people.entries()) {
        const reject = n % 5 === 0 && i === 1;
        for (let attempt = 0; attempt < 60; attempt++) {
          // A mail in flight when the server died is retried when its lease (3 s here) runs out.
          await smtp.waitFor((m) => m.to.includes(p.email), 60_000);
          const token = signingLinkIn(smtp.received.filter((m) => m.to.includes(p.email)).at(-1)!).token;
          ops++;
          const s = await call('POST', `/api/sign/${token}/session`, { accessCode: p.accessCode });
          if (!s) continue;
          if (s.status === 409) break; // done already (a request that died after its commit)
          if (s.status !== 200) throw new Error(`session ${s.status} ${await s.text()}`);
          const { session } = (await s.json()) as { session: string };
          ops++;
          const r = reject
            ? await call('POST', `/api/sign/${token}/reject`, { reason: '金額の確認が必要です' }, session)
            : await call('POST', `/api/sign/${token}/complete`, { fields: {} }, session);
          if (!r) continue;
          if (r.status === 200) break;
          const code = ((await r.json()) as { error: { code: string } }).error.code;
          if (code === 'already-completed' || code === 'already-rejected') break;
          // A completion that died mid-way holds its claim until it expires (3 s here): try again later.
          if (code === 'completion-in-progress' || r.status === 503) {
            await sleep(1000);
            continue;
          }
          throw new Error(`action ${r.status} ${code}`);
        }
        if (reject) break;
      }
    }

    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        await sleep(1500 + Math.random() * 2000);
        if (!killing) break;
        await kill();
        kills++;
        await start();
      }
    })();
    let n = 0;
    const worker = async () => {
      while (ops < TARGET) await script(++n);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    killing = false;
    await killer;
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(ops).toBeGreaterThanOrEqual(TARGET);

    // Let the outbox finish, then stop the server and look at what is on disk.
    for (let i = 0; i < 600; i++) {
      const s = await openServices(loadConfig({ DATA_DIR: dataDir }));
      const pending = s.db.select().from(outbox).all().filter((m) => m.status !== 'sent');
      await s.close();
      if (pending.length === 0) break;
      await sleep(100);
    }
    await kill();
    const s = await openServices(loadConfig({ DATA_DIR: dataDir }));
    try {
      const rows = s.db.select().from(outbox).all();
      expect(rows.filter((m) => m.status !== 'sent')).toEqual([]);
      // Nothing lost: every outbox row arrived; nothing arrived that is not in the outbox.
      const received = smtp.received.map((m) => m.parsed.messageId!);
      expect(new Set(received)).toEqual(new Set(rows.map((r) => r.messageId)));
      // Nothing duplicated as far as a mailbox can tell. Over SMTP a sender killed between the
      // receiver's "250 OK" and its own commit must send again (no protocol closes that window); the
      // resend is the same message with the same Message-ID, which mail systems de-duplicate.
      const byId = new Map<string, string[]>();
      const content = (m: (typeof smtp.received)[number]) =>
        JSON.stringify([m.to, m.parsed.subject, m.parsed.text, m.parsed.html, m.parsed.date, m.parsed.attachments.map((a) => [a.filename, Buffer.from(a.content as ArrayBuffer).toString('base64')])]);
      for (const m of smtp.received) byId.set(m.parsed.messageId!, [...(byId.get(m.parsed.messageId!) ?? []), content(m)]);
      const resent = [...byId.values()].filter((copies) => copies.length > 1);
      for (const copies of resent) expect(new Set(copies).size).toBe(1);
      // At most the mails in flight at each kill: the outbox sends up to 8 at a time.
      expect(resent.length).toBeLessThanOrEqual(kills * 8);
      console.log(`crash test: ${kills} kills, ${ops} operations, ${rows.length} mails, ${resent.length} identical resends after a kill`);

      // No half-created envelope: each has its documents (blobs present) and recipients, and the
      // mail its state implies.
      for (const e of s.db.select().from(envelopes).all()) {
        const docs = s.db.select().from(documents).all().filter((d) => d.envelopeId === e.id);
        const rcps = s.db.select().from(recipients).all().filter((r) => r.envelopeId === e.id);
        expect(docs.length, e.id).toBe(1);
        expect(rcps.length, e.id).toBe(2);
        for (const d of docs) expect(s.blobs.exists(d.currentBlobId), d.id).toBe(true);
        const mails = rows.filter((m) => m.envelopeId === e.id);
        for (const r of rcps.filter((x) => x.notifiedAt !== null)) expect(mails.some((m) => m.kind === 'signing-request' && m.recipientId === r.id)).toBe(true);
        if (e.status === 'completed') expect(mails.filter((m) => m.kind === 'concluded')).toHaveLength(3);
        if (e.status === 'rejected') expect(mails.filter((m) => m.kind === 'rejected')).toHaveLength(1);
        expect(['sent', 'completed', 'rejected']).toContain(e.status);
      }
      expect(verifyAuditChains(s.auditKey, s.db).problems).toEqual([]);
    } finally {
      await s.close();
      await smtp.close();
    }
  }, 300_000);
});
