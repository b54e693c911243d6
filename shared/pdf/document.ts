/**
 * PdfDocument: a lazy, revision-aware view of a PDF. Opening reads only startxref and the xref chain;
 * objects are parsed on demand and cached. `atRevision(i)` gives the document as its i-th revision left
 * it (the byte prefix up to that revision's %%EOF), sharing the parsed sections.
 */
import { PdfError } from './errors.js';
import { decodeStreamData } from './filters.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, isInt, isName, type PdfObject } from './objects.js';
import { Budget, Parser, indexOfBytes, type StreamSupport } from './parser.js';
import { readChain, type XrefEntry, type XrefSection } from './xref.js';

export interface OpenOptions {
  /** Highest object count accepted (xref /Size, subsection ranges). Default 2,000,000. */
  maxObjects?: number;
  /** Cap on one stream's decoded size. Default 256 MiB. */
  maxStreamBytes?: number;
  /** Cap on all decoding done through this document. Default 1 GiB. */
  maxDecodedBytes?: number;
  /** Cap on tokens parsed through this document (bounds work on hostile input). Default 20,000,000. */
  maxTokens?: number;
  /** Cap on pages walked. Default 100,000. */
  maxPages?: number;
}

/** One incremental revision (oldest is index 0). */
export interface PdfRevision {
  index: number;
  /** Byte offset just after this revision's `%%EOF` (and its end-of-line). */
  end: number;
  /** Offset of this revision's (newest) cross-reference section: what its startxref says. */
  xrefOffset: number;
  xrefKind: 'table' | 'stream';
  trailer: PdfDict;
  /** The sections of this revision, newest first (two for a linearized original). */
  sections: XrefSection[];
  /** Object numbers this revision defines or frees. */
  objectNumbers: number[];
}

export interface PdfPage {
  index: number;
  ref: PdfRef;
  dict: PdfDict;
}

export interface PdfField {
  /** Fully qualified name (§12.7.3.2), parts joined by dots. */
  name: string;
  ref: PdfRef | undefined;
  dict: PdfDict;
  /** /FT, inherited. */
  type: string | undefined;
}

interface ObjStm {
  data: Uint8Array;
  first: number;
  pairs: [number, number][];
}

interface Shared {
  bytes: Uint8Array;
  budget: Budget;
  opts: Required<OpenOptions>;
  sections: XrefSection[]; // newest first
  revisions: PdfRevision[];
  /** One view per revision, made on first use (each keeps its own object cache). */
  views: Map<number, PdfDocument>;
  /**
   * Objects other than streams, by file offset, shared by all views: such an object depends only on
   * the bytes from its offset to its `endobj`, so every revision that contains those bytes reads the
   * same thing (a stream's data depends on a /Length that each revision resolves itself: not shared).
   */
  plain: Map<number, { num: number; gen: number; value: PdfObject; end: number }>;
}

const DEFAULTS: Required<OpenOptions> = {
  maxObjects: 2_000_000,
  maxStreamBytes: 256 * 1024 * 1024,
  maxDecodedBytes: 1024 * 1024 * 1024,
  maxTokens: 20_000_000,
  maxPages: 100_000,
};

const MAX_SHARED_OBJECTS = 1_000_000;
const ENDOBJ = [0x65, 0x6e, 0x64, 0x6f, 0x62, 0x6a];

function endsWithEndobj(b: Uint8Array, end: number): boolean {
  if (end < ENDOBJ.length) return false;
  for (let i = 0; i < ENDOBJ.length; i++) if (b[end - ENDOBJ.length + i] !== ENDOBJ[i]) return false;
  return true;
}

/** Open a PDF lazily. Throws PdfError when there is no usable cross-reference (never repairs). */
export function openPdf(bytes: Uint8Array, options: OpenOptions = {}): PdfDocument {
  const opts = { ...DEFAULTS, ...options };
  if (bytes.length === 0) throw new PdfError('not-pdf', 'empty file');
  if (indexOfBytes(bytes, '%PDF-', 0, 1024) < 0) throw new PdfError('not-pdf', 'no %PDF- header');
  const budget = new Budget(opts.maxTokens, opts.maxDecodedBytes);
  const sections = readChain(bytes, budget, opts.maxObjects, opts.maxStreamBytes);
  const revisions = groupRevisions(bytes, sections);
  const shared: Shared = { bytes, budget, opts, sections, revisions, views: new Map(), plain: new Map() };
  const latest = new PdfDocument(shared, revisions.length - 1);
  shared.views.set(latest.revisionIndex, latest);
  return latest;
}

/**
 * Sections → revisions. A section whose /Prev points forward belongs with its target (the first-page
 * xref of a linearized file, Annex F); every other section starts a revision.
 */
function groupRevisions(bytes: Uint8Array, newestFirst: XrefSection[]): PdfRevision[] {
  const groups: XrefSection[][] = [];
  let current: XrefSection[] = [];
  for (const s of newestFirst) {
    current.push(s);
    if (!(s.prev !== undefined && s.prev > s.offset)) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length) groups.push(current);
  groups.reverse(); // oldest first
  const mins = groups.map((g) => Math.min(...g.map((s) => s.offset)));
  return groups.map((g, index) => {
    const maxOff = Math.max(...g.map((s) => s.offset));
    const limit = index + 1 < groups.length ? Math.max(mins[index + 1], maxOff) : bytes.length;
    let end = limit;
    const eof = indexOfBytes(bytes, '%%EOF', maxOff, limit);
    if (eof >= 0) {
      end = eof + 5;
      if (bytes[end] === 0x0d) end++;
      if (bytes[end] === 0x0a) end++;
    }
    // Listed on first use: opening a file to sign it must not walk every xref entry (DESIGN.md §2).
    let numbers: number[] | undefined;
    return {
      index,
      end,
      xrefOffset: g[0].offset,
      xrefKind: g[0].kind,
      trailer: g[0].trailer,
      sections: g,
      get objectNumbers(): number[] {
        if (!numbers) {
          const nums = new Set<number>();
          for (const s of g) for (const n of s.entries.keys()) nums.add(n);
          numbers = [...nums].sort((a, b) => a - b);
        }
        return numbers;
      },
    };
  });
}

export class PdfDocument {
  /** The bytes this view reads (for an earlier revision: the prefix up to its end). */
  readonly bytes: Uint8Array;
  private readonly sections: XrefSection[];
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStms = new Map<number, ObjStm>();
  private readonly resolving = new Set<number>();
  private merged?: Map<number, XrefEntry>;
  private pagesCache?: PdfPage[];
  private readonly support: StreamSupport;

  constructor(
    private readonly shared: Shared,
    /** Index of the revision this view shows. */
    readonly revisionIndex: number,
  ) {
    const rev = shared.revisions[revisionIndex];
    const latest = revisionIndex === shared.revisions.length - 1;
    this.bytes = latest ? shared.bytes : shared.bytes.subarray(0, rev.end);
    const keep = new Set(shared.revisions.slice(0, revisionIndex + 1).flatMap((r) => r.sections));
    this.sections = shared.sections.filter((s) => keep.has(s));
    this.support = {
      resolveLength: (ref) => {
        try {
          const v = this.getObject(ref.num, ref.gen);
          return isInt(v) ? v : undefined;
        } catch (e) {
          if (e instanceof PdfError && (e.code === 'too-complex' || e.code === 'too-large')) throw e;
          return undefined; // the parser then ends the data at `endstream`
        }
      },
      decoder: (s, max) => this.decodeStream(s, max),
    };
  }

  /** Every revision of the file, oldest first (shared by all views). */
  get revisions(): readonly PdfRevision[] {
    return this.shared.revisions;
  }
  get revision(): PdfRevision {
    return this.shared.revisions[this.revisionIndex];
  }
  /** The whole file, whatever revision this view shows. */
  get fileBytes(): Uint8Array {
    return this.shared.bytes;
  }
  get trailer(): PdfDict {
    return this.revision.trailer;
  }
  get xrefKind(): 'table' | 'stream' {
    return this.revision.xrefKind;
  }
  /** The offset the (last) startxref of this revision gives. */
  get startxref(): number {
    return this.revision.xrefOffset;
  }
  /** Trailer /Size: the first object number a new revision may use. */
  get size(): number {
    const s = this.trailer.get('Size');
    return isInt(s) ? s : 0;
  }
  get isEncrypted(): boolean {
    return this.trailer.has('Encrypt');
  }
  /** The document as revision `index` left it. */
  atRevision(index: number): PdfDocument {
    if (!Number.isInteger(index) || index < 0 || index >= this.shared.revisions.length) {
      throw new RangeError(`no revision ${index}`);
    }
    let view = this.shared.views.get(index);
    if (!view) this.shared.views.set(index, (view = new PdfDocument(this.shared, index)));
    return view;
  }

  /** The merged cross-reference as of this revision. */
  xref(): Map<number, XrefEntry> {
    if (!this.merged) {
      const m = new Map<number, XrefEntry>();
      for (const s of this.sections) for (const [n, e] of s.entries) if (!m.has(n)) m.set(n, e);
      this.merged = m;
    }
    return this.merged;
  }

  xrefEntry(num: number): XrefEntry | undefined {
    // Newest section first, without merging them all (a signature looks up a handful of objects).
    if (this.merged) return this.merged.get(num);
    for (const s of this.sections) {
      const e = s.entries.get(num);
      if (e) return e;
    }
    return undefined;
  }

  /** Follow references (bounded) until a direct object. Missing objects are null (§7.3.10). */
  resolve(o: PdfObject | undefined): PdfObject | undefined {
    let v = o;
    for (let i = 0; v instanceof PdfRef; i++) {
      if (i > 32) throw new PdfError('too-complex', 'reference chain too long');
      v = this.getObject(v.num, v.gen);
    }
    return v;
  }

  /** Resolve and return a dictionary (a stream's dictionary counts), else undefined. */
  dict(o: PdfObject | undefined): PdfDict | undefined {
    const v = this.resolve(o);
    if (v instanceof PdfDict) return v;
    if (v instanceof PdfStream) return v.dict;
    return undefined;
  }

  /** The object `num` (generation checked when given); null when free or absent. */
  getObject(num: number, gen?: number): PdfObject {
    const cached = this.cache.get(num);
    const entry = this.xrefEntry(num);
    if (!entry || entry.type === 'free') return null;
    if (gen !== undefined && entry.type === 'offset' && entry.gen !== gen) return null;
    if (gen !== undefined && entry.type === 'compressed' && gen !== 0) return null;
    if (cached !== undefined) return cached;
    if (this.resolving.has(num)) throw new PdfError('bad-object', `object ${num} refers to itself while loading`);
    this.resolving.add(num);
    try {
      const v = entry.type === 'offset' ? this.loadAt(num, entry.offset, entry.gen) : this.loadCompressed(num, entry.stream, entry.index);
      this.cache.set(num, v);
      return v;
    } finally {
      this.resolving.delete(num);
    }
  }

  /** Where object `num` starts and ends in the file (uncompressed objects only). */
  objectSpan(num: number): { start: number; end: number } | undefined {
    const e = this.xrefEntry(num);
    if (!e || e.type !== 'offset') return undefined;
    const p = new Parser(this.bytes, e.offset, this.shared.budget);
    const r = p.parseIndirect(this.support);
    return { start: e.offset, end: r.end };
  }

  private loadAt(num: number, offset: number, gen: number): PdfObject {
    if (offset >= this.bytes.length) throw new PdfError('broken-xref', `object ${num} lies beyond the end of the data`, offset);
    const plain = this.shared.plain;
    // `end <` (not `<=`): the parser also looked at the byte after `endobj`.
    let r: { num: number; gen: number; value: PdfObject; end: number } | undefined = plain.get(offset);
    if (!r || r.end >= this.bytes.length) {
      r = new Parser(this.bytes, offset, this.shared.budget).parseIndirect(this.support);
      if (!(r.value instanceof PdfStream) && r.end < this.bytes.length && endsWithEndobj(this.bytes, r.end) && plain.size < MAX_SHARED_OBJECTS) {
        plain.set(offset, { num: r.num, gen: r.gen, value: r.value, end: r.end });
      }
    }
    if (r.num !== num || r.gen !== gen) {
      throw new PdfError('broken-xref', `xref entry for ${num} ${gen} points at object ${r.num} ${r.gen}`, offset);
    }
    return r.value;
  }

  private loadCompressed(num: number, streamNum: number, index: number): PdfObject {
    let stm = this.objStms.get(streamNum);
    if (!stm) {
      const se = this.xrefEntry(streamNum);
      if (!se || se.type !== 'offset') throw new PdfError('broken-xref', `object stream ${streamNum} is not a plain object`);
      const s = this.getObject(streamNum);
      if (!(s instanceof PdfStream)) throw new PdfError('bad-object', `object stream ${streamNum} is not a stream`);
      const n = s.dict.get('N');
      const first = s.dict.get('First');
      if (!isInt(n) || !isInt(first) || n < 0 || first < 0 || n > this.shared.opts.maxObjects) {
        throw new PdfError('bad-object', `object stream ${streamNum} has bad /N or /First`);
      }
      const data = s.decode();
      const p = new Parser(data, 0, this.shared.budget, Math.min(first, data.length));
      const pairs: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const on = p.readUint();
        const oo = on === undefined ? undefined : p.readUint();
        if (on === undefined || oo === undefined) throw new PdfError('bad-object', `object stream ${streamNum} header is broken`);
        pairs.push([on, oo]);
      }
      stm = { data, first, pairs };
      this.objStms.set(streamNum, stm);
    }
    let pair = stm.pairs[index];
    if (!pair || pair[0] !== num) pair = stm.pairs.find((x) => x[0] === num) as [number, number];
    if (!pair) throw new PdfError('broken-xref', `object ${num} is not in object stream ${streamNum}`);
    const p = new Parser(stm.data, stm.first + pair[1], this.shared.budget);
    return p.parseRefOrValue(0);
  }

  private decodeStream(s: PdfStream, max?: number): Uint8Array {
    const cap = Math.min(max ?? this.shared.opts.maxStreamBytes, this.shared.opts.maxStreamBytes);
    const out = decodeStreamData(s.raw(), s.dict, cap, (o) => this.resolve(o));
    this.shared.budget.spend(out.length);
    return out;
  }

  /** Trailer /Root. Throws PdfError('bad-object') when absent. */
  catalog(): PdfDict {
    const c = this.dict(this.trailer.get('Root'));
    if (!c) throw new PdfError('bad-object', 'the trailer has no /Root catalog');
    return c;
  }

  catalogRef(): PdfRef | undefined {
    const r = this.trailer.get('Root');
    return r instanceof PdfRef ? r : undefined;
  }

  /** All pages in order (page tree walked once, cycle-safe, bounded by maxPages). */
  pages(): PdfPage[] {
    if (this.pagesCache) return this.pagesCache;
    const root = this.catalog().get('Pages');
    if (!(root instanceof PdfRef)) throw new PdfError('bad-object', 'the catalog has no /Pages reference');
    const out: PdfPage[] = [];
    const visited = new Set<number>();
    const walk = (ref: PdfRef, depth: number) => {
      if (depth > 64) throw new PdfError('too-complex', 'page tree too deep');
      if (visited.has(ref.num)) throw new PdfError('bad-object', 'the page tree has a cycle');
      visited.add(ref.num);
      const node = this.resolve(ref);
      if (!(node instanceof PdfDict)) throw new PdfError('bad-object', `page tree node ${ref} is not a dictionary`);
      const kids = this.resolve(node.get('Kids'));
      if (Array.isArray(kids) && !isName(node.get('Type'), 'Page')) {
        for (const k of kids) {
          if (!(k instanceof PdfRef)) throw new PdfError('bad-object', 'page tree /Kids entry is not a reference');
          walk(k, depth + 1);
        }
        return;
      }
      if (out.length >= this.shared.opts.maxPages) throw new PdfError('too-complex', 'too many pages');
      out.push({ index: out.length, ref, dict: node });
    };
    walk(root, 0);
    this.pagesCache = out;
    return out;
  }

  pageCount(): number {
    return this.pages().length;
  }

  /**
   * The page count the page tree's root declares (/Count), when it is a sane number; else the walked
   * count. For display: it costs one object, where walking a long document parses every page.
   */
  declaredPageCount(): number {
    if (this.pagesCache) return this.pagesCache.length;
    const root = this.dict(this.catalog().get('Pages'));
    const count = root?.get('Count');
    if (typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= this.shared.opts.maxPages) return count;
    return this.pageCount();
  }

  /** Page `index` (0-based). */
  page(index: number): PdfPage {
    const p = this.pages()[index];
    if (!p) throw new RangeError(`no page ${index}`);
    return p;
  }

  /** The page (0-based index) whose object is `num`, if any. */
  pageIndexOf(num: number): number | undefined {
    return this.pages().find((p) => p.ref.num === num)?.index;
  }

  /** A page attribute, inherited through /Parent (§7.7.3.4): Resources, MediaBox, CropBox, Rotate. */
  inherited(pageDict: PdfDict, key: string): PdfObject | undefined {
    let d: PdfDict | undefined = pageDict;
    for (let i = 0; d && i < 64; i++) {
      if (d.has(key)) return this.resolve(d.get(key));
      d = this.dict(d.get('Parent'));
    }
    return undefined;
  }

  /** Catalog /AcroForm, resolved. */
  acroForm(): PdfDict | undefined {
    return this.dict(this.catalog().get('AcroForm'));
  }

  /** Every terminal form field (widgets merged or not), walked through /Kids, cycle-safe. */
  fields(): PdfField[] {
    const form = this.acroForm();
    if (!form) return [];
    const top = this.resolve(form.get('Fields'));
    if (!Array.isArray(top)) return [];
    const out: PdfField[] = [];
    const visited = new Set<number>();
    const walk = (o: PdfObject, prefix: string, ft: string | undefined, depth: number) => {
      if (depth > 32 || out.length > 100_000) throw new PdfError('too-complex', 'form field tree too large');
      const ref = o instanceof PdfRef ? o : undefined;
      if (ref) {
        if (visited.has(ref.num)) return;
        visited.add(ref.num);
      }
      const d = this.dict(o);
      if (!d) return;
      const t = this.resolve(d.get('T'));
      const part = t instanceof PdfString ? t.text() : undefined;
      const name = part === undefined ? prefix : prefix ? `${prefix}.${part}` : part;
      const ftv = this.resolve(d.get('FT'));
      const type = ftv instanceof PdfName ? ftv.name : ft;
      const kids = this.resolve(d.get('Kids'));
      // Kids that carry /T are fields; kids without /T are this field's widgets.
      const fieldKids = Array.isArray(kids) ? kids.filter((k) => this.dict(k)?.has('T')) : [];
      if (fieldKids.length) {
        for (const k of fieldKids) walk(k, name, type, depth + 1);
      } else {
        out.push({ name, ref, dict: d, type });
      }
    };
    for (const f of top) walk(f, '', undefined, 0);
    return out;
  }
}
