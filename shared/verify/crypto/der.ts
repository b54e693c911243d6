/**
 * A minimal BER/DER tag-length-value walker: finds where the parts of a structure lie without decoding
 * them; x509.ts decodes the parts validation reads on top of it (and a certificate seen before is not
 * decoded again). Definite and indefinite lengths; bounded nesting; never throws.
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
