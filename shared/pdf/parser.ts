/**
 * Tokeniser and object parser (ISO 32000-1 §7.2–7.3) over the file's bytes. Bounded: nesting depth,
 * elements per container and a shared token budget; hostile input ends in PdfError, never a hang.
 */
import { PdfError } from './errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

export const MAX_DEPTH = 64;

/** Shared work budget of one document (tokens parsed, bytes decoded). */
export class Budget {
  tokens = 0;
  decoded = 0;
  constructor(
    readonly maxTokens: number,
    readonly maxDecodedBytes: number,
  ) {}
  tick(n = 1): void {
    this.tokens += n;
    if (this.tokens > this.maxTokens) throw new PdfError('too-complex', 'token budget exhausted');
  }
  spend(bytes: number): void {
    this.decoded += bytes;
    if (this.decoded > this.maxDecodedBytes) throw new PdfError('too-large', 'decoded-bytes budget exhausted');
  }
}

export function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
export function isDelim(c: number): boolean {
  return (
    c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d ||
    c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25
  );
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
/** Hex digit values by byte, -1 for anything else: one load per character in the long /Contents strings. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d;
}

function hexVal(c: number): number {
  return HEX_VALUE[c] ?? -1;
}

/** Find `pattern` (ASCII) in bytes[from, to). -1 when absent. */
export function indexOfBytes(bytes: Uint8Array, pattern: string, from = 0, to = bytes.length): number {
  const first = pattern.charCodeAt(0);
  const last = Math.min(to, bytes.length) - pattern.length;
  let i = from;
  while (i <= last) {
    i = bytes.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    let ok = true;
    for (let j = 1; j < pattern.length; j++) {
      if (bytes[i + j] !== pattern.charCodeAt(j)) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
    i++;
  }
  return -1;
}

/** Last occurrence of `pattern` in bytes[from, to). */
export function lastIndexOfBytes(bytes: Uint8Array, pattern: string, from = 0, to = bytes.length): number {
  for (let i = Math.min(to, bytes.length) - pattern.length; i >= from; i--) {
    let ok = true;
    for (let j = 0; j < pattern.length; j++) {
      if (bytes[i + j] !== pattern.charCodeAt(j)) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

export interface StreamSupport {
  /** Resolve an indirect /Length (the parser itself never follows references). */
  resolveLength(ref: PdfRef): number | undefined;
  decoder: (s: PdfStream, maxBytes?: number) => Uint8Array;
}

type Keyword = { keyword: string; start: number };

export class Parser {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    pos: number,
    readonly budget: Budget,
    readonly end = bytes.length,
  ) {
    this.pos = pos;
  }

  skipWhite(): void {
    const b = this.bytes;
    while (this.pos < this.end) {
      const c = b[this.pos];
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < this.end && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** Read a bare keyword or number token without interpreting it. */
  private word(): string {
    const b = this.bytes;
    const s = this.pos;
    while (this.pos < this.end && !isWhite(b[this.pos]) && !isDelim(b[this.pos])) this.pos++;
    let out = '';
    for (let i = s; i < this.pos && i - s < 256; i++) out += String.fromCharCode(b[i]);
    return out;
  }

  /** Peek whether the next token is the keyword `kw` (consumes it if so). */
  acceptKeyword(kw: string): boolean {
    this.skipWhite();
    const save = this.pos;
    if (this.word() === kw) return true;
    this.pos = save;
    return false;
  }

  expectKeyword(kw: string): void {
    if (!this.acceptKeyword(kw)) throw new PdfError('bad-object', `expected "${kw}"`, this.pos);
  }

  /** Read an unsigned integer token; undefined (position restored) otherwise. */
  readUint(): number | undefined {
    this.skipWhite();
    const b = this.bytes;
    const s = this.pos;
    let n = 0;
    while (this.pos < this.end && isDigit(b[this.pos])) {
      n = n * 10 + (b[this.pos] - 0x30);
      this.pos++;
    }
    if (this.pos === s || this.pos - s > 15 || (this.pos < this.end && !isWhite(b[this.pos]) && !isDelim(b[this.pos]))) {
      this.pos = s;
      return undefined;
    }
    return n;
  }

  /** Parse one object (direct), turning `n g R` into PdfRef. */
  parseObject(depth = 0): PdfObject {
    const v = this.parseValue(depth);
    if (typeof v === 'object' && v !== null && 'keyword' in (v as object) && !(v instanceof PdfDict)) {
      const kw = (v as unknown as Keyword).keyword;
      throw new PdfError('bad-object', `unexpected token "${kw.slice(0, 20)}"`, (v as unknown as Keyword).start);
    }
    return v as PdfObject;
  }

  private parseValue(depth: number): PdfObject | Keyword {
    if (depth > MAX_DEPTH) throw new PdfError('too-complex', 'objects nested too deeply', this.pos);
    this.budget.tick();
    this.skipWhite();
    if (this.pos >= this.end) throw new PdfError('truncated', 'unexpected end of data', this.pos);
    const b = this.bytes;
    const c = b[this.pos];
    const start = this.pos;
    switch (c) {
      case 0x2f: // /Name
        return this.parseName();
      case 0x28:
        return this.parseLiteralString();
      case 0x3c:
        if (b[this.pos + 1] === 0x3c) return this.parseDict(depth);
        return this.parseHexString();
      case 0x5b: {
        this.pos++;
        const arr: PdfObject[] = [];
        for (;;) {
          this.skipWhite();
          if (this.pos >= this.end) throw new PdfError('truncated', 'unterminated array', start);
          if (b[this.pos] === 0x5d) {
            this.pos++;
            return arr;
          }
          arr.push(this.parseRefOrValue(depth + 1));
        }
      }
      case 0x5d:
      case 0x3e:
      case 0x29:
      case 0x7b:
      case 0x7d:
        this.pos++;
        return { keyword: String.fromCharCode(c), start };
    }
    const w = this.word();
    if (w === '') {
      this.pos++;
      return { keyword: String.fromCharCode(c), start };
    }
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) return Number(w);
    if (/^[+-]?\d*\.?\d*[-+.\d]*$/.test(w)) return Number.parseFloat(w) || 0; // lenient: "--5", "1.2.3"
    return { keyword: w, start };
  }

  /** Object with `n g R` lookahead (inside arrays and dict values). */
  parseRefOrValue(depth: number): PdfObject {
    const v = this.parseValue(depth);
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
      const save = this.pos;
      const gen = this.readUint();
      if (gen !== undefined && this.acceptKeyword('R')) return new PdfRef(v, gen);
      this.pos = save;
      return v;
    }
    if (typeof v === 'object' && v !== null && 'keyword' in (v as object) && !(v instanceof PdfDict)) {
      const k = v as unknown as Keyword;
      throw new PdfError('bad-object', `unexpected token "${k.keyword.slice(0, 20)}"`, k.start);
    }
    return v as PdfObject;
  }

  private parseName(): PdfName {
    const b = this.bytes;
    this.pos++;
    const out: number[] = [];
    while (this.pos < this.end && !isWhite(b[this.pos]) && !isDelim(b[this.pos])) {
      const c = b[this.pos];
      if (c === 0x23 && this.pos + 2 < this.end) {
        const h = hexVal(b[this.pos + 1]);
        const l = hexVal(b[this.pos + 2]);
        if (h >= 0 && l >= 0) {
          out.push(h * 16 + l);
          this.pos += 3;
          continue;
        }
      }
      out.push(c);
      this.pos++;
      if (out.length > 4096) throw new PdfError('too-complex', 'name too long', this.pos);
    }
    let s = '';
    for (const x of out) s += String.fromCharCode(x);
    return new PdfName(s);
  }

  private parseLiteralString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    this.pos++;
    let depth = 1;
    const out: number[] = [];
    while (this.pos < this.end) {
      const c = b[this.pos++];
      if (c === 0x5c) {
        const n = b[this.pos++];
        switch (n) {
          case 0x6e: out.push(0x0a); break;
          case 0x72: out.push(0x0d); break;
          case 0x74: out.push(0x09); break;
          case 0x62: out.push(0x08); break;
          case 0x66: out.push(0x0c); break;
          case 0x0d:
            if (b[this.pos] === 0x0a) this.pos++;
            break;
          case 0x0a:
            break;
          default:
            if (n >= 0x30 && n <= 0x37) {
              let v = n - 0x30;
              for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) v = v * 8 + (b[this.pos++] - 0x30);
              out.push(v & 0xff);
            } else if (n !== undefined) out.push(n);
        }
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) return new PdfString(Uint8Array.from(out), false, start, this.pos);
      out.push(c);
    }
    throw new PdfError('truncated', 'unterminated string', start);
  }

  private parseHexString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    this.pos++;
    const close = b.indexOf(0x3e, this.pos);
    if (close < 0 || close >= this.end) throw new PdfError('truncated', 'unterminated hex string', start);
    const out = new Uint8Array(((close - this.pos) >> 1) + 1);
    let n = 0;
    let hi = -1;
    for (let i = this.pos; i < close; i++) {
      const v = HEX_VALUE[b[i]];
      if (v < 0) {
        if (isWhite(b[i])) continue;
        throw new PdfError('bad-object', 'bad character in hex string', i);
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = hi * 16 + v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi * 16;
    this.pos = close + 1;
    return new PdfString(out.subarray(0, n), true, start, this.pos);
  }

  private parseDict(depth: number): PdfDict {
    const b = this.bytes;
    const start = this.pos;
    this.pos += 2;
    const map = new Map<string, PdfObject>();
    const dups: string[] = [];
    for (;;) {
      this.skipWhite();
      if (this.pos >= this.end) throw new PdfError('truncated', 'unterminated dictionary', start);
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        const d = new PdfDict(map, start, this.pos);
        d.duplicateKeys.push(...dups);
        return d;
      }
      if (b[this.pos] !== 0x2f) throw new PdfError('bad-object', 'dictionary key is not a name', this.pos);
      this.budget.tick();
      const key = this.parseName().name;
      const value = this.parseRefOrValue(depth + 1);
      if (map.has(key)) dups.push(key);
      // A null value is the same as an absent key (§7.3.7); keep the first definition.
      if (!map.has(key) && value !== null) map.set(key, value);
    }
  }

  /**
   * Parse `num gen obj … endobj` at the current position. Streams get their data range from /Length
   * (resolved through `support`), checked against the `endstream` keyword; when /Length is wrong the
   * data ends at the first `endstream` (flagged by the caller through `lengthRepaired`).
   */
  parseIndirect(support: StreamSupport): { num: number; gen: number; value: PdfObject; end: number; lengthRepaired: boolean } {
    const at = this.pos;
    const num = this.readUint();
    const gen = num === undefined ? undefined : this.readUint();
    if (num === undefined || gen === undefined || !this.acceptKeyword('obj')) {
      throw new PdfError('broken-xref', 'no object header at the offset the cross-reference gives', at);
    }
    const value = this.parseRefOrValue(0);
    let lengthRepaired = false;
    if (value instanceof PdfDict) {
      const save = this.pos;
      if (this.acceptKeyword('stream')) {
        const b = this.bytes;
        // §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR tolerated).
        if (b[this.pos] === 0x0d) this.pos++;
        if (b[this.pos] === 0x0a) this.pos++;
        const dataStart = this.pos;
        const lenObj = value.get('Length');
        let len = typeof lenObj === 'number' ? lenObj : lenObj instanceof PdfRef ? support.resolveLength(lenObj) : undefined;
        let dataEnd = -1;
        if (len !== undefined && Number.isInteger(len) && len >= 0 && dataStart + len <= this.end) {
          const p = new Parser(b, dataStart + len, this.budget, this.end);
          if (p.acceptKeyword('endstream')) dataEnd = dataStart + len;
        }
        if (dataEnd < 0) {
          const e = indexOfBytes(b, 'endstream', dataStart, this.end);
          if (e < 0) throw new PdfError('truncated', 'stream without endstream', dataStart);
          dataEnd = e;
          if (b[dataEnd - 1] === 0x0a) dataEnd--;
          if (b[dataEnd - 1] === 0x0d) dataEnd--;
          lengthRepaired = true;
          len = dataEnd - dataStart;
        }
        this.pos = dataEnd;
        this.expectKeyword('endstream');
        const stream = new PdfStream(value, dataStart, dataEnd, support.decoder, b);
        this.acceptKeyword('endobj');
        return { num, gen, value: stream, end: this.pos, lengthRepaired };
      }
      this.pos = save;
    }
    this.acceptKeyword('endobj');
    return { num, gen, value, end: this.pos, lengthRepaired };
  }
}
