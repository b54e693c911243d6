/**
 * The PDF object model (ISO 32000-1 §7.3). Plain classes, no behaviour that needs the document except
 * `PdfStream`, which knows its raw byte range and decodes lazily through its owner.
 */
import { decodeText } from './text.js';

export class PdfName {
  constructor(readonly name: string) {}
  toString(): string {
    return `/${this.name}`;
  }
}

/** A string object: always bytes. `text()` decodes PDFDocEncoding / UTF-16BE / UTF-8 (with BOM). */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    /** Offset of the opening delimiter (`(` or `<`) in the file. */
    readonly start: number,
    /** Offset just after the closing delimiter. */
    readonly end: number,
  ) {}
  text(): string {
    return decodeText(this.bytes);
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfDict {
  /** Keys seen more than once while parsing (a SWA / spoofing signal for signature dictionaries). */
  readonly duplicateKeys: string[] = [];
  constructor(
    readonly map: Map<string, PdfObject>,
    /** Offset of `<<` in the file. */
    readonly start: number,
    /** Offset just after `>>`. */
    readonly end: number,
  ) {}
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  get size(): number {
    return this.map.size;
  }
  /** The value of `key` when it is the name `/name` (no resolution). */
  isName(key: string, name: string): boolean {
    const v = this.map.get(key);
    return v instanceof PdfName && v.name === name;
  }
}

/** A stream: its dictionary and the raw (still encoded) data's byte range in the file. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly dataStart: number,
    readonly dataEnd: number,
    private readonly decoder: (s: PdfStream, maxBytes?: number) => Uint8Array,
    private readonly rawSource: Uint8Array,
  ) {}
  /** The encoded bytes, as stored in the file (a view, no copy). */
  raw(): Uint8Array {
    return this.rawSource.subarray(this.dataStart, this.dataEnd);
  }
  /** Decoded data; throws PdfError('too-large'|'unsupported-filter'|'decode-error'). */
  decode(maxBytes?: number): Uint8Array {
    return this.decoder(this, maxBytes);
  }
}

export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfObject[]
  | PdfDict
  | PdfRef
  | PdfStream;

export function isName(v: unknown, name?: string): v is PdfName {
  return v instanceof PdfName && (name === undefined || v.name === name);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Structural equality of two objects as parsed (references compared by number, not followed). */
export function objectsEqual(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 64) return false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && bytesEqual(a.bytes, b.bytes);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!objectsEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.size !== b.size) return false;
    for (const [k, v] of a.map) if (!b.has(k) || !objectsEqual(v, b.get(k), depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && objectsEqual(a.dict, b.dict, depth + 1) && bytesEqual(a.raw(), b.raw());
  }
  return false;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
