/**
 * Envelope server benchmark (issue 2): 50 concurrent recipients completing (signing as configured:
 * `SIGNING=noop` for the no-op figure) — completions per second and p50/p99 latency — and requests per
 * second for public info. The server runs in its own process, as in production; the load comes from
 * this one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import PostalMime from 'postal-mime';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../../server/config.js';
import { openServices } from '../../server/services.js';
import { createApiKey, createOrganization, createUser, actorOf } from '../../server/auth/users.js';
import { createEnvelope } from '../../server/envelopes/create.js';
import { EnvelopeInput } from '../../shared/api/sender.js';
import { recipients } from '../../server/store/schema.js';
import { freePort } from '../helpers/server.js';
import { samplePath } from '../helpers/shared-dir.js';



function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchServer() {
  const recipientsCount = Number(process.env.BENCH_RECIPIENTS || 600);
  const concurrency = 50;
  const signing = process.env.SIGNING || 'noop';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: base, SIGNING: signing, RATE_LIMIT_PER_IP_PER_MINUTE: '1000000' };
  try {
    // Seed: one envelope per recipient, through the product's own create-and-send path.
    const t0 = Date.now();
    const s = await openServices(loadConfig(env));
    const orgId = createOrganization(s.db, 'ベンチ市');
    const userId = await createUser(s.db, { orgId, email: 'bench@city.example', name: 'ベンチ', role: 'admin', password: 'bench-password-1' });
    createApiKey(s.db, userId, 'bench');
    const actor = actorOf(s.db, userId, 'cli');
    const pdf = new Uint8Array(readFileSync(samplePath('ukesho.pdf')));
    for (let i = 0; i < recipientsCount; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, recipientsCount - i) }, (_, k) =>
          createEnvelope(s, actor, EnvelopeInput.parse({ title: `請書 ${i + k}`, recipients: [{ name: `業者${i + k}`, email: `v${i + k}@vendor.example`, accessCode: '1234' }], send: true }), [{ name: '請書.pdf', bytes: pdf }], 'ja'),
        ),
      );
    }
    await s.outbox.drain();
    const seeded = s.db.select().from(recipients).all().length;
    await s.close();
    const tokens = await readOutboxTokens(path.join(dataDir, 'outbox'));
    if (tokens.length !== recipientsCount || seeded !== recipientsCount) throw new Error(`seeded ${seeded} recipients, found ${tokens.length} links`);
    const seedSeconds = (Date.now() - t0) / 1000;

    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) break;
        } catch {
          if (i > 200) throw new Error('server did not start');
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      // Sessions (access code, scrypt) are set up first and not timed.
      const sessions: { token: string; session: string }[] = [];
      for (let i = 0; i < tokens.length; i += 16) {
        sessions.push(
          ...(await Promise.all(
            tokens.slice(i, i + 16).map(async (token) => {
              const r = await fetch(`${base}/api/sign/${token}/session`, { method: 'POST', body: JSON.stringify({ accessCode: '1234' }), headers: { 'content-type': 'application/json' } });
              if (!r.ok) throw new Error(`session: ${r.status} ${await r.text()}`);
              return { token, session: ((await r.json()) as { session: string }).session };
            }),
          )),
        );
      }

      // 50 concurrent recipients completing; the first 50 warm the server up (JIT, statement caches)
      // and are not counted.
      const latencies: number[] = [];
      const warmup = Math.min(concurrency, sessions.length / 4);
      let next = 0;
      await Promise.all(
        sessions.slice(0, warmup).map(({ token, session }) =>
          fetch(`${base}/api/sign/${token}/complete`, { method: 'POST', body: '{"fields":{}}', headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` } }).then((r) => r.arrayBuffer()),
        ),
      );
      next = warmup;
      let failures = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < sessions.length) {
            const { token, session } = sessions[next++]!;
            const t = performance.now();
            const r = await fetch(`${base}/api/sign/${token}/complete`, { method: 'POST', body: '{"fields":{}}', headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` } });
            await r.arrayBuffer();
            latencies.push(performance.now() - t);
            if (r.status !== 200) failures++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);

      // Public info, as mail scanners and banners hit it.
      const info = await autocannon({
        url: `${base}/api/sign/${tokens[0]}`,
        connections: 50,
        duration: Number(process.env.BENCH_SECONDS || 10),
        headers: { 'user-agent': 'Mozilla/5.0 bench', 'accept-language': 'ja' },
      });

      const rows = [
        ['completions / s (50 concurrent)', ((sessions.length - warmup) / seconds).toFixed(0), '≥ 300'],
        ['completion latency p50 (ms)', percentile(latencies, 50).toFixed(1), ''],
        ['completion latency p99 (ms)', percentile(latencies, 99).toFixed(1), '< 250'],
        ['completion failures', String(failures), '0'],
        ['public info requests / s', info.requests.average.toFixed(0), '≥ 5,000'],
        ['public info latency p99 (ms)', String(info.latency.p99), ''],
        ['public info non-2xx', String(info.non2xx), '0'],
      ];
      console.log(`signing: ${signing}; ${sessions.length} recipients (seeded in ${seedSeconds.toFixed(1)} s); ${os.cpus().length} cores; Node ${process.version}`);
      console.log('No open-source peer (Documenso, DocuSeal, OpenSign) can run offline here; targets are the issue\'s.');
      console.table(rows.map(([metric, value, target]) => ({ metric, value, target })));
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The links' tokens exist only in the mail, as a recipient would get them. */
async function readOutboxTokens(dir: string): Promise<string[]> {
  const tokens: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
    const mail = await PostalMime.parse(readFileSync(path.join(dir, f)));
    const m = /\/s\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    if (m) tokens.push(m[1]!);
  }
  return tokens;
}
