/**
 * A minimal DER writer and reader (X.690) for the structures on the signing hot path (CMS SignedData,
 * TSTInfo, TimeStampReq/Resp). pkijs/asn1js build and schema-check an object tree for every value,
 * which costs milliseconds per certificate; here certificates travel as opaque DER.
 */

export type Der = Uint8Array;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Der {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const head = [tag, ...lengthBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export const setOf = (...parts: Uint8Array[]) => tlv(0x31, ...[...parts].sort(compareBytes));
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const nullValue = () => new Uint8Array([0x05, 0x00]);
export const bool = (v: boolean) => new Uint8Array([0x01, 0x01, v ? 0xff : 0x00]);
/** [n] EXPLICIT or constructed IMPLICIT context tag. */
export const ctx = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 | n, ...parts);

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const oidCache = new Map<string, Der>();

/** An OBJECT IDENTIFIER (cached: the same dozen OIDs are written for every signature). */
export function oid(dotted: string): Der {
  let der = oidCache.get(dotted);
  if (!der) {
    der = encodeOid(dotted);
    oidCache.set(dotted, der);
  }
  return der;
}

function encodeOid(dotted: string): Der {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const bytes: number[] = [];
  const push = (v: bigint) => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  };
  push(parts[0] * 40n + parts[1]);
  for (const p of parts.slice(2)) push(p);
  return tlv(0x06, new Uint8Array(bytes));
}

/** A non-negative INTEGER in minimal form. */
export function integer(v: bigint | number): Der {
  let hex = BigInt(v).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = '00' + hex;
  return tlv(0x02, Buffer.from(hex, 'hex'));
}

/** GeneralizedTime to the second, `YYYYMMDDHHMMSSZ`. */
export function generalizedTime(d: Date): Der {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return tlv(0x18, Buffer.from(s, 'latin1'));
}

export const algorithm = (oidText: string, params?: Uint8Array) => seq(oid(oidText), ...(params ? [params] : []));

/** One element: where it starts, its tag, where its content lies, where it ends. */
export interface Tlv {
  start: number;
  tag: number;
  contentStart: number;
  end: number;
}

export function read(buf: Uint8Array, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new Error('DER: truncated');
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not used here');
  let len = buf[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > limit) throw new Error('DER: element overruns its parent');
  return { start: at, tag, contentStart: p, end: p + len };
}

export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const t = read(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

export const bytesOf = (buf: Uint8Array, t: Tlv) => buf.subarray(t.start, t.end);
export const contentOf = (buf: Uint8Array, t: Tlv) => buf.subarray(t.contentStart, t.end);

export function oidText(buf: Uint8Array, t: Tlv): string {
  const c = contentOf(buf, t);
  const out: bigint[] = [];
  let v = 0n;
  for (const b of c) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      out.push(v);
      v = 0n;
    }
  }
  const first = out.shift() ?? 0n;
  const a = first < 80n ? first / 40n : 2n;
  return [a, first - a * 40n, ...out].join('.');
}

export function integerValue(buf: Uint8Array, t: Tlv): bigint {
  const c = contentOf(buf, t);
  return c.length ? BigInt('0x' + Buffer.from(c).toString('hex')) : 0n;
}

/** Issuer Name and serialNumber of a certificate, as DER (for IssuerAndSerialNumber / IssuerSerial). */
export function issuerAndSerial(cert: Uint8Array): { issuer: Der; serial: Der } {
  const tbs = children(cert, read(cert, 0))[0];
  const f = children(cert, tbs);
  const i = f[0].tag === 0xa0 ? 1 : 0; // explicit version
  return { serial: bytesOf(cert, f[i]), issuer: bytesOf(cert, f[i + 2]) };
}
