/**
 * Envelope server benchmark (issue 2): 50 concurrent recipients completing (signing as configured:
 * `SIGNING=noop` for the no-op figure) — completions per second and p50/p99 latency — and requests per
 * second for public info. The server runs in its own process, as in production; the load comes from
 * this one. A probe loaded into the server (server-probe.ts) reports where the time goes in figures that
 * do not depend on the machine's load (CPU per request, event-loop blocking, GC, stage timings).
 *
 * Environment: BENCH_RECIPIENTS (600), BENCH_SECONDS (public info, 10), BENCH_SEED_CACHE=dir (reuse a
 * seeded data directory), BENCH_PROFILE=dir (CPU profile of the completion phase), BENCH_CLIENT=fetch
 * (the heavier fetch client), BENCH_SERVER_FLAGS (extra node flags, e.g. --trace-gc) with
 * BENCH_SERVER_STDOUT=file for what they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import PostalMime from 'postal-mime';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../../server/config.js';
import { openServices } from '../../server/services.js';
import { createApiKey, createOrganization, createUser, actorOf } from '../../server/auth/users.js';
import { createEnvelope } from '../../server/envelopes/create.js';
import { EnvelopeInput } from '../../shared/api/sender.js';
import { recipients } from '../../server/store/schema.js';
import { freePort } from '../helpers/net.js';
import { samplePath } from '../helpers/shared-dir.js';
import type { ProbeReport } from './server-probe.js';

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
    // Seed: one envelope per recipient, through the product's own create-and-send path. Seeding costs
    // minutes (scrypt per access code, fsync per blob and mail); BENCH_SEED_CACHE=dir keeps a copy of
    // the seeded data directory there and starts later runs from it.
    const t0 = Date.now();
    const cache = process.env.BENCH_SEED_CACHE ? path.resolve(process.env.BENCH_SEED_CACHE, `n${recipientsCount}`) : null;
    if (cache && existsSync(path.join(cache, 'esign.sqlite'))) {
      cpSync(cache, dataDir, { recursive: true });
    } else {
      await seed(env, recipientsCount);
      if (cache) cpSync(dataDir, cache, { recursive: true });
    }
    const tokens = await readOutboxTokens(path.join(dataDir, 'outbox'));
    if (tokens.length !== recipientsCount) throw new Error(`seeded ${recipientsCount} recipients, found ${tokens.length} links`);
    const seedSeconds = (Date.now() - t0) / 1000;

    const extra = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', '--import', PROBE, 'server/main.ts'], {
      env,
      stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'w') : 'ignore', 'inherit', 'ipc'],
    });
    const probe = probeOf(child);
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
      // node:http with keep-alive rather than fetch: the client shares the 2 cores with the server, and
      // fetch cost it about as much CPU per completion as the server's own handling (BENCH_CLIENT=fetch
      // to compare).
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const complete = process.env.BENCH_CLIENT === 'fetch'
        ? async ({ token, session }: { token: string; session: string }) => {
            const r = await fetch(`${base}/api/sign/${token}/complete`, { method: 'POST', body: '{"fields":{}}', headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` } });
            await r.arrayBuffer();
            return r.status;
          }
        : ({ token, session }: { token: string; session: string }) => post(agent, `${base}/api/sign/${token}/complete`, '{"fields":{}}', session);

      // 50 concurrent recipients completing; the first 50 warm the server up (JIT, statement caches)
      // and are not counted. Their mail is let out before the measured phase starts.
      const outboxDir = path.join(dataDir, 'outbox');
      const warmup = Math.min(concurrency, sessions.length / 4);
      await Promise.all(sessions.slice(0, warmup).map(complete));
      await mailCount(outboxDir, tokens.length + 2 * warmup);

      const latencies: number[] = [];
      let next = warmup;
      let failures = 0;
      const load = [loadAverage()];
      await probe.start();
      const clientCpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < sessions.length) {
            const item = sessions[next++]!;
            const t = performance.now();
            const status = await complete(item);
            latencies.push(performance.now() - t);
            if (status !== 200) failures++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const mailsMeanwhile = mails(outboxDir) - (tokens.length + 2 * warmup);
      // Each completion concludes its envelope: a mail to the recipient and one to the sender. The
      // phase's server cost includes writing them.
      await mailCount(outboxDir, tokens.length + 2 * sessions.length);
      const mailLagSeconds = (performance.now() - started) / 1000 - seconds;
      const client = process.cpuUsage(clientCpu);
      const completion = await probe.stop();
      agent.destroy();
      load.push(loadAverage());
      latencies.sort((a, b) => a - b);
      const n = sessions.length - warmup;

      // Public info, as mail scanners and banners hit it.
      await probe.start();
      const info = await autocannon({
        url: `${base}/api/sign/${tokens[0]}`,
        connections: 50,
        duration: Number(process.env.BENCH_SECONDS || 10),
        headers: { 'user-agent': 'Mozilla/5.0 bench', 'accept-language': 'ja' },
      });
      const infoProbe = await probe.stop();

      const rows = [
        ['completions / s (50 concurrent)', (n / seconds).toFixed(0), '≥ 300'],
        ['completion latency p50 (ms)', percentile(latencies, 50).toFixed(1), ''],
        ['completion latency p99 (ms)', percentile(latencies, 99).toFixed(1), '< 250'],
        ['completion failures', String(failures), '0'],
        ['public info requests / s', info.requests.average.toFixed(0), '≥ 5,000'],
        ['public info latency p99 (ms)', String(info.latency.p99), ''],
        ['public info non-2xx', String(info.non2xx), '0'],
      ];
      console.log(`signing: ${signing}; ${sessions.length} recipients (seeded in ${seedSeconds.toFixed(1)} s); ${os.cpus().length} cores; Node ${process.version}`);
      console.log(`load average (1/5/15 min) before ${load[0]}, after ${load[1]}: the client, the server and anything else share the cores`);
      console.log('No open-source peer (Documenso, DocuSeal, OpenSign) can run offline here; targets are the issue\'s.');
      console.table(rows.map(([metric, value, target]) => ({ metric, value, target })));
      printCost(completion, n, client, { meanwhile: mailsMeanwhile, total: 2 * n, lagSeconds: mailLagSeconds }, infoProbe, info.requests.total);
      if (completion.profile) console.log(`CPU profile of the completion phase: ${completion.profile}`);
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** POST a JSON body with a recipient session; resolves to the status once the whole response is read. */
function post(agent: http.Agent, url: string, body: string, session: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${session}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PROBE = new URL('./server-probe.ts', import.meta.url).href;

function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

const mails = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.eml')).length;

/** Waits until the outbox folder holds `count` mails (or 60 s pass). */
async function mailCount(dir: string, count: number) {
  for (let i = 0; i < 1200; i++) {
    if (mails(dir) >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the outbox did not reach ${count} mails`);
}

function probeOf(child: ChildProcess) {
  const reply = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = () => reject(new Error('the server exited'));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    async start() {
      const started = reply('started');
      child.send({ type: 'start' });
      await started;
    },
    async stop() {
      const report = reply<ProbeReport>('report');
      child.send({ type: 'stop' });
      return report;
    },
  };
}

/**
 * Where the time goes, in figures that do not depend on the machine's load: CPU per request (every
 * thread of the server process), main-thread busy time per request, event-loop blocking (the delay a
 * 1 ms timer saw), GC pauses; then each stage of a completion and of a mail (wall time, so waits on
 * the thread pool and on other requests count where they happen).
 */
function printCost(p: ProbeReport, n: number, client: NodeJS.CpuUsage, mail: { meanwhile: number; total: number; lagSeconds: number }, info: ProbeReport, infoRequests: number) {
  const per = (ms: number, count = n) => (ms / count).toFixed(2);
  const completeRoute = Object.entries(p.requests).find(([k]) => k.endsWith('/complete'))?.[1];
  console.log('\nWhere the time goes (completion phase, per completion; mail written before the phase ends):');
  console.table([
    { figure: 'server CPU, all threads (ms)', value: per(p.cpuUserMs + p.cpuSystemMs) },
    { figure: '  of which kernel (ms)', value: per(p.cpuSystemMs) },
    { figure: 'server event loop active (ms; wall, so it grows when the OS runs others)', value: per(p.eventLoopUtilization * p.wallMs) },
    { figure: 'bench client CPU (ms)', value: per((client.user + client.system) / 1000) },
    { figure: 'GC pauses (ms)', value: `${per(p.gc.totalMs)} (${p.gc.count} pauses, ${p.gc.majorCount} major, longest ${p.gc.maxMs.toFixed(1)} ms)` },
    { figure: 'event-loop delay p50 / p99 / max (ms)', value: `${p.loopDelay.p50Ms.toFixed(1)} / ${p.loopDelay.p99Ms.toFixed(1)} / ${p.loopDelay.maxMs.toFixed(1)}` },
    { figure: 'server-side completion p50 / p99 (ms)', value: completeRoute ? `${completeRoute.p50Ms.toFixed(1)} / ${completeRoute.p99Ms.toFixed(1)}` : '-' },
    { figure: 'mails written while completions ran', value: `${mail.meanwhile} of ${mail.total}` },
    { figure: 'rest of the mail written within (s) after the last completion', value: mail.lagSeconds.toFixed(2) },
  ]);
  for (const [name, stages] of Object.entries(p.stages)) {
    console.log(`${name} stages (wall ms):`);
    console.table(
      Object.entries(stages)
        .sort((a, b) => b[1].totalMs - a[1].totalMs)
        .map(([stage, st]) => ({ stage, count: st.count, 'mean': (st.totalMs / st.count).toFixed(3), p50: st.p50Ms.toFixed(3), p99: st.p99Ms.toFixed(3) })),
    );
  }
  console.log(`public info: server CPU ${per(info.cpuUserMs + info.cpuSystemMs, infoRequests)} ms a request, event-loop delay p99 ${info.loopDelay.p99Ms.toFixed(1)} ms`);
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

/** One one-signer envelope per recipient, created and sent through the product's own path. */
async function seed(env: NodeJS.ProcessEnv, count: number) {
  const s = await openServices(loadConfig(env));
  try {
    const orgId = createOrganization(s.db, 'ベンチ市');
    const userId = await createUser(s.db, { orgId, email: 'bench@city.example', name: 'ベンチ', role: 'admin', password: 'bench-password-1' });
    createApiKey(s.db, userId, 'bench');
    const actor = actorOf(s.db, userId, 'cli');
    const pdf = new Uint8Array(readFileSync(samplePath('ukesho.pdf')));
    for (let i = 0; i < count; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, count - i) }, (_, k) =>
          createEnvelope(s, actor, EnvelopeInput.parse({ title: `請書 ${i + k}`, recipients: [{ name: `業者${i + k}`, email: `v${i + k}@vendor.example`, accessCode: '1234' }], send: true }), [{ name: '請書.pdf', bytes: pdf }], 'ja'),
        ),
      );
    }
    await s.outbox.drain();
    const seeded = s.db.select().from(recipients).all().length;
    if (seeded !== count) throw new Error(`seeded ${seeded} recipients, wanted ${count}`);
  } finally {
    await s.close();
  }
}
