/**
 * `npm run bench -- verify` (or `npx tsx test/bench/verify.ts`): the validation core against pdfsig and
 * `mutool sign -v` on the same files in the same run, next to the floor (SHA-256 of every signed range).
 * Inputs are generated in a temp dir: a 12 MB PDF with three approval signatures, a DSS and a document
 * timestamp (B-LTA), and a 100 MB signed PDF. Then the same files in headless Chromium through the
 * built extension's verify page (file input → worker → report), next to the WebCrypto floor measured in
 * that page, with the browser's peak memory. `--node-only` skips the browser part.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchWithExtension } from '../e2e/browser.js';
import { buildExtensionTrusting } from '../e2e/build.js';
import { openPdf } from '../../shared/pdf/index.js';
import { buildPdf } from '../pdf/helpers/build.js';
import { makeCrl, makePki, pem, type Pki } from '../verify/helpers/pki.js';
import { addDss, signPdf, streamObject } from '../verify/helpers/signer.js';

const REPEAT = 5;
/** Rounds of the process timings (CLI, pdfsig, mutool): each run is short and this machine is shared. */
const PROCESS_ROUNDS = 11;

/** CPU time stolen by the hypervisor (and total), from /proc/stat: how noisy the timings are. */
function cpuTicks(): { steal: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
}

/** A document of `pages` pages whose first page draws a `bytes`-long incompressible image. */
function bigPdf(bytes: number, pages: number): Uint8Array {
  const objects: Record<number, string | Uint8Array> = { 1: '<< /Type /Catalog /Pages 2 0 R >>' };
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) {
    const n = 10 + i * 2;
    kids.push(`${n} 0 R`);
    objects[n] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${n + 1} 0 R /Resources << /XObject << /Im 3 0 R >> >> >>`;
    objects[n + 1] = streamObject('', new TextEncoder().encode(`q 500 0 0 700 50 70 cm /Im Do Q BT /F1 12 Tf 50 50 Td (page ${i + 1}) Tj ET`));
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  const side = Math.floor(Math.sqrt(bytes / 3));
  objects[3] = streamObject(`/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8`, randomBytes(side * side * 3));
  return buildPdf({ objects });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface ProcessFigures {
  /** Median wall time, and median CPU (user + system) — the CPU figure suffers less from a busy machine. */
  ms: number;
  cpuMs: number;
  /** Highest peak RSS over the runs (from /usr/bin/time). */
  maxRssMb: number;
  ok: boolean;
  out: string;
}

/**
 * Several commands timed in the same rounds (round-robin, so a load spike from other work on the machine
 * hits all of them alike), each run through /usr/bin/time for CPU time and peak RSS.
 */
function timeProcesses(commands: Record<string, [string, ...string[]]>, repeat = REPEAT): Record<string, ProcessFigures> {
  const runs: Record<string, { ms: number; cpuMs: number; rssMb: number; ok: boolean; out: string }[]> = {};
  for (let i = 0; i < repeat; i++) {
    for (const [name, [cmd, ...args]] of Object.entries(commands)) {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', 'bench-time %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = performance.now() - t0;
      const m = /bench-time ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
      (runs[name] ??= []).push({
        ms,
        cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN,
        rssMb: m ? Number(m[3]) / 1024 : NaN,
        ok: r.error === undefined && !/cannot run/.test(r.stderr ?? ""),
        out: `${r.stdout}${r.stderr}`,
      });
    }
  }
  const out: Record<string, ProcessFigures> = {};
  for (const [name, rs] of Object.entries(runs)) {
    out[name] = {
      ms: median(rs.map((r) => r.ms)),
      cpuMs: median(rs.map((r) => r.cpuMs)),
      maxRssMb: Math.max(...rs.map((r) => r.rssMb)),
      ok: rs.every((r) => r.ok),
      out: rs[rs.length - 1].out,
    };
  }
  return out;
}

/**
 * Our verifier in a fresh Node process: cold (first) verification including reading the file, a warm
 * second one (JIT and pkijs code paths compiled), and peak RSS from /usr/bin/time.
 */
function timeOurs(file: string, root: string): { coldMs: number; warmMs: number; maxRssMb: number; verdict: string } {
  const script = `
    import { readFileSync } from 'node:fs';
    import { createHash } from 'node:crypto';
    import { verifyPdf } from ${JSON.stringify(pathToFileURL(path.resolve('shared/verify/index.ts')).href)};
    const digest = async (alg, parts) => { const h = createHash(alg.replace('-', '').toLowerCase()); for (const p of parts) h.update(p); return new Uint8Array(h.digest()); };
    const root = new Uint8Array(readFileSync(${JSON.stringify(root)}));
    const t0 = performance.now();
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(file)}));
    const r = await verifyPdf(bytes, { trustAnchors: [root], digest });
    const coldMs = performance.now() - t0;
    const t1 = performance.now();
    await verifyPdf(bytes, { trustAnchors: [root], digest });
    const warmMs = performance.now() - t1;
    console.log(JSON.stringify({ coldMs, warmMs, verdict: r.verdict }));`;
  const runs: { coldMs: number; warmMs: number; maxRssMb: number; verdict: string }[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const rss = /maxrss=(\d+)/.exec(r.stderr);
    try {
      runs.push({ ...JSON.parse(line), maxRssMb: rss ? Number(rss[1]) / 1024 : NaN });
    } catch {
      throw new Error(`bench child failed: ${r.stderr.slice(0, 500)}`);
    }
  }
  return {
    coldMs: median(runs.map((r) => r.coldMs)),
    warmMs: median(runs.map((r) => r.warmMs)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
    verdict: runs[0].verdict,
  };
}

/** Peak RSS of an idle Node + tsx process: the part of our peak that does not depend on the file. */
function baselineRssMb(): number {
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, '--import', 'tsx', '-e', '0'], { encoding: 'utf8' });
  const m = /maxrss=(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : 0;
}

/** Every signature's ByteRange. */
function signedRanges(bytes: Uint8Array): number[][] {
  const doc = openPdf(bytes);
  const ranges: number[][] = [];
  for (const f of doc.fields()) {
    const v = doc.dict(f.dict.get('V'));
    const br = v ? doc.resolve(v.get('ByteRange')) : undefined;
    if (Array.isArray(br) && br.length === 4) ranges.push(br as number[]);
  }
  return ranges;
}

/** The floor: SHA-256 over every signature's signed ranges, file already in memory. */
function floor(bytes: Uint8Array): number {
  const ranges = signedRanges(bytes);
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    for (const [a, b, c, d] of ranges) createHash('sha256').update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function makeInputs(dir: string, pki: Pki): Promise<{ name: string; file: string }[]> {
  let lta = bigPdf(12 * 1024 * 1024, 100);
  for (let i = 1; i <= 3; i++) lta = await signPdf(lta, { pki, field: `Approval${i}`, timestamp: true });
  lta = addDss(lta, { certs: [pki.signer.der, pki.tsa.der, pki.root.der], crls: [await makeCrl(pki.root)] });
  lta = await signPdf(lta, { pki, kind: 'timestamp', field: 'DocTimeStamp' });
  const big = await signPdf(bigPdf(100 * 1024 * 1024, 10), { pki, field: 'Approval1', timestamp: true });
  const files = [
    { name: '12 MB, 3 approvals + DSS + doc timestamp', file: path.join(dir, 'lta-12mb.pdf'), bytes: lta },
    { name: '100 MB, 1 signature', file: path.join(dir, 'signed-100mb.pdf'), bytes: big },
  ];
  for (const f of files) writeFileSync(f.file, f.bytes);
  return files;
}

const CHROMIUM_REPEAT = 3;

/** The processes of the Chromium started with `marker` in its command line: the browser and its children. */
function browserTree(marker: string): number[] {
  const procs = new Map<number, { ppid: number; cmd: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      procs.set(Number(name), { ppid, cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8') });
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([...procs].filter(([, p]) => p.cmd.includes(marker) && !p.cmd.includes('--type=')).map(([pid]) => pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Resident memory (kB) of each of `pids`. */
function rssByPid(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // exited
    }
  }
  return out;
}

/** Summed resident memory (kB) of `pids`. */
function rssKb(pids: number[]): number {
  let kb = 0;
  for (const v of rssByPid(pids).values()) kb += v;
  return kb;
}

/** What a Chromium process is, from its command line. */
function processKind(pid: number): string {
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'exited';
  }
  if (cmd.includes('--extension-process')) return 'extension renderer (page + worker)';
  const type = /--type=([\w-]+)/.exec(cmd)?.[1];
  return type === undefined ? 'browser' : type === 'gpu-process' ? 'GPU' : type;
}

interface ChromiumFigures {
  coldMs: number;
  warmMs: number;
  /** Of the warm run: reading the file into the worker, and the core on the bytes in memory. */
  readMs: number;
  verifyMs: number;
  floorMs: number;
  /** Summed RSS of the browser with the idle verify page, and what its worker (started at load) adds to it. */
  idleMb: number;
  workerIdleMb: number;
  peakAboveIdleMb: number;
  /** At the highest peak: each kind of process's growth above idle, largest first. */
  peakByProcess: string;
  /** Each cold run's peak, in run order (the first file's first run is the browser's first verification). */
  runPeaksMb: number[];
  /** Whether each cold run showed the progress display (the page shows it on a quick file only once it has taken a while). */
  runBars: boolean[];
  verdict: string;
}

/**
 * For the bench only, before the page's scripts: each `new Worker` gives a stand-in that starts the real
 * worker when `benchStartWorkers()` is called (or at its first message), so that the idle page can be
 * measured without and then with the worker the verify page starts at load. Plain JavaScript text: tsx
 * would add helper calls to a function's source that the page does not have.
 */
const HOLD_WORKERS = `{
  const Real = Worker;
  const held = [];
  window.benchStartWorkers = () => held.splice(0).forEach((start) => start());
  window.Worker = function (url, options) {
    let real = null;
    const stand = {
      onmessage: null,
      onerror: null,
      postMessage(m) {
        start();
        real.postMessage(m);
      },
      terminate() {
        real?.terminate();
      },
    };
    const start = () => {
      if (real) return;
      real = new Real(url, options);
      real.onmessage = (e) => stand.onmessage?.(e);
      real.onerror = (e) => stand.onerror?.(e);
    };
    held.push(start);
    return stand;
  };
}`;

/**
 * The verify page in headless Chromium with the built extension: each file picked through the page's
 * own file input, verified by its worker; "cold" = the first file on a fresh page (worker start, JIT),
 * "warm" = the same file again. The floor is WebCrypto SHA-256 over every signed range in that page,
 * the file already in memory (the ranges are joined first: WebCrypto cannot stream).
 */
async function benchChromium(files: { name: string; file: string }[], rootDer: Uint8Array): Promise<Map<string, ChromiumFigures>> {
  const extensionDir = buildExtensionTrusting([], 'bench-verify');
  const browser = await launchWithExtension({ extensionDir });
  const out = new Map<string, ChromiumFigures>();
  try {
    const url = `chrome-extension://${browser.extensionId}/verify.html`;
    const setup = await browser.context.newPage();
    await setup.goto(url);
    const anchor = { name: 'bench root', fingerprint: createHash('sha256').update(rootDer).digest('hex'), der: Buffer.from(rootDer).toString('base64'), source: 'user' };
    await setup.evaluate((a) => (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }).chrome.storage.local.set({ trustAnchors: [a] }), anchor);
    await setup.close();
    for (const { name, file } of files) {
      const ranges = signedRanges(new Uint8Array(readFileSync(file)));
      const cold: number[] = [];
      const warm: number[] = [];
      const reads: number[] = [];
      const verifies: number[] = [];
      const floors: number[] = [];
      const idles: number[] = [];
      const workerIdles: number[] = [];
      let peakKb = 0;
      let peakByProcess = '';
      const runPeaksMb: number[] = [];
      const runBars: boolean[] = [];
      let verdict = '';
      for (let i = 0; i < CHROMIUM_REPEAT; i++) {
        const page = await browser.context.newPage();
        await page.addInitScript({ content: HOLD_WORKERS });
        await page.goto(url);
        await page.locator('[data-testid=verify-drop]').waitFor();
        await new Promise((r) => setTimeout(r, 300));
        const pids = browserTree(extensionDir);
        const noWorkerKb = rssKb(pids);
        // The page starts its worker at load: the idle point includes it, and what it costs is printed.
        await page.evaluate(() => (window as unknown as { benchStartWorkers(): void }).benchStartWorkers());
        await new Promise((r) => setTimeout(r, 1000));
        const idleByPid = rssByPid(pids);
        const idleKb = rssKb(pids);
        idles.push(idleKb / 1024);
        workerIdles.push((idleKb - noWorkerKb) / 1024);
        // Peak memory of the cold run: a fresh page, its started worker, one file. Sampled every 5 ms:
        // WebCrypto's copy of a 12 MB range lives about 20 ms.
        let sampling = true;
        let runPeakKb = 0;
        const sampler = (async () => {
          while (sampling) {
            const now = rssByPid(pids);
            let kb = 0;
            for (const v of now.values()) kb += v;
            runPeakKb = Math.max(runPeakKb, kb - idleKb);
            if (kb - idleKb > peakKb) {
              peakKb = kb - idleKb;
              const byKind = new Map<string, number>();
              for (const [pid, v] of now) byKind.set(processKind(pid), (byKind.get(processKind(pid)) ?? 0) + v - (idleByPid.get(pid) ?? 0));
              peakByProcess = [...byKind]
                .filter(([, d]) => Math.abs(d) >= 256)
                .sort((a, b) => b[1] - a[1])
                .map(([k, d]) => `${k} ${d >= 0 ? '+' : ''}${(d / 1024).toFixed(1)}`)
                .join(', ');
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        await page.evaluate(() => {
          const w = window as unknown as { benchBar: boolean };
          w.benchBar = false;
          new MutationObserver((_, o) => {
            if (!document.querySelector('[role=progressbar]')) return;
            w.benchBar = true;
            o.disconnect();
          }).observe(document.body, { childList: true, subtree: true });
        });
        for (const into of [cold, warm]) {
          const before = await page.locator('[data-testid=verify-result]').count();
          await page.setInputFiles('[data-testid=verify-file]', file);
          const result = page.locator('[data-testid=verify-result]').first();
          await page.waitForFunction((n) => document.querySelectorAll('[data-testid=verify-result]').length > n, before, { timeout: 600_000 });
          into.push(Number(await result.getAttribute('data-elapsed-ms')));
          verdict = (await result.getAttribute('data-verdict')) ?? '';
          if (into === cold) {
            sampling = false;
            await sampler;
            runPeaksMb.push(runPeakKb / 1024);
            runBars.push(await page.evaluate(() => (window as unknown as { benchBar: boolean }).benchBar));
          } else {
            reads.push(Number(await result.getAttribute('data-read-ms')));
            verifies.push(Number(await result.getAttribute('data-verify-ms')));
          }
        }
        // The floor, in the same page: the file read into memory first, then only the hashing timed.
        await page.evaluate(() => {
          const input = document.createElement('input');
          input.type = 'file';
          input.id = 'bench-floor';
          document.body.append(input);
        });
        await page.setInputFiles('#bench-floor', file);
        floors.push(
          await page.evaluate(async (brs) => {
            const bytes = new Uint8Array(await (document.getElementById('bench-floor') as HTMLInputElement).files![0].arrayBuffer());
            const t0 = performance.now();
            for (const [a, b, c, d] of brs) {
              const joined = new Uint8Array(b + d);
              joined.set(bytes.subarray(a, a + b), 0);
              joined.set(bytes.subarray(c, c + d), b);
              await crypto.subtle.digest('SHA-256', joined);
            }
            return performance.now() - t0;
          }, ranges),
        );
        await page.close();
      }
      out.set(name, { coldMs: median(cold), warmMs: median(warm), readMs: median(reads), verifyMs: median(verifies), floorMs: median(floors), idleMb: median(idles), workerIdleMb: median(workerIdles), peakAboveIdleMb: peakKb / 1024, peakByProcess, runPeaksMb, runBars, verdict });
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** The `verify` script of package.json: what a user runs. */
const VERIFY_SCRIPT = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.verify;

export async function benchVerify(): Promise<void> {
  // BENCH_KEEP=1 keeps the generated files (and says where) for profiling by hand.
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
  try {
    const pki = await makePki('rsa');
    const rootPem = path.join(dir, 'root.pem');
    writeFileSync(rootPem, pem(pki.root.der));
    writeFileSync(path.join(dir, 'root.der'), pki.root.der);
    const inputs = await makeInputs(dir, pki);
    const rows: string[][] = [];
    const base = baselineRssMb();
    const cliPath = path.resolve('server/bin/verify.cjs');
    // The first run after a source change builds the bundle and its code cache: done (and shown) once here.
    const t0 = performance.now();
    const first = spawnSync(process.execPath, [cliPath, '--trust', rootPem, inputs[0].file], { encoding: 'utf8' });
    const firstMs = performance.now() - t0;
    if (first.status !== 0) throw new Error(`npm run verify failed: ${first.stderr.slice(0, 500)}`);
    const load0 = readFileSync('/proc/loadavg', 'utf8').trim();
    const ticks0 = cpuTicks();
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    let idleNode: ProcessFigures | undefined;
    let idleNodeNoCa: ProcessFigures | undefined;
    const fmt = (f: ProcessFigures | undefined) => (f?.ok ? `${f.ms.toFixed(0)} / ${f.cpuMs.toFixed(0)} ms, ${f.maxRssMb.toFixed(0)} MB` : 'n/a');
    for (const { name, file } of inputs) {
      const bytes = new Uint8Array(readFileSync(file));
      const ours = timeOurs(file, path.join(dir, 'root.der'));
      // `npm run verify` is timed as npm runs it, through sh -c, minus npm's own start-up.
      const commands: Record<string, [string, ...string[]]> = {
        cli: ['sh', '-c', `${VERIFY_SCRIPT} --trust '${rootPem}' '${file}'`],
        pdfsig: ['pdfsig', file],
        mutool: ['mutool', 'sign', '-v', file],
        node: [process.execPath, '-e', '0'],
      };
      if (extraCa) {
        commands.cliWithCa = [process.execPath, cliPath, '--trust', rootPem, file];
        commands.nodeNoCa = ['env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0'];
      }
      const t = timeProcesses(commands, PROCESS_ROUNDS);
      idleNode = t.node;
      idleNodeNoCa = t.nodeNoCa;
      const fl = floor(bytes);
      const mb = bytes.length / 1024 / 1024;
      const above = t.cli.maxRssMb - (t.nodeNoCa ?? t.node).maxRssMb;
      rows.push([
        name,
        `${mb.toFixed(1)} MB`,
        fmt(t.cli),
        extraCa ? fmt(t.cliWithCa) : '—',
        fmt(t.pdfsig),
        fmt(t.mutool),
        t.pdfsig.ok ? `${(t.cli.ms / t.pdfsig.ms).toFixed(2)}× / ${(t.cli.cpuMs / t.pdfsig.cpuMs).toFixed(2)}×` : 'n/a',
        `+${above.toFixed(0)} MB = ${(above / mb).toFixed(1)}× (target < 3×)`,
        `${ours.coldMs.toFixed(0)} / ${ours.warmMs.toFixed(0)} ms (${ours.verdict})`,
        `${fl.toFixed(0)} ms`,
      ]);
    }
    const head = [
      'file',
      'size',
      'npm run verify: wall / CPU, peak RSS',
      'node verify.cjs with NODE_EXTRA_CA_CERTS',
      'pdfsig',
      'mutool sign -v',
      'verify ÷ pdfsig (wall / CPU)',
      'verify peak RSS above idle Node (× file)',
      'core in-process cold / warm',
      'SHA-256 floor',
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    const ticks1 = cpuTicks();
    const stealPct = (100 * (ticks1.steal - ticks0.steal)) / Math.max(1, ticks1.total - ticks0.total);
    console.log(`\nProcesses: median of ${PROCESS_ROUNDS} rounds, each round running every command once in turn; CPU = user + system.`);
    console.log(`Idle Node (node -e 0) in the same rounds: ${fmt(idleNode)}${extraCa ? `; with NODE_EXTRA_CA_CERTS unset: ${fmt(idleNodeNoCa)}` : ''}.`);
    if (extraCa) {
      console.log('NODE_EXTRA_CA_CERTS is set in this environment: Node parses that CA file at start-up, before any of our code runs.');
      console.log('The verifier opens no connection, so `npm run verify` starts Node without it (package.json); the column beside shows the cost.');
    }
    console.log(`First run of the CLI in this bench (it builds the bundle and the V8 code cache when sources changed): ${firstMs.toFixed(0)} ms.`);
    console.log(`Load average before: ${load0}; after: ${readFileSync('/proc/loadavg', 'utf8').trim()} (${os.cpus().length} cores); CPU time stolen by the hypervisor during the process timings: ${stealPct.toFixed(1)}%.`);
    console.log('');

    if (process.argv.includes('--node-only')) return;
    const chromium = await benchChromium(inputs, pki.root.der);
    const crows = inputs.map(({ name, file }) => {
      const c = chromium.get(name)!;
      const mb = statSync(file).size / 1024 / 1024;
      return [
        name,
        `${mb.toFixed(1)} MB`,
        `${c.coldMs.toFixed(0)} / ${c.warmMs.toFixed(0)} ms (${c.verdict})`,
        `${c.readMs.toFixed(0)} + ${c.verifyMs.toFixed(0)} ms`,
        `${c.floorMs.toFixed(0)} ms`,
        `${(c.warmMs / c.floorMs).toFixed(1)}× / ${(c.verifyMs / c.floorMs).toFixed(1)}× (target ≤ 2×)`,
        `+${c.peakAboveIdleMb.toFixed(0)} MB = ${(c.peakAboveIdleMb / mb).toFixed(1)}× (target < 3×)`,
        `${c.idleMb.toFixed(0)} MB, of which worker +${c.workerIdleMb.toFixed(0)} MB`,
        `+${(c.peakAboveIdleMb + c.workerIdleMb).toFixed(0)} MB = ${((c.peakAboveIdleMb + c.workerIdleMb) / mb).toFixed(1)}×`,
      ];
    });
    const chead = ['Chromium: file', 'size', 'verify page cold / warm', 'warm: read + verify', 'WebCrypto floor', 'warm ÷ floor / verify ÷ floor', 'peak browser RSS above idle, cold run (× file)', 'idle page (worker started at load)', 'peak above the page before its worker'];
    const cwidths = chead.map((h, i) => Math.max(h.length, ...crows.map((r) => r[i].length)));
    const cline = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(cwidths[i])).join(' | ')} |`;
    console.log('');
    console.log(cline(chead));
    console.log(`|${cwidths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of crows) console.log(cline(r));
    console.log(`\n"core in-process": median of ${REPEAT} fresh Node + tsx processes; "cold" = read + first verification, "warm" = a second`);
    console.log(`one in that process (idle Node + tsx peak RSS: ${base.toFixed(0)} MB). pdfsig: default NSS db (no custom trust); mutool: no trust at all.`);
    console.log(`Chromium: median of ${CHROMIUM_REPEAT} fresh verify pages; time from picking the file to the report (read + worker + render),`);
    console.log('"cold" = first file on the page, "warm" = the same file again; "read" = the file into the worker\'s memory, "verify" = the core on');
    console.log('those bytes. Floor: WebCrypto SHA-256 of every signed range (ranges joined; file already in memory). Peak = summed RSS');
    console.log('of the browser\'s processes above the idle page during the cold run, sampled every 5 ms. The verify page starts its worker');
    console.log('at load: the idle page includes it (measured by holding the worker back, then starting it; the last column adds it back).');
    console.log('Peak of each cold run in order (MB above idle; "bar": the page showed its progress display, which it does at once');
    console.log('from 32 MB and otherwise once a verification has taken 500 ms), and at the highest peak, by process:');
    for (const { name } of inputs) {
      const c = chromium.get(name)!;
      console.log(`  ${name}: ${c.runPeaksMb.map((p, i) => `+${p.toFixed(1)}${c.runBars[i] ? ' (bar)' : ''}`).join(', ')}; ${c.peakByProcess}`);
    }
  } finally {
    if (process.env.BENCH_KEEP) console.log(`files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchVerify().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
