/**
 * `npm run bench -- verify` (or `npx tsx test/bench/verify.ts`): the validation core against pdfsig and
 * `mutool sign -v` on the same files in the same run, next to the floor (SHA-256 of every signed range).
 * Inputs are generated in a temp dir: a 12 MB PDF with three approval signatures, a DSS and a document
 * timestamp (B-LTA), and a 100 MB signed PDF. Node only: the headless-Chromium half (verify page) is
 * not part of this round — the verify page does not exist yet.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openPdf } from '../../shared/pdf/index.js';
import { buildPdf } from '../pdf/helpers/build.js';
import { makeCrl, makePki, pem, type Pki } from '../verify/helpers/pki.js';
import { addDss, signPdf, streamObject } from '../verify/helpers/signer.js';

const REPEAT = 5;

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

function timeProcess(cmd: string, args: string[]): { ms: number; ok: boolean; out: string } {
  const times: number[] = [];
  let ok = true;
  let out = '';
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    ok &&= r.error === undefined;
    out = `${r.stdout}${r.stderr}`;
  }
  return { ms: median(times), ok, out };
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

/** The floor: SHA-256 over every signature's signed ranges, file already in memory. */
function floor(bytes: Uint8Array): number {
  const doc = openPdf(bytes);
  const ranges: number[][] = [];
  for (const f of doc.fields()) {
    const v = doc.dict(f.dict.get('V'));
    const br = v ? doc.resolve(v.get('ByteRange')) : undefined;
    if (Array.isArray(br) && br.length === 4) ranges.push(br as number[]);
  }
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    for (const [a, b, c, d] of ranges) createHash('sha256').update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function makeInputs(dir: string, pki: Pki): Promise<{ name: string; file: string }[]> {
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

export async function benchVerify(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
  try {
    const pki = await makePki('rsa');
    const rootPem = path.join(dir, 'root.pem');
    writeFileSync(rootPem, pem(pki.root.der));
    writeFileSync(path.join(dir, 'root.der'), pki.root.der);
    const inputs = await makeInputs(dir, pki);
    const rows: string[][] = [];
    const base = baselineRssMb();
    for (const { name, file } of inputs) {
      const bytes = new Uint8Array(readFileSync(file));
      const ours = timeOurs(file, path.join(dir, 'root.der'));
      const cli = timeProcess(process.execPath, ['--import', 'tsx', path.resolve('server/verify-cli.ts'), '--trust', rootPem, file]);
      const pdfsig = timeProcess('pdfsig', [file]);
      const mutool = timeProcess('mutool', ['sign', '-v', file]);
      const fl = floor(bytes);
      const mb = bytes.length / 1024 / 1024;
      rows.push([
        name,
        `${mb.toFixed(1)} MB`,
        `${ours.coldMs.toFixed(0)} / ${ours.warmMs.toFixed(0)} ms (${ours.verdict})`,
        `${cli.ms.toFixed(0)} ms`,
        pdfsig.ok ? `${pdfsig.ms.toFixed(0)} ms` : 'n/a',
        mutool.ok ? `${mutool.ms.toFixed(0)} ms` : 'n/a',
        `${fl.toFixed(0)} ms`,
        `${ours.maxRssMb.toFixed(0)} MB; +${(ours.maxRssMb - base).toFixed(0)} MB = ${((ours.maxRssMb - base) / mb).toFixed(1)}×`,
      ]);
    }
    const head = ['file', 'size', 'ours cold / warm', 'ours (CLI process)', 'pdfsig', 'mutool sign -v', 'SHA-256 floor', 'peak RSS; above idle Node (× file)'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log(`\nmedian of ${REPEAT} runs each. "ours cold" = read + first verification in a fresh Node process (Node's streaming SHA),`);
    console.log(`"warm" = a second verification in that process. Idle Node + tsx peak RSS: ${base.toFixed(0)} MB.`);
    console.log('"CLI process" includes Node + tsx start-up. pdfsig: default NSS db (no custom trust); mutool: no trust at all.');
    console.log('Headless Chromium (verify page, WebCrypto floor): not measured in this round — the verify page is not built yet.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchVerify().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
