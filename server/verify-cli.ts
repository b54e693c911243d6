/**
 * `npm run verify -- [--json] [--trust root.pem]... [--at ISO-time] [--lang ja|en] file.pdf...`
 * The validation core on the command line: an Adobe-style panel (Japanese when LANG starts with "ja")
 * or the JSON of DESIGN.md §3. Exit 0 only when every file is valid / valid-with-changes. Never a stack
 * trace: every failure becomes a clear message.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PANEL, formatMessage, type Lang } from '../shared/i18n/verify.js';
import { verifyPdf, type DigestFn, type VerificationReport } from '../shared/verify/index.js';
import { summaryLines, versionHeading } from '../shared/verify/summary.js';

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

/** Streaming hash over the signed ranges: no copy of the file (WebCrypto cannot stream). */
const nodeDigest: DigestFn = async (alg, parts) => {
  const h = createHash(alg.replace('-', '').toLowerCase());
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
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
      lines.push(`    ${t(lang, PANEL.change)} (v${c.revision}, ${c.kind}): ${where}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
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
      data = await readFile(f);
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
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (e) {
      const msg = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`;
      allGood = false;
      results.push({ file, error: msg, verdict: 'invalid', signatures: [], problems: [], revisions: 0, pageCount: null });
      if (!args.json) console.error(`error: ${msg}`);
      continue;
    }
    const report = await verifyPdf(bytes, { trustAnchors: anchors, at: args.at, digest: nodeDigest });
    if (report.verdict !== 'valid' && report.verdict !== 'valid-with-changes') allGood = false;
    results.push({ file, ...report });
    if (!args.json) console.log(`${panel(file, report, args.lang)}\n`);
  }
  if (args.json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
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
