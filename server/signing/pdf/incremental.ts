/**
 * One incremental update (ISO 32000-1 §7.5.6) appended after the last byte of a file, never touching
 * earlier bytes (PADES.md, incremental writer recipe): new object numbers from the trailer's /Size,
 * rewritten objects keep their number, and the cross-reference section is of the same kind as the
 * file's last one (table → table with 20-byte entries, stream → stream) with /Size /Root /Info /ID /Prev.
 */
import { PdfRef, type PdfDocument } from '../../../shared/pdf/index.js';
import { raw, serialize, type Writable } from './serialize.js';

interface Pending {
  gen: number;
  head: string;
  data?: Uint8Array;
  tail: string;
}

export interface BuiltUpdate {
  /** The bytes to append to the original file. */
  appendix: Buffer;
  /** Offset (in the appendix) where each written object starts. */
  offsets: Map<number, number>;
}

export class IncrementalUpdate {
  private nextNumber: number;
  private readonly objects = new Map<number, Pending>();
  private readonly trailerExtra: Record<string, Writable> = {};

  constructor(readonly doc: PdfDocument) {
    if (doc.isEncrypted) throw new Error('encrypted PDFs cannot be signed');
    this.nextNumber = doc.size;
    if (this.nextNumber <= 0) throw new Error('the trailer has no /Size');
  }

  /** The first object number not yet used (for a foreign object factory that numbers on its own). */
  get next(): number {
    return this.nextNumber;
  }
  /** Reserve numbers below `n` as used by a foreign object factory. */
  advanceTo(n: number) {
    if (n > this.nextNumber) this.nextNumber = n;
  }

  allocate(): PdfRef {
    return new PdfRef(this.nextNumber++, 0);
  }

  private genOf(r: PdfRef): number {
    if (r.num >= this.doc.size) return 0;
    const e = this.doc.xrefEntry(r.num);
    return e && e.type === 'offset' ? e.gen : 0;
  }

  /** Writes (or rewrites) object `r` as a direct value. */
  put(r: PdfRef, value: Writable) {
    this.putRaw(r, serialize(value));
  }

  putRaw(r: PdfRef, body: string) {
    const gen = this.genOf(r);
    this.objects.set(r.num, { gen, head: `${r.num} ${gen} obj\n${body}`, tail: '\nendobj\n' });
  }

  /** Writes a stream object; `dict` must not contain /Length (it is added). */
  putStream(r: PdfRef, dict: Record<string, Writable>, data: Uint8Array) {
    const gen = this.genOf(r);
    const d = serialize({ ...dict, Length: data.length });
    this.objects.set(r.num, { gen, head: `${r.num} ${gen} obj\n${d}\nstream\n`, data, tail: '\nendstream\nendobj\n' });
  }

  /** Extra trailer entries (rarely needed; /Root /Info /ID /Prev /Size are handled). */
  setTrailer(key: string, value: Writable) {
    this.trailerExtra[key] = value;
  }

  build(): BuiltUpdate {
    const src = this.doc.fileBytes;
    const base = src.length;
    const chunks: (string | Uint8Array)[] = [];
    let pos = 0;
    const push = (c: string | Uint8Array) => {
      chunks.push(c);
      pos += c.length;
    };
    const last = src[base - 1];
    if (last !== 0x0a && last !== 0x0d) push('\n');
    const offsets = new Map<number, number>();
    const numbers = [...this.objects.keys()].sort((a, b) => a - b);
    for (const n of numbers) {
      const o = this.objects.get(n)!;
      offsets.set(n, pos);
      push(o.head);
      if (o.data) push(o.data);
      push(o.tail);
    }
    const t = this.doc.trailer;
    const trailer: Record<string, Writable | undefined> = {
      Root: t.get('Root'),
      Info: t.get('Info'),
      ID: t.get('ID'),
      Prev: this.doc.startxref,
      ...this.trailerExtra,
    };
    if (this.doc.xrefKind === 'table') {
      const size = Math.max(this.nextNumber, this.doc.size);
      const xrefAt = pos;
      let x = 'xref\n';
      for (const [first, run] of runs(numbers)) {
        x += `${first} ${run.length}\n`;
        for (const n of run) x += `${String(base + offsets.get(n)!).padStart(10, '0')} ${String(this.objects.get(n)!.gen).padStart(5, '0')} n\r\n`;
      }
      push(x);
      push(`trailer\n${serialize({ Size: size, ...trailer })}\nstartxref\n${base + xrefAt}\n%%EOF\n`);
    } else {
      const self = this.allocate();
      const size = Math.max(this.nextNumber, this.doc.size);
      const xrefAt = pos;
      offsets.set(self.num, pos);
      const all = [...numbers, self.num];
      const data = Buffer.alloc(all.length * 7);
      all.forEach((n, i) => {
        data[i * 7] = 1;
        data.writeUInt32BE(base + offsets.get(n)!, i * 7 + 1);
        data.writeUInt16BE(n === self.num ? 0 : this.objects.get(n)!.gen, i * 7 + 5);
      });
      const index = runs(all).flatMap(([first, run]) => [first, run.length]);
      const dict = serialize({ Type: raw('/XRef'), Size: size, Index: index, W: [1, 4, 2], ...trailer, Length: data.length });
      push(`${self.num} 0 obj\n${dict}\nstream\n`);
      push(data);
      push(`\nendstream\nendobj\nstartxref\n${base + xrefAt}\n%%EOF\n`);
    }
    const appendix = Buffer.allocUnsafe(pos);
    let at = 0;
    for (const c of chunks) {
      if (typeof c === 'string') at += appendix.write(c, at, 'latin1');
      else {
        appendix.set(c, at);
        at += c.length;
      }
    }
    return { appendix, offsets };
  }
}


/** Sorted numbers → consecutive runs [first, members]. */
function runs(sorted: number[]): [number, number[]][] {
  const out: [number, number[]][] = [];
  for (const n of sorted) {
    const cur = out[out.length - 1];
    if (cur && cur[1][cur[1].length - 1] === n - 1) cur[1].push(n);
    else out.push([n, [n]]);
  }
  return out;
}
