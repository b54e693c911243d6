import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../shared/pdf/index.js';
import { verifyPdf } from '../../shared/verify/index.js';
import { simplePdf } from '../pdf/helpers/build.js';
import { makeCrl, makePki, type Pki } from './helpers/pki.js';
import { addDss, signPdf } from './helpers/signer.js';

const MUTATIONS = 2000;

/** Deterministic PRNG (mulberry32): a failure is reproducible from its index. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Base {
  name: string;
  bytes: Uint8Array;
  /** Signed ranges of every signature: [start, end) pairs. */
  signed: [number, number][];
  /** The /Contents hex strings (CMS), [start, end). */
  gaps: [number, number][];
  /** Regions holding xref sections and trailers. */
  xref: [number, number][];
  /** Where each revision ends (after %%EOF). */
  revisionEnds: number[];
}

let pki: Pki;
const bases: Base[] = [];

async function describeBase(name: string, bytes: Uint8Array): Promise<Base> {
  const r = await verifyPdf(bytes, { trustAnchors: [pki.root.der] });
  expect(r.verdict, `${name}: ${JSON.stringify(r.signatures.map((s) => s.problems.map((p) => p.code)))}`).toBe('valid');
  const signed: [number, number][] = [];
  const gaps: [number, number][] = [];
  for (const s of r.signatures) {
    const [a, b, c, d] = s.byteRange!;
    signed.push([a, a + b], [c, c + d]);
    gaps.push([a + b, c]);
  }
  const text = Buffer.from(bytes).toString('latin1');
  const xref: [number, number][] = [];
  for (const m of text.matchAll(/startxref\s+(\d+)/g)) {
    const start = Number(m[1]);
    xref.push([start, m.index! + m[0].length]);
  }
  return { name, bytes, signed, gaps, xref, revisionEnds: openPdf(bytes).revisions.map((rev) => rev.end) };
}

/** Length without trailing end-of-line / space bytes. */
function trimmedLength(b: Uint8Array, len: number): number {
  while (len > 0 && (b[len - 1] === 0x0a || b[len - 1] === 0x0d || b[len - 1] === 0x20)) len--;
  return len;
}

/**
 * Do the first `len` bytes hold the revision that ends at `end`: all of it but trailing whitespace, or
 * cut inside its final %%EOF marker (readers do not need the marker to find the xref)?
 */
function endsRevision(b: Uint8Array, len: number, end: number): boolean {
  if (trimmedLength(b, end) === trimmedLength(b, len)) return true;
  if (len > end) return false;
  const tail = Buffer.from(b.subarray(len, end)).toString('latin1');
  return /^(?:%?%?EOF|OF|F)[\r\n ]*$/.test(tail) && Buffer.from(b.subarray(len - 12, len)).toString('latin1').includes('\n');
}

const within = (pos: number, ranges: [number, number][]) => ranges.some(([s, e]) => pos >= s && pos < e);

type Mutation = { kind: string; bytes: Uint8Array; touched: [number, number] };

function mutate(base: Base, r: () => number): Mutation {
  const src = base.bytes;
  const pick = (ranges: [number, number][]) => {
    const [s, e] = ranges[Math.floor(r() * ranges.length)];
    return s + Math.floor(r() * Math.max(1, e - s));
  };
  const x = r();
  if (x < 0.35) {
    const pos = Math.floor(r() * src.length);
    const out = src.slice();
    out[pos] ^= 1 << Math.floor(r() * 8);
    return { kind: 'bit flip', bytes: out, touched: [pos, pos + 1] };
  }
  if (x < 0.55) {
    const pos = pick(base.xref);
    const out = src.slice();
    out[pos] ^= 1 << Math.floor(r() * 8);
    return { kind: 'xref/trailer flip', bytes: out, touched: [pos, pos + 1] };
  }
  if (x < 0.7) {
    // inside the CMS: replace one hex digit of the DER part by another hex digit
    const [s] = base.gaps[Math.floor(r() * base.gaps.length)];
    const pos = s + 1 + Math.floor(r() * 1200);
    const out = src.slice();
    const hex = '0123456789abcdef';
    out[pos] = hex.charCodeAt((hex.indexOf(String.fromCharCode(out[pos])) + 1 + Math.floor(r() * 15)) % 16);
    return { kind: 'CMS', bytes: out, touched: [pos, pos + 1] };
  }
  if (x < 0.85) {
    const len = Math.floor(r() * src.length);
    return { kind: 'truncation', bytes: src.slice(0, len), touched: [len, src.length] };
  }
  const pos = pick(base.xref);
  const n = 1 + Math.floor(r() * 40);
  const out = new Uint8Array(src.length - Math.min(n, src.length - pos));
  out.set(src.subarray(0, pos));
  out.set(src.subarray(pos + n), pos);
  return { kind: 'xref/trailer deletion', bytes: out, touched: [pos, src.length] };
}

beforeAll(async () => {
  pki = await makePki();
  let lta = await signPdf(simplePdf(2), { pki, field: 'Approval1', timestamp: true, contentsBytes: 4000 });
  lta = await signPdf(lta, { pki, field: 'Approval2', contentsBytes: 4000 });
  lta = addDss(lta, { certs: [pki.signer.der, pki.tsa.der, pki.root.der], crls: [await makeCrl(pki.root)] });
  lta = await signPdf(lta, { pki, kind: 'timestamp', field: 'DocTs', contentsBytes: 4000 });
  bases.push(await describeBase('B-LTA, xref tables', lta));
  const stream = await signPdf(simplePdf(3, 'stream'), { pki, field: 'Approval1', contentsBytes: 4000 });
  bases.push(await describeBase('one signature, xref stream', stream));
});

describe('fuzzing the verifier', () => {
  it('a file cut inside an earlier revision\'s %%EOF marker is that earlier version, as when cut right after it', async () => {
    // Found by the fuzzer: a truncation two bytes short of the DSS revision's end ("…%%EO").
    const base = bases[0];
    for (const end of base.revisionEnds.slice(1, -1)) {
      const at = Buffer.from(base.bytes.subarray(0, end)).toString('latin1').lastIndexOf('%%EOF');
      const whole = await verifyPdf(base.bytes.subarray(0, at + 5), { trustAnchors: [pki.root.der] });
      for (const cut of [at + 4, at + 3, at + 2]) {
        expect(endsRevision(base.bytes, cut, end)).toBe(true);
        const r = await verifyPdf(base.bytes.subarray(0, cut), { trustAnchors: [pki.root.der] });
        expect([r.verdict, r.signatures.map((x) => x.field)], `cut at ${cut}`).toEqual([whole.verdict, whole.signatures.map((x) => x.field)]);
      }
    }
    // Cutting into the xref section before the marker is no such version.
    const end = base.revisionEnds[1];
    const at = Buffer.from(base.bytes.subarray(0, end)).toString('latin1').lastIndexOf('startxref');
    expect(endsRevision(base.bytes, at + 4, end)).toBe(false);
  });

  it(`${MUTATIONS} mutated files: no crash, each under 5 s, never valid when a signed byte changed`, async () => {
    const r = rng(20250401);
    const verdicts: Record<string, number> = {};
    let insideSigned = 0;
    let slowest = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const base = bases[i % bases.length];
      const m = mutate(base, r);
      const t0 = performance.now();
      const report = await verifyPdf(m.bytes, { trustAnchors: [pki.root.der] });
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      expect(ms, `#${i} ${m.kind}`).toBeLessThan(5000);
      expect(['valid', 'valid-with-changes', 'invalid', 'unknown-trust', 'unsigned'], `#${i}`).toContain(report.verdict);
      verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
      let touchesSigned = false;
      for (let p = m.touched[0]; p < m.touched[1] && !touchesSigned; p++) touchesSigned = within(p, base.signed);
      // A truncation that leaves an earlier revision (plus whitespace, or with its %%EOF marker cut short)
      // is that earlier, validly signed version of the document: incremental updates cannot prove that
      // later ones existed.
      const earlierVersion = m.kind === 'truncation' && base.revisionEnds.some((end) => endsRevision(base.bytes, m.bytes.length, end));
      if (touchesSigned && !earlierVersion) {
        insideSigned++;
        if (!['invalid', 'unsigned'].includes(report.verdict)) {
          // keep the evidence: the mutated file and its base, for a reproducible report
          writeFileSync(path.join(tmpdir(), `verify-fuzz-${i}.pdf`), m.bytes);
          writeFileSync(path.join(tmpdir(), `verify-fuzz-${i}.base.pdf`), base.bytes);
        }
        expect(['invalid', 'unsigned'], `#${i} ${m.kind} at ${m.touched[0]} in ${base.name}`).toContain(report.verdict);
      }
    }
    // The assertion above must really have been exercised, and not every mutation broke the file.
    expect(insideSigned).toBeGreaterThan(MUTATIONS / 2);
    expect(verdicts.invalid).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(5000);
  }, 240_000);
});
