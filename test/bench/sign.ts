/**
 * `npm run bench -- sign`: per-approval signing time on (a) a 10-page text PDF, (b) a 100-page 12 MB
 * PDF with images, (c) a 1,000-page PDF; against the floor (SHA-256 of the file + one RSA-2048
 * signature + one TSA signature, node:crypto), pdf-lib load+save of the same file, and the peers
 * `pdfsig -add-signature` (poppler) and `mutool sign` (MuPDF) signing the same files with the same key.
 * Also the peak memory of signing (b), measured in a child process above its own baseline.
 *
 * "ours" is an approval as the server makes it: given the SHA-256 state the server saved with the
 * document's current revision (signing/hash-state.ts), so it hashes only the revision it appends, and
 * returning that revision beside the unchanged input, which the blob store encrypts without joining.
 * Saving the state costs one pass over the file when the revision is written (at send for the first);
 * that cost is printed too, and so is an approval without a saved state.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { createSigningService, type Signing } from '../../server/signing/index.js';

const CACHE = path.join(tmpdir(), 'esign-bench-sign');
const MASTER_KEY = new Uint8Array(32).fill(3);

interface Case {
  label: string;
  file: string;
}

/** Each bench file carries one empty signature field, which `mutool sign` needs to have something to sign. */
function addEmptySignatureField(doc: PDFDocument) {
  const page = doc.getPage(0);
  const ctx = doc.context;
  const widget = ctx.register(
    ctx.obj({ FT: 'Sig', T: PDFString.of('Peer'), Type: 'Annot', Subtype: 'Widget', Rect: [0, 0, 0, 0], F: 132, P: page.ref }),
  );
  page.node.set(PDFName.of('Annots'), ctx.obj([widget]));
  doc.catalog.set(PDFName.of('AcroForm'), ctx.obj({ Fields: [widget], SigFlags: 3 }));
}

async function textPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let l = 0; l < 50; l++) {
      page.drawText(`Page ${p + 1}, line ${l + 1}: the contractor shall perform the services described herein.`, {
        x: 40,
        y: 800 - l * 15,
        size: 10,
        font,
      });
    }
  }
  addEmptySignatureField(doc);
  return doc.save({ useObjectStreams: false });
}

/** 100 pages, each with a 120 KB uncompressible RGB image: ~12 MB. */
async function imagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const ctx = doc.context;
  for (let p = 0; p < 100; p++) {
    const page = doc.addPage([595, 842]);
    const img = ctx.register(
      ctx.stream(randomBytes(200 * 200 * 3), { Type: 'XObject', Subtype: 'Image', Width: 200, Height: 200, ColorSpace: 'DeviceRGB', BitsPerComponent: 8 }),
    );
    page.node.setXObject(PDFName.of('Im0'), img);
    const content = ctx.register(ctx.stream('q 500 0 0 700 47 71 cm /Im0 Do Q'));
    page.node.set(PDFName.of('Contents'), content);
  }
  addEmptySignatureField(doc);
  return doc.save({ useObjectStreams: false });
}

async function files(): Promise<Case[]> {
  mkdirSync(CACHE, { recursive: true });
  const make = async (name: string, build: () => Promise<Uint8Array>) => {
    const file = path.join(CACHE, name);
    if (!existsSync(file)) writeFileSync(file, await build());
    return file;
  };
  return [
    { label: '(a) 10 pages, text', file: await make('a-10-pages.pdf', () => textPdf(10)) },
    { label: '(b) 100 pages, 12 MB images', file: await make('b-100-pages-images.pdf', imagePdf) },
    { label: '(c) 1,000 pages', file: await make('c-1000-pages.pdf', () => textPdf(1000)) },
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  min: number;
  median: number;
}

/** Best and median of `runs` after a warm-up. The machine is shared: the best run is the figure that
 *  noise cannot inflate, so targets are judged on it; the median is shown beside it. The warm-up is a
 *  few calls, so the JIT has compiled the code before (a), the smallest and first file, is timed. */
async function timeIt(runs: number, fn: () => unknown | Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { min: Math.min(...times), median: median(times) };
}

async function signingService(): Promise<Signing> {
  return createSigningService({ dataDir: path.join(CACHE, 'data'), masterKey: MASTER_KEY });
}

/** The signer's key and certificate as PKCS#12, for the peers (NSS database for pdfsig, file for mutool). */
function peerCredentials(signing: Signing): { p12: string; nssdb: string } {
  const dir = path.join(CACHE, 'peer');
  mkdirSync(dir, { recursive: true });
  const p12 = path.join(dir, 'signer.p12');
  const nssdb = path.join(dir, 'nss');
  if (!existsSync(p12)) {
    const key = signing.pki.signer.key as unknown as { pkcs8(): Uint8Array };
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(key.pkcs8()).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
    writeFileSync(path.join(dir, 'key.pem'), keyPem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'chain.pem'), signing.pki.signer.chain.map((c) => c.toString('pem')).join('\n'));
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'chain.pem'), '-name', 'signer', '-passout', 'pass:bench', '-out', p12]);
    mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    execFileSync('pk12util', ['-i', p12, '-d', `sql:${nssdb}`, '-W', 'bench']);
  }
  return { p12, nssdb: `sql:${nssdb}` };
}

function peerTime(cmd: string, args: string[], runs: number): Timing | string {
  const probe = spawnSync(cmd, args, { encoding: 'utf8' });
  if (probe.status !== 0) return `failed: ${(probe.stderr || probe.stdout).trim().split('\n')[0]}`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    spawnSync(cmd, args);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { min: Math.min(...times), median: median(times) };
}

/**
 * Child-process mode: sign `file` once after a warm-up and report how much resident memory reading and
 * signing it needs above the process's own baseline (code loaded, warmed up, collected): the input
 * buffer, the output and everything in between. The baseline is taken before the file is read: taken
 * after, it hid the output in heap pages the freed read buffer had left resident (glibc raises its mmap
 * threshold after freeing a large block), and the figure came out as "0 MB added".
 * Linux lets a process reset its high-water mark (`5` > /proc/self/clear_refs); VmHWM is the larger of
 * that mark and the current RSS, and the input and output are still held when it is read.
 */
async function memoryChild(file: string) {
  const signing = await signingService();
  const small = readFileSync(path.join(CACHE, 'a-10-pages.pdf'));
  const approve = (pdf: Uint8Array, hashState: string | null) =>
    signing.service.approve({ pdf, hashState, documentId: 'b', signerName: 'Bench', signerEmail: 'b@example.jp', approvedAt: new Date(), fieldValues: [] });
  await approve(small, signing.service.documentHash(small).hashState);
  (globalThis as { gc?: () => void }).gc?.();
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
  writeFileSync('/proc/self/clear_refs', '5');
  const baseline = kb('VmRSS');
  const pdf = readFileSync(file);
  const { hashState } = signing.service.documentHash(pdf); // saved when this revision was written, in the server
  const out = await approve(pdf, hashState);
  const peak = kb('VmHWM');
  process.stdout.write(
    JSON.stringify({ baseline, peak, delta: peak - baseline, input: pdf.length, out: out.prefix.length + out.appended.length }),
  );
}

export async function benchSign(): Promise<void> {
  const cases = await files();
  const signing = await signingService();
  const peers = peerCredentials(signing);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rows: Record<string, string>[] = [];
  const ms = (v: Timing | string) => (typeof v === 'string' ? v : `${v.min.toFixed(1)} (${v.median.toFixed(1)})`);
  const results: Record<string, { ours: number; floor: number; sha: number; peers: number[] }> = {};
  for (const c of cases) {
    const pdf = new Uint8Array(readFileSync(c.file));
    const runs = pdf.length > 5_000_000 ? 11 : 25;
    const approve = (hashState: string | null) =>
      signing.service.approve({ pdf, hashState, documentId: 'b', signerName: 'Bench', signerEmail: 'b@example.jp', approvedAt: new Date(), fieldValues: [] });
    const saveState = await timeIt(3, () => signing.service.documentHash(pdf));
    const { hashState } = signing.service.documentHash(pdf);
    const ours = await timeIt(runs, () => approve(hashState));
    const cold = await timeIt(3, () => approve(null));
    const sha = await timeIt(runs, () => createHash('sha256').update(pdf).digest());
    const floor = await timeIt(runs, () => {
      const digest = createHash('sha256').update(pdf).digest();
      sign('sha256', digest, privateKey); // the CMS signature
      sign('sha256', randomBytes(64), privateKey); // the TSA's token signature
    });
    const pdfLib = await timeIt(3, async () => (await PDFDocument.load(pdf, { updateMetadata: false })).save());
    const out = path.join(CACHE, 'peer-out.pdf');
    const pdfsig = peerTime('pdfsig', ['-add-signature', '-nssdir', peers.nssdb, '-nick', 'signer', '-new-signature-field-name', 'B', c.file, out], 3);
    const mutool = peerTime('mutool', ['sign', '-s', peers.p12, '-P', 'bench', '-o', out, c.file], 3);
    const peerMins = [pdfsig, mutool].map((p) => (typeof p === 'string' ? Number.NaN : p.min));
    results[c.label] = { ours: ours.min, floor: floor.min, sha: sha.min, peers: peerMins };
    rows.push({
      file: c.label,
      size: `${(pdf.length / 1024 / 1024).toFixed(1)} MB`,
      'ours (ms)': ms(ours),
      'floor (ms)': ms(floor),
      'ours/floor': (ours.min / floor.min).toFixed(2),
      'SHA-256 of file (ms)': ms(sha),
      'saving its hash state (ms, once per revision written)': ms(saveState),
      'ours without a saved state (ms)': ms(cold),
      'pdf-lib load+save (ms)': ms(pdfLib),
      'pdfsig -add-signature (ms)': ms(pdfsig),
      'mutool sign (ms)': ms(mutool),
    });
  }
  console.log('best of N (median in parentheses), milliseconds per approval signature');
  console.log(`load average while measuring (the machine is shared): ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.table(rows);
  const [a, b, c] = cases.map((x) => results[x.label]);
  const mem = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--memory-child', cases[1].file], {
    encoding: 'utf8',
  });
  const m = mem.status === 0 ? (JSON.parse(mem.stdout.trim().split('\n').pop()!) as { delta: number; peak: number; input: number }) : undefined;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(`targets: (b) ours ≤ 2× floor: ${(b.ours / b.floor).toFixed(2)}× ${b.ours <= 2 * b.floor ? 'OK' : 'MISSED'}`);
  console.log(`         (c) ours ≤ 2× (a): ${(c.ours / a.ours).toFixed(2)}× ${c.ours <= 2 * a.ours ? 'OK' : 'MISSED'}`);
  // For scale: (c)'s SHA-256 alone, which an approval that hashed the whole file would pay on top of (a).
  console.log(`             SHA-256 of (c) alone: ${c.sha.toFixed(2)} ms = ${(c.sha / a.ours).toFixed(2)}× (a) (not paid per approval: the hash resumes from the saved state)`);
  const faster = Object.values(results).every((r) => r.peers.every((p) => r.ours < p));
  console.log(`         faster than pdfsig and mutool on every file: ${faster ? 'OK' : 'MISSED'}`);
  console.log(
    m
      ? `         (b) peak memory of reading and signing the ${mb(m.input)} file: ${mb(m.delta)} above the process's baseline = ${(m.delta / m.input).toFixed(2)}× the file (input and output included; target < 3×) ${m.delta < 3 * m.input ? 'OK' : 'MISSED'}`
      : `         (b) memory child failed: ${mem.stderr.split('\n').slice(0, 3).join(' ')}`,
  );
}

if (process.argv[2] === '--memory-child') await memoryChild(process.argv[3]);
