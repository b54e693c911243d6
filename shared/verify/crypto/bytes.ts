/** Byte helpers for the crypto layer (WebCrypto wants ArrayBuffers; PDFs give views). */
export { bytesEqual as sameBytes } from '../../pdf/index.js';

/** A standalone ArrayBuffer holding exactly the view's bytes. */
export function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lower-case hex (also the cache key of parsed CMS and certificates: kept cheap). */
export function hex(u: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u.length; i++) s += HEX[u[i]];
  return s;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
