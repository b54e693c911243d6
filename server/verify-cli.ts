/**
 * `npm run verify -- [--json] [--trust root.pem]... [--at ISO-time] [--lang ja|en] file.pdf...`
 * The validation core on the command line: an Adobe-style panel (Japanese when LANG starts with "ja")
 * or the JSON of DESIGN.md §3. Exit 0 only when every file is valid / valid-with-changes. Never a stack
 * trace: every failure becomes a clear message.
 */
import { constants, createHash, createPublicKey, verify as nodeVerify, type Hash, type KeyObject } from 'node:crypto';
import { close, fstatSync, open, read, readFileSync, writeSync } from 'node:fs';
import { PANEL, formatMessage, type Lang } from '../shared/i18n/verify.js';
import { useSignatureBackend, verifyPdf, type DigestFn, type SignatureBackend, type VerificationReport } from '../shared/verify/index.js';
import { changeNote, summaryLines, versionHeading } from '../shared/verify/summary.js';

interface Args {
  json: boolean;
  trust: string[];
  at?: Date;
  lang: Lang;
  files: string[];
}

class UsageError extends Error {}

const USAGE = 'usage: npm run verify -- [--json] [--trust root.pem]... [--at ISO-time] [--lang ja|en] file.pdf...';

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, trust: [], lang: (process.env.LC_ALL || process.env.LANG || '').startsWith('ja') ? 'ja' : 'en', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--trust') args.trust.push(value());
    else if (a === '--at') {
      const v = value();
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new UsageError(`--at: not a time: ${v}`);
      args.at = d;
    } else if (a === '--lang') {
      const v = value();
      if (v !== 'ja' && v !== 'en') throw new UsageError('--lang must be ja or en');
      args.lang = v;
    } else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else args.files.push(a);
  }
  if (args.files.length === 0) throw new UsageError('no PDF file given');
  return args;
}

/** PEM (one or more certificates) or DER. */
function certificatesIn(data: Buffer, file: string): Uint8Array[] {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN')) {
    const out = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
      (m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')),
    );
    if (out.length === 0) throw new UsageError(`${file}: no certificate in this PEM file`);
    return out;
  }
  if (data[0] !== 0x30) throw new UsageError(`${file}: neither a PEM nor a DER certificate`);
  return [new Uint8Array(data)];
}

interface Checkpoint {
  /** The hash state after bytes [0, end) of the file. */
  end: number;
  hash: Hash;
}

const promised =
  <T>(f: (cb: (err: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));

/**
 * The whole file into one buffer, hashing (SHA-256, what nearly every signature uses) the prefix read so
 * far while the next chunk is being read: the read runs on libuv's thread pool, the hash on the main
 * thread, so the two overlap on a second core. Every signature's first range is a prefix of the file, so
 * its hash later starts from the nearest of these checkpoints instead of byte 0.
 */
async function readHashing(file: string): Promise<{ bytes: Uint8Array; prefixes: Checkpoint[] }> {
  const fd = await promised<number>((cb) => open(file, 'r', cb));
  try {
    const size = fstatSync(fd).size;
    if (size < 1024 * 1024) {
      const data = readFileSync(fd);
      return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefixes: [] };
    }
    const buf = Buffer.allocUnsafe(size);
    const chunk = Math.max(4 * 1024 * 1024, Math.ceil(size / 128));
    const readAt = (pos: number) => promised<number>((cb) => read(fd, buf, pos, Math.min(chunk, size - pos), pos, cb));
    const h = createHash('sha256');
    const prefixes: Checkpoint[] = [];
    let done = 0;
    let pending = readAt(0);
    while (done < size) {
      const n = await pending;
      if (n === 0) break; // the file shrank while we read: verify what is there
      const end = done + n;
      if (end < size) pending = readAt(end);
      h.update(buf.subarray(done, end));
      prefixes.push({ end, hash: h.copy() });
      done = end;
    }
    return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, done), prefixes };
  } finally {
    close(fd, () => {});
  }
}

/**
 * Streaming hashes over the signed ranges, straight from the file's bytes (no copy; WebCrypto cannot
 * stream). Every signature's first range starts at byte 0 and contains every earlier revision, so the
 * hash state at the end of each first range is kept (Hash.copy()): a document with N approvals hashes
 * its common prefix once instead of N times. The digests are the same; only repeated work goes.
 */
function fileDigest(file: Uint8Array, sha256Prefixes: Checkpoint[] = []): DigestFn {
  const checkpoints = new Map<string, Checkpoint[]>([['sha256', [...sha256Prefixes]]]);
  return async (alg, parts) => {
    const name = alg.replace('-', '').toLowerCase();
    const [first, ...rest] = parts;
    let h: Hash;
    if (first && first.buffer === file.buffer && first.byteOffset === file.byteOffset && first.length >= 64 * 1024) {
      const list = checkpoints.get(name) ?? [];
      let best: Checkpoint | undefined;
      for (const c of list) if (c.end <= first.length && (!best || c.end > best.end)) best = c;
      h = best ? best.hash.copy() : createHash(name);
      h.update(file.subarray(best?.end ?? 0, first.length));
      if (list.length < 256 && best?.end !== first.length) list.push({ end: first.length, hash: h.copy() });
      checkpoints.set(name, list);
    } else {
      h = createHash(name);
      if (first) h.update(first);
    }
    for (const p of rest) h.update(p);
    return new Uint8Array(h.digest());
  };
}

/** Signature checks with node:crypto (OpenSSL) directly: Node's WebCrypto layer costs start-up time. */
const publicKeys = new Map<string, KeyObject>();
const nodeSignatures: SignatureBackend = {
  async verify({ kind, hash, saltLength, spki, data, signature }) {
    const der = Buffer.from(spki.buffer, spki.byteOffset, spki.length); // a view, not a copy
    const id = der.toString('latin1');
    let key = publicKeys.get(id);
    if (!key) publicKeys.set(id, (key = createPublicKey({ key: der, format: 'der', type: 'spki' })));
    const alg = kind === 'ed25519' ? null : (hash ?? 'SHA-256').replace('-', '').toLowerCase();
    try {
      if (kind === 'rsa') return nodeVerify(alg, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      if (kind === 'rsa-pss') return nodeVerify(alg, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
      if (kind === 'ecdsa') return nodeVerify(alg, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      return nodeVerify(null, data, key, signature);
    } catch {
      return false; // a malformed signature value verifies nothing (as WebCrypto answers)
    }
  },
};

function t(lang: Lang, key: { ja: string; en: string }, params: Record<string, string | number> = {}): string {
  return formatMessage(key, lang, params);
}

function panel(file: string, r: VerificationReport, lang: Lang): string {
  const lines: string[] = [file, `  ${t(lang, PANEL.verdict[r.verdict])}`];
  for (const p of r.problems) lines.push(`  ${p.severity === 'error' ? '✗' : '!'} ${p.message[lang]}`);
  for (const s of r.signatures) {
    lines.push('', `  ${versionHeading(s, lang)}  [${s.field}]`);
    for (const line of summaryLines(s, lang)) lines.push(`    ${line.text}`);
    const m = s.modificationsAfter;
    for (const p of s.problems) if (p.severity !== 'info') lines.push(`    ${p.severity === 'error' ? '✗' : '!'} ${p.message[lang]}`);
    for (const c of m.changes.filter((x) => x.level === 'other' || x.level === 'annotations' || x.kind === 'form-fill').slice(0, 20)) {
      const where = [c.page ? `p.${c.page}` : '', c.annotationType ?? '', c.rect ? `[${c.rect.join(' ')}]` : '', c.field ?? '', c.object !== undefined ? `obj ${c.object}` : '', c.detail ?? '']
        .filter(Boolean)
        .join(' ');
      lines.push(`    ${t(lang, PANEL.change)} (v${c.revision}, ${c.kind}): ${where}${changeNote(c, lang)}`);
    }
  }
  return lines.join('\n');
}

/**
 * Standard output written straight to fd 1: process.stdout would first build a stream (and load the
 * net/tty machinery), a noticeable part of a one-file run. Falls back to the stream when fd 1 is
 * non-blocking and full.
 */
function out(text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(1, buf, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return; // the reader went away (`| head`)
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(buf.subarray(off));
  }
}

async function main(): Promise<number> {
  useSignatureBackend(nodeSignatures);
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`error: ${e.message}`);
      console.error(USAGE);
      return 1;
    }
    throw e;
  }
  const anchors: Uint8Array[] = [];
  for (const f of args.trust) {
    let data: Buffer;
    try {
      data = readFileSync(f);
    } catch (e) {
      console.error(`error: cannot read trust file ${f}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      return 1;
    }
    try {
      anchors.push(...certificatesIn(data, f));
    } catch (e) {
      console.error(`error: ${(e as Error).message}`);
      return 1;
    }
  }
  let allGood = true;
  const results: (VerificationReport & { file: string; error?: string })[] = [];
  for (const file of args.files) {
    let bytes: Uint8Array;
    let prefixes: Checkpoint[];
    try {
      ({ bytes, prefixes } = await readHashing(file));
    } catch (e) {
      const msg = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`;
      allGood = false;
      results.push({ file, error: msg, verdict: 'invalid', signatures: [], problems: [], revisions: 0, pageCount: null });
      if (!args.json) console.error(`error: ${msg}`);
      continue;
    }
    const report = await verifyPdf(bytes, { trustAnchors: anchors, at: args.at, digest: fileDigest(bytes, prefixes) });
    if (report.verdict !== 'valid' && report.verdict !== 'valid-with-changes') allGood = false;
    results.push({ file, ...report });
    if (!args.json) out(`${panel(file, report, args.lang)}\n\n`);
  }
  if (args.json) out(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  return allGood ? 0 : 1;
}

process.on('uncaughtException', (e) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
