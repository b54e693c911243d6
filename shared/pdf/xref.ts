/**
 * Cross-reference sections (ISO 32000-1 §7.5.4–7.5.8): classic tables, xref streams, hybrid files
 * (/XRefStm) and the /Prev chain. Each section is parsed once; documents as of a revision share them.
 */
import { PdfError } from './errors.js';
import { decodeStreamData } from './filters.js';
import { PdfDict, PdfRef, PdfStream, isInt, isName, type PdfObject } from './objects.js';
import { Budget, Parser, indexOfBytes, isWhite, lastIndexOfBytes } from './parser.js';

export type XrefEntry =
  | { type: 'free'; gen: number }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

export interface XrefSection {
  /** Offset of `xref` or of the xref stream object. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  /** Entries defined in this section only (hybrid: table entries win over /XRefStm entries). */
  entries: Map<number, XrefEntry>;
  /** /Prev, if any. */
  prev?: number;
  /** Offset of the hybrid /XRefStm stream, if any. */
  xrefStm?: number;
}

const noStreams = {
  resolveLength: () => undefined,
  decoder: () => {
    throw new PdfError('bad-object', 'stream decoding not available here');
  },
};

/** The offset in the last `startxref` of the data. */
export function findStartxref(bytes: Uint8Array): number {
  const tail = Math.max(0, bytes.length - 4096);
  const at = lastIndexOfBytes(bytes, 'startxref', tail);
  if (at < 0) {
    const eof = lastIndexOfBytes(bytes, '%%EOF', tail);
    throw new PdfError(eof < 0 ? 'truncated' : 'broken-xref', 'no startxref near the end of the file');
  }
  const p = new Parser(bytes, at + 9, new Budget(100, 0));
  const off = p.readUint();
  if (off === undefined) throw new PdfError('broken-xref', 'startxref is not followed by an offset', at);
  return off;
}

/** A subsection of standard 20-byte entries (§7.5.4), checked but not yet turned into objects. */
interface TableRun {
  first: number;
  count: number;
  at: number;
}

const MAX_LAZY_RUNS = 64;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** `count` entries at `at`, each exactly "nnnnnnnnnn ggggg n|f" + a two-byte end of line. */
function regularRun(b: Uint8Array, at: number, count: number): boolean {
  if (at + count * 20 > b.length) return false;
  for (let e = at, end = at + count * 20; e < end; e += 20) {
    for (let i = 0; i < 10; i++) if (!isDigit(b[e + i])) return false;
    if (b[e + 10] !== 0x20 || b[e + 16] !== 0x20) return false;
    for (let i = 11; i < 16; i++) if (!isDigit(b[e + i])) return false;
    if (b[e + 17] !== 0x6e && b[e + 17] !== 0x66) return false;
    const x = b[e + 18];
    const y = b[e + 19];
    if (!((x === 0x20 && (y === 0x0d || y === 0x0a)) || (x === 0x0d && y === 0x0a))) return false;
  }
  return true;
}

function decodeEntry(b: Uint8Array, e: number): XrefEntry {
  let off = 0;
  for (let i = 0; i < 10; i++) off = off * 10 + b[e + i] - 0x30;
  let gen = 0;
  for (let i = 11; i < 16; i++) gen = gen * 10 + b[e + i] - 0x30;
  return b[e + 17] === 0x6e ? { type: 'offset', offset: off, gen } : { type: 'free', gen };
}

/**
 * The entries of a classic table made of standard subsections, turned into objects only when asked:
 * signing a 1,000-page file looks up a handful of objects and must not build thousands of entries
 * (DESIGN.md §2). Iterating, or changing it (hybrid /XRefStm), builds the whole map once.
 */
class TableEntries extends Map<number, XrefEntry> {
  private pending: TableRun[] | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    runs: TableRun[],
  ) {
    super();
    this.pending = runs;
  }

  private fill(): void {
    const runs = this.pending;
    if (!runs) return;
    this.pending = undefined;
    for (const r of runs) {
      for (let i = 0; i < r.count; i++) if (!super.has(r.first + i)) super.set(r.first + i, decodeEntry(this.bytes, r.at + 20 * i));
    }
  }

  override get(num: number): XrefEntry | undefined {
    if (!this.pending) return super.get(num);
    for (const r of this.pending) if (num >= r.first && num < r.first + r.count) return decodeEntry(this.bytes, r.at + 20 * (num - r.first));
    return undefined;
  }
  override has(num: number): boolean {
    return this.get(num) !== undefined;
  }
  override set(num: number, e: XrefEntry): this {
    this.fill();
    return super.set(num, e);
  }
  override delete(num: number): boolean {
    this.fill();
    return super.delete(num);
  }
  override clear(): void {
    this.pending = undefined;
    super.clear();
  }
  override get size(): number {
    this.fill();
    return super.size;
  }
  override keys(): MapIterator<number> {
    this.fill();
    return super.keys();
  }
  override values(): MapIterator<XrefEntry> {
    this.fill();
    return super.values();
  }
  override entries(): MapIterator<[number, XrefEntry]> {
    this.fill();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[number, XrefEntry]> {
    this.fill();
    return super[Symbol.iterator]();
  }
  override forEach(fn: (value: XrefEntry, key: number, map: Map<number, XrefEntry>) => void, thisArg?: unknown): void {
    this.fill();
    super.forEach(fn, thisArg);
  }
}

function parseTable(bytes: Uint8Array, offset: number, budget: Budget, maxObjects: number): { entries: Map<number, XrefEntry>; trailer: PdfDict } {
  const p = new Parser(bytes, offset, budget);
  p.expectKeyword('xref');
  const entries = new Map<number, XrefEntry>();
  // Standard subsections are only checked here (TableEntries decodes them on demand); the first
  // irregular one (19/21-byte entries of sloppy writers) turns the whole table into an eager parse.
  let runs: TableRun[] | undefined = [];
  for (;;) {
    p.skipWhite();
    if (p.acceptKeyword('trailer')) break;
    const first = p.readUint();
    const count = first === undefined ? undefined : p.readUint();
    if (first === undefined || count === undefined) throw new PdfError('broken-xref', 'bad xref subsection header', p.pos);
    if (first + count > maxObjects) throw new PdfError('too-complex', 'too many objects');
    budget.tick(count);
    if (runs) {
      p.skipWhite();
      if (runs.length < MAX_LAZY_RUNS && regularRun(bytes, p.pos, count)) {
        runs.push({ first, count, at: p.pos });
        p.pos += count * 20;
        continue;
      }
      for (const r of runs) for (let i = 0; i < r.count; i++) if (!entries.has(r.first + i)) entries.set(r.first + i, decodeEntry(bytes, r.at + 20 * i));
      runs = undefined;
    }
    const b = bytes;
    for (let i = 0; i < count; i++) {
      p.skipWhite();
      // nnnnnnnnnn ggggg n|f — parsed by fields so 19/21-byte entries of sloppy writers still read.
      let pos = p.pos;
      let off = 0;
      const s1 = pos;
      while (pos < b.length && b[pos] >= 0x30 && b[pos] <= 0x39) off = off * 10 + b[pos++] - 0x30;
      if (pos === s1 || pos - s1 > 10 || !isWhite(b[pos])) throw new PdfError('broken-xref', 'bad xref entry', s1);
      while (b[pos] === 0x20) pos++;
      let gen = 0;
      const s2 = pos;
      while (pos < b.length && b[pos] >= 0x30 && b[pos] <= 0x39) gen = gen * 10 + b[pos++] - 0x30;
      if (pos === s2 || pos - s2 > 5) throw new PdfError('broken-xref', 'bad xref entry', s2);
      while (b[pos] === 0x20) pos++;
      const t = b[pos++];
      if (t !== 0x6e && t !== 0x66) throw new PdfError('broken-xref', 'bad xref entry type', pos - 1);
      p.pos = pos;
      const num = first + i;
      if (!entries.has(num)) entries.set(num, t === 0x6e ? { type: 'offset', offset: off, gen } : { type: 'free', gen });
    }
  }
  const trailer = p.parseObject();
  if (!(trailer instanceof PdfDict)) throw new PdfError('broken-xref', 'trailer is not a dictionary', p.pos);
  return { entries: runs?.length ? new TableEntries(bytes, runs) : entries, trailer };
}

function parseStreamSection(bytes: Uint8Array, offset: number, budget: Budget, maxObjects: number, maxDecoded: number): { entries: Map<number, XrefEntry>; trailer: PdfDict } {
  const p = new Parser(bytes, offset, budget);
  let obj: { value: PdfObject };
  try {
    obj = p.parseIndirect(noStreams);
  } catch (e) {
    if (e instanceof PdfError && e.code !== 'too-complex') throw new PdfError('broken-xref', `no cross-reference at offset ${offset}`, offset);
    throw e;
  }
  const s = obj.value;
  if (!(s instanceof PdfStream) || !isName(s.dict.get('Type'), 'XRef')) {
    throw new PdfError('broken-xref', `offset ${offset} is neither "xref" nor an /XRef stream`, offset);
  }
  const d = s.dict;
  const w = d.get('W');
  const size = d.get('Size');
  if (!Array.isArray(w) || w.length < 3 || !w.every((x) => isInt(x) && x >= 0 && x <= 8) || !isInt(size) || size < 0) {
    throw new PdfError('broken-xref', 'bad /W or /Size in xref stream', offset);
  }
  if (size > maxObjects) throw new PdfError('too-complex', 'too many objects');
  const ws = w as number[];
  const index = d.get('Index');
  const ranges: number[] = Array.isArray(index) ? (index as PdfObject[]).map((x) => (isInt(x) ? x : -1)) : [0, size];
  if (ranges.length % 2 || ranges.some((x) => x < 0)) throw new PdfError('broken-xref', 'bad /Index', offset);
  const data = decodeStreamData(s.raw(), d, maxDecoded, (x) => x);
  budget.spend(data.length);
  const rowLen = ws[0] + ws[1] + ws[2];
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const field = (width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos++];
    return v;
  };
  for (let r = 0; r < ranges.length; r += 2) {
    const first = ranges[r];
    const count = ranges[r + 1];
    if (first + count > maxObjects) throw new PdfError('too-complex', 'too many objects');
    budget.tick(count);
    for (let i = 0; i < count; i++) {
      if (pos + rowLen > data.length) throw new PdfError('broken-xref', 'xref stream shorter than its /Index', offset);
      const type = field(ws[0], 1);
      const f2 = field(ws[1], 0);
      const f3 = field(ws[2], 0);
      const num = first + i;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 'free', gen: f3 });
      else if (type === 1) entries.set(num, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      // other types: treated as null references (§7.5.8.3)
    }
  }
  return { entries, trailer: d };
}

/** Read one section at `offset` (table or stream, with a hybrid /XRefStm merged in). */
export function readSection(bytes: Uint8Array, offset: number, budget: Budget, maxObjects: number, maxDecoded: number): XrefSection {
  if (offset < 0 || offset >= bytes.length) throw new PdfError('broken-xref', `cross-reference offset ${offset} is outside the file`);
  const p = new Parser(bytes, offset, budget);
  p.skipWhite();
  const isTable = p.pos === offset && indexOfBytes(bytes, 'xref', offset, offset + 4) === offset;
  if (isTable) {
    const { entries, trailer } = parseTable(bytes, offset, budget, maxObjects);
    const section: XrefSection = { offset, kind: 'table', trailer, entries };
    const stm = trailer.get('XRefStm');
    if (isInt(stm)) {
      section.xrefStm = stm;
      try {
        const hybrid = parseStreamSection(bytes, stm, budget, maxObjects, maxDecoded);
        for (const [n, e] of hybrid.entries) {
          const cur = entries.get(n);
          if (!cur || cur.type === 'free') entries.set(n, e);
        }
      } catch (e) {
        if (e instanceof PdfError && e.code === 'too-complex') throw e;
        // A broken /XRefStm leaves the classic table usable (that is what pre-1.5 readers see).
      }
    }
    const prev = trailer.get('Prev');
    if (isInt(prev)) section.prev = prev;
    return section;
  }
  const { entries, trailer } = parseStreamSection(bytes, offset, budget, maxObjects, maxDecoded);
  const section: XrefSection = { offset, kind: 'stream', trailer, entries };
  const prev = trailer.get('Prev');
  if (isInt(prev)) section.prev = prev;
  return section;
}

/**
 * Follow startxref and /Prev: sections newest first. Cycles and more than `maxSections` sections end
 * in PdfError.
 */
export function readChain(bytes: Uint8Array, budget: Budget, maxObjects: number, maxDecoded: number, maxSections = 10_000): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let off: number | undefined = findStartxref(bytes);
  while (off !== undefined) {
    if (seen.has(off)) throw new PdfError('broken-xref', 'the /Prev chain loops');
    if (sections.length >= maxSections) throw new PdfError('too-complex', 'too many cross-reference sections');
    seen.add(off);
    const s = readSection(bytes, off, budget, maxObjects, maxDecoded);
    sections.push(s);
    off = s.prev;
  }
  return sections;
}

export function refOf(o: PdfObject | undefined): PdfRef | undefined {
  return o instanceof PdfRef ? o : undefined;
}
