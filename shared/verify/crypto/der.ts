/**
 * A minimal BER/DER tag-length-value walker: finds where the parts of a CMS structure lie without
 * decoding them, so only the parts validation reads are decoded by asn1js (and a certificate seen
 * before is not decoded again). Definite and indefinite lengths; bounded nesting; never throws.
 */

export interface Tlv {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  start: number;
  contentStart: number;
  contentEnd: number;
  /** Just after the element (after the end-of-contents octets of an indefinite length). */
  end: number;
}

/** Indefinite lengths inside indefinite lengths are walked to find their end: bound the nesting. */
const MAX_DEPTH = 24;

export function readTlv(b: Uint8Array, pos: number, limit = b.length, depth = 0): Tlv | undefined {
  if (depth > MAX_DEPTH || pos < 0 || pos + 2 > limit) return undefined;
  const first = b[pos];
  let p = pos + 1;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let k = 0; ; k++) {
      if (p >= limit || k > 3) return undefined;
      const x = b[p++];
      tag = tag * 128 + (x & 0x7f);
      if (!(x & 0x80)) break;
    }
  }
  if (p >= limit) return undefined;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  const l0 = b[p++];
  if (l0 === 0x80) {
    if (!constructed) return undefined;
    let q = p;
    for (;;) {
      if (q + 2 > limit) return undefined;
      if (b[q] === 0 && b[q + 1] === 0) return { cls, constructed, tag, start: pos, contentStart: p, contentEnd: q, end: q + 2 };
      const child = readTlv(b, q, limit, depth + 1);
      if (!child) return undefined;
      q = child.end;
    }
  }
  let len = l0;
  if (l0 & 0x80) {
    const n = l0 & 0x7f;
    if (n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[p++];
  }
  if (p + len > limit) return undefined;
  return { cls, constructed, tag, start: pos, contentStart: p, contentEnd: p + len, end: p + len };
}

/** The elements inside a constructed element; undefined when any is malformed. */
export function childrenOf(b: Uint8Array, t: Tlv): Tlv[] | undefined {
  if (!t.constructed) return undefined;
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.contentEnd; ) {
    const c = readTlv(b, p, t.contentEnd);
    if (!c) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

export function isUniversal(t: Tlv | undefined, tag: number, constructed: boolean): t is Tlv {
  return !!t && t.cls === 0 && t.tag === tag && t.constructed === constructed;
}

export function isContextTag(t: Tlv | undefined, tag: number): t is Tlv {
  return !!t && t.cls === 2 && t.tag === tag && t.constructed;
}

export const SEQUENCE = 16;
export const SET = 17;
export const OBJECT_IDENTIFIER = 6;
export const INTEGER = 2;

/** DER length octets. */
function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/** A SEQUENCE made of some of an element's children (encoded as they were). */
export function sequenceOf(b: Uint8Array, parts: Tlv[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.end - p.start, 0);
  const head = [0x30, ...lengthOctets(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(b.subarray(p.start, p.end), o);
    o += p.end - p.start;
  }
  return out;
}

/** Content octets equal `expected` (e.g. an OID's encoding). */
export function contentIs(b: Uint8Array, t: Tlv, expected: readonly number[]): boolean {
  if (t.contentEnd - t.contentStart !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[t.contentStart + i] !== expected[i]) return false;
  return true;
}
