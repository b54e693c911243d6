/**
 * SHA-256 that can be saved and resumed (FIPS 180-4). node:crypto cannot export a hash's state, so
 * every approval would hash the whole file again, although all but the new revision was hashed when
 * it was written. A document's hash state is saved with each revision it gets; the next approval
 * resumes from it and hashes only the bytes it appends (plus < 64 bytes of the previous tail).
 *
 * The serialized state is `sha256:{length}:{8 words, hex}:{tail hex}`: the words after the
 * whole 64-byte blocks of the first `length` bytes, and the remaining `length % 64` bytes. The tail
 * lets a caller check cheaply that the state belongs to the bytes it is given (see `resumeFor`).
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W = new Int32Array(64);

/** Compresses the whole 64-byte blocks of data[from, to) into h. */
function compress(h: Int32Array, data: Uint8Array, from: number, to: number) {
  let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
  for (let p = from; p + 64 <= to; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + i * 4;
      W[i] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15], w2 = W[i - 2];
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
}

const CHECK = 32;

export class ResumableSha256 {
  private readonly h: Int32Array;
  private readonly pending = new Uint8Array(64);
  private pendingLength = 0;
  /** The last (up to 32) bytes hashed, saved with the state so a resume can check it has the right file. */
  private last: Uint8Array = new Uint8Array(0);
  /** Bytes hashed so far. */
  length = 0;

  private constructor(words: Int32Array, length: number, tail: Uint8Array, last: Uint8Array) {
    this.h = Int32Array.from(words);
    this.length = length;
    this.pending.set(tail);
    this.pendingLength = tail.length;
    this.last = last;
  }

  static create(): ResumableSha256 {
    return new ResumableSha256(Int32Array.from(IV), 0, new Uint8Array(0), new Uint8Array(0));
  }

  update(data: Uint8Array): this {
    if (!data.length) return this;
    this.length += data.length;
    this.last =
      data.length >= CHECK
        ? data.slice(data.length - CHECK)
        : concatTail(this.last, data);
    let from = 0;
    if (this.pendingLength) {
      const take = Math.min(64 - this.pendingLength, data.length);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      from = take;
      if (this.pendingLength < 64) return this;
      compress(this.h, this.pending, 0, 64);
      this.pendingLength = 0;
    }
    const whole = from + Math.floor((data.length - from) / 64) * 64;
    compress(this.h, data, from, whole);
    this.pending.set(data.subarray(whole));
    this.pendingLength = data.length - whole;
    return this;
  }

  clone(): ResumableSha256 {
    return new ResumableSha256(this.h, this.length, this.pending.subarray(0, this.pendingLength), this.last);
  }

  /** The digest of everything hashed so far; the hash itself can go on. */
  digest(): Uint8Array {
    const h = Int32Array.from(this.h);
    const n = this.pendingLength;
    const block = new Uint8Array(n < 56 ? 64 : 128);
    block.set(this.pending.subarray(0, n));
    block[n] = 0x80;
    const view = new DataView(block.buffer);
    const bits = this.length * 8;
    view.setUint32(block.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(block.length - 4, bits >>> 0);
    compress(h, block, 0, block.length);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setInt32(i * 4, h[i]);
    return out;
  }

  /** The state as text, to store beside the bytes it covers. */
  save(): string {
    const words = Array.from(this.h, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
    const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
    return `sha256:${this.length}:${words}:${hex(this.pending.subarray(0, this.pendingLength))}:${hex(this.last)}`;
  }

  static load(saved: string): ResumableSha256 {
    const m = /^sha256:(\d{1,15}):([0-9a-f]{64}):((?:[0-9a-f]{2}){0,63}):((?:[0-9a-f]{2}){0,32})$/.exec(saved);
    if (!m) throw new Error('not a saved SHA-256 state');
    const length = Number(m[1]);
    const tail = Buffer.from(m[3], 'hex');
    const last = new Uint8Array(Buffer.from(m[4], 'hex'));
    if (length % 64 !== tail.length || last.length !== Math.min(CHECK, length)) {
      throw new Error('a saved SHA-256 state whose parts do not agree');
    }
    const words = new Int32Array(8);
    for (let i = 0; i < 8; i++) words[i] = parseInt(m[2].slice(i * 8, i * 8 + 8), 16) | 0;
    return new ResumableSha256(words, length, tail, last);
  }

  /** Whether `bytes` end, at this state's length, with the bytes this state last hashed. */
  fits(bytes: Uint8Array): boolean {
    if (this.length > bytes.length) return false;
    const at = this.length - this.last.length;
    for (let i = 0; i < this.last.length; i++) if (bytes[at + i] !== this.last[i]) return false;
    return true;
  }
}

function concatTail(a: Uint8Array, b: Uint8Array): Uint8Array {
  const keep = Math.min(a.length, CHECK - b.length);
  const out = new Uint8Array(keep + b.length);
  out.set(a.subarray(a.length - keep));
  out.set(b, keep);
  return out;
}

/** A document's SHA-256 (hex) and its saved state, hashed from the first byte. */
export function hashStateOf(bytes: Uint8Array): { sha256: string; hashState: string } {
  const hash = ResumableSha256.create().update(bytes);
  return { sha256: Buffer.from(hash.digest()).toString('hex'), hashState: hash.save() };
}

/**
 * The hash of `bytes`, resumed from `saved` (a state of a prefix of `bytes`), else hashed from the
 * start. A state that is malformed or does not end with the bytes before its length belongs to another
 * file or revision (a bug, or an edited database row): it is not trusted, the bytes are hashed from the
 * start, and `onMismatch` hears of it.
 */
export function resumeFor(
  bytes: Uint8Array,
  saved: string | null | undefined,
  onMismatch: (why: string) => void = (why) => console.warn(`signing: ${why}; hashing the document from its first byte`),
): ResumableSha256 {
  if (saved) {
    let hash: ResumableSha256 | undefined;
    try {
      hash = ResumableSha256.load(saved);
    } catch (err) {
      onMismatch((err as Error).message);
    }
    if (hash?.fits(bytes)) return hash.update(bytes.subarray(hash.length));
    if (hash) onMismatch('the saved SHA-256 state does not belong to this document');
  }
  return ResumableSha256.create().update(bytes);
}
