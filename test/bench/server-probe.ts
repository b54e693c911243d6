/**
 * Loaded into the benchmarked server process (`--import`), never into production. Over the IPC channel
 * the benchmark sends `start` and `stop` around the measured phase; the probe answers `stop` with what
 * does not depend on the machine's load: CPU time (all threads), event-loop utilisation and blocking
 * (delay of a 1 ms timer), GC pauses, server-side request time, and the completion's and mail outbox's
 * stages (server/stage-timing.ts). With BENCH_PROFILE=dir it also writes a CPU profile of the phase.
 */
import { subscribe } from 'node:diagnostics_channel';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';

export interface StageStats {
  count: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ProbeReport {
  type: 'report';
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  eventLoopUtilization: number;
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMs: number };
  requests: Record<string, StageStats>;
  stages: Record<string, Record<string, StageStats>>;
  profile?: string;
}

const NS = 1e6;
const loop = monitorEventLoopDelay({ resolution: 1 });
let gcs: { kind: number; ms: number }[] = [];
let spans: Record<string, Record<string, number[]>> = {};
let requests: Record<string, number[]> = {};
let measuring = false;
let started = { wall: 0, cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() as EventLoopUtilization };
let session: Session | null = null;

new PerformanceObserver((list) => {
  if (!measuring) return;
  for (const e of list.getEntries()) gcs.push({ kind: ((e as { detail?: { kind?: number } }).detail)?.kind ?? 0, ms: e.duration });
}).observe({ entryTypes: ['gc'] });

for (const name of ['esign:completion', 'esign:outbox']) {
  subscribe(name, (message) => {
    if (!measuring) return;
    const into = (spans[name] ??= {});
    for (const [stage, ms] of Object.entries(message as Record<string, number>)) (into[stage] ??= []).push(ms);
  });
}

// Server-side time of each request, from its headers parsed to its response finished.
const requestStart = new WeakMap<object, number>();
subscribe('http.server.request.start', (m) => {
  const { request } = m as { request: object };
  requestStart.set(request, performance.now());
});
subscribe('http.server.response.finish', (m) => {
  const { request } = m as { request: { method?: string; url?: string } };
  const t = requestStart.get(request);
  if (!measuring || t === undefined) return;
  const route = `${request.method} ${(request.url ?? '').replace(/\/api\/sign\/[^/]+/, '/api/sign/{token}')}`;
  (requests[route] ??= []).push(performance.now() - t);
});

function stats(values: number[]): StageStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { count: sorted.length, totalMs: sorted.reduce((a, b) => a + b, 0), p50Ms: at(0.5), p99Ms: at(0.99) };
}

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'start') {
    gcs = [];
    spans = {};
    requests = {};
    loop.reset();
    loop.enable();
    if (process.env.BENCH_PROFILE) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    started = { wall: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
    measuring = true;
    process.send!({ type: 'started' });
  } else if (msg.type === 'stop') {
    measuring = false;
    const cpu = process.cpuUsage(started.cpu);
    const elu = performance.eventLoopUtilization(started.elu);
    loop.disable();
    let profile: string | undefined;
    if (session) {
      const { profile: p } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      mkdirSync(process.env.BENCH_PROFILE!, { recursive: true });
      profile = path.resolve(process.env.BENCH_PROFILE!, `server-${Date.now()}.cpuprofile`);
      writeFileSync(profile, JSON.stringify(p));
    }
    const major = gcs.filter((g) => g.kind === 4);
    const report: ProbeReport = {
      type: 'report',
      wallMs: performance.now() - started.wall,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      eventLoopUtilization: elu.utilization,
      loopDelay: { p50Ms: loop.percentile(50) / NS, p99Ms: loop.percentile(99) / NS, maxMs: loop.max / NS },
      gc: {
        count: gcs.length,
        totalMs: gcs.reduce((a, g) => a + g.ms, 0),
        maxMs: Math.max(0, ...gcs.map((g) => g.ms)),
        majorCount: major.length,
        majorMs: major.reduce((a, g) => a + g.ms, 0),
      },
      requests: Object.fromEntries(Object.entries(requests).map(([k, v]) => [k, stats(v)])),
      stages: Object.fromEntries(Object.entries(spans).map(([name, byStage]) => [name, Object.fromEntries(Object.entries(byStage).map(([k, v]) => [k, stats(v)]))])),
      profile,
    };
    process.send!(report);
  }
});
process.channel?.unref();
