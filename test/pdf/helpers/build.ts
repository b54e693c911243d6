/**
 * Tiny PDF writer for tests: classic or xref-stream files from object bodies, and incremental
 * updates appended to existing bytes. Offsets are computed, so files are well-formed unless a test
 * breaks them on purpose.
 */
import { deflateSync } from 'node:zlib';

const enc = new TextEncoder();

export type Body = string | Uint8Array;

export interface BuildOptions {
  /** Object bodies by number (without `n 0 obj` / `endobj`). */
  objects: Record<number, Body>;
  root?: number;
  xref?: 'table' | 'stream';
  extraTrailer?: string;
}

function concat(parts: (string | Uint8Array)[]): Uint8Array {
  const bufs = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bufs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

export function bytesOf(...parts: (string | Uint8Array)[]): Uint8Array {
  return concat(parts);
}

/** A stream object body with correct /Length. */
export function stream(dict: string, data: Body, compress = false): Uint8Array {
  let d = typeof data === 'string' ? enc.encode(data) : data;
  let extra = '';
  if (compress) {
    d = new Uint8Array(deflateSync(d));
    extra = '/Filter /FlateDecode';
  }
  return concat([`<<${dict} ${extra} /Length ${d.length}>>\nstream\n`, d, '\nendstream']);
}

function section(start: number, objects: Record<number, Body>, kind: 'table' | 'stream', trailer: string, size: number, first: boolean): { bytes: Uint8Array } {
  const nums = Object.keys(objects).map(Number).sort((a, b) => a - b);
  const parts: (string | Uint8Array)[] = [];
  const offsets = new Map<number, number>();
  let pos = start;
  for (const n of nums) {
    const chunk = concat([`${n} 0 obj\n`, objects[n], '\nendobj\n']);
    offsets.set(n, pos);
    parts.push(chunk);
    pos += chunk.length;
  }
  const xrefAt = pos;
  if (kind === 'table') {
    let x = 'xref\n';
    const groups: number[][] = [];
    for (const n of nums) {
      const g = groups[groups.length - 1];
      if (g && g[g.length - 1] === n - 1) g.push(n);
      else groups.push([n]);
    }
    if (first) x += '0 1\n0000000000 65535 f \n';
    for (const g of groups) {
      x += `${g[0]} ${g.length}\n`;
      for (const n of g) x += `${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`;
    }
    x += `trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    parts.push(x);
  } else {
    const xnum = size - 1;
    const all = [...nums, xnum];
    offsets.set(xnum, xrefAt);
    const rows = new Uint8Array(all.length * 6 + (first ? 6 : 0));
    let r = 0;
    const index: number[] = [];
    if (first) {
      rows.set([0, 0, 0, 0, 0xff, 0xff], 0);
      r = 6;
      index.push(0, 1);
    }
    for (const n of all) {
      const o = offsets.get(n)!;
      rows.set([1, (o >>> 24) & 0xff, (o >>> 16) & 0xff, (o >>> 8) & 0xff, (o & 0xff), 0], r);
      r += 6;
      index.push(n, 1);
    }
    const body = stream(`/Type /XRef /Size ${size} /W [1 4 1] /Index [${index.join(' ')}] ${trailer}`, rows);
    parts.push(concat([`${xnum} 0 obj\n`, body, `\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`]));
  }
  return { bytes: concat(parts) };
}

/** A complete single-revision PDF. */
export function buildPdf(o: BuildOptions): Uint8Array {
  const h = latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const nums = Object.keys(o.objects).map(Number);
  const size = Math.max(...nums) + 1 + (o.xref === 'stream' ? 1 : 0);
  const s = section(h.length, o.objects, o.xref ?? 'table', `/Root ${o.root ?? 1} 0 R ${o.extraTrailer ?? ''}`, size, true);
  return concat([h, s.bytes]);
}

export function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function text(b: Uint8Array): string {
  return new TextDecoder('latin1').decode(b);
}

/** Append an incremental update (objects + xref of `kind`, /Prev to the old startxref). */
export function appendRevision(base: Uint8Array, objects: Record<number, Body>, opts: { kind?: 'table' | 'stream'; root?: number; size?: number; extraTrailer?: string } = {}): Uint8Array {
  const s = text(base);
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(s);
  if (!m) throw new Error('base has no startxref');
  const prev = Number(m[1]);
  const sizeM = [...s.matchAll(/\/Size (\d+)/g)].pop();
  const oldSize = sizeM ? Number(sizeM[1]) : 0;
  const nums = Object.keys(objects).map(Number);
  const size = opts.size ?? Math.max(oldSize, ...nums.map((n) => n + 1)) + (opts.kind === 'stream' ? 1 : 0);
  const rootM = /\/Root (\d+) 0 R/.exec(s);
  const root = opts.root ?? (rootM ? Number(rootM[1]) : 1);
  const sec = section(base.length, objects, opts.kind ?? 'table', `/Root ${root} 0 R /Prev ${prev} ${opts.extraTrailer ?? ''}`, size, false);
  return concat([base, sec.bytes]);
}

/** A minimal document: catalog 1, pages 2, `pageCount` pages from object 3 on. */
export function simplePdf(pageCount = 1, kind: 'table' | 'stream' = 'table', extra: Record<number, Body> = {}): Uint8Array {
  const objects: Record<number, Body> = { 1: '<< /Type /Catalog /Pages 2 0 R >>' };
  const kids: string[] = [];
  for (let i = 0; i < pageCount; i++) kids.push(`${3 + i} 0 R`);
  objects[2] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pageCount} >>`;
  for (let i = 0; i < pageCount; i++) objects[3 + i] = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>';
  Object.assign(objects, extra);
  return buildPdf({ objects, xref: kind });
}

export { deflateSync };
