/**
 * Hashing the signed ranges with WebCrypto in the verify worker, without a copy of the file.
 * WebCrypto cannot stream, so the ranges must be one contiguous buffer. Joining them into a new buffer
 * costs a file's size on top of the file and of WebCrypto's own copy (peak memory target, issue 4:
 * under 3× the file). Instead, when the ranges are ascending views of the one file buffer, the later
 * ranges are moved left over the gaps (the /Contents hex, small), `digest` is called — WebCrypto copies
 * its input synchronously, before returning its promise — and the buffer is restored in the same
 * turn, so no other code can see it changed.
 */
import type { DigestFn } from '../../shared/verify';
import { concatBytes } from '../../shared/verify/crypto/bytes';

const MAX_SAVED_GAP = 4 * 1024 * 1024;

export function inPlaceDigest(subtle: SubtleCrypto = crypto.subtle): DigestFn {
  return async (alg, parts) => {
    if (parts.length === 1) return new Uint8Array(await subtle.digest(alg, parts[0] as Uint8Array<ArrayBuffer>));
    const buffer = parts[0].buffer;
    let gapBytes = 0;
    let ascending = true;
    for (let i = 1; i < parts.length; i++) {
      const prevEnd = parts[i - 1].byteOffset + parts[i - 1].length;
      if (parts[i].buffer !== buffer || parts[i].byteOffset < prevEnd) ascending = false;
      else gapBytes += parts[i].byteOffset - prevEnd;
    }
    if (!ascending || gapBytes > MAX_SAVED_GAP) return new Uint8Array(await subtle.digest(alg, concatBytes(parts) as Uint8Array<ArrayBuffer>));

    const whole = new Uint8Array(buffer as ArrayBuffer);
    const start = parts[0].byteOffset;
    // Moving a range left overwrites only a gap or the range's own old place: keep the gaps, and move
    // the ranges back afterwards (copyWithin is a memmove).
    const gaps: { at: number; bytes: Uint8Array }[] = [];
    for (let i = 1; i < parts.length; i++) {
      const prevEnd = parts[i - 1].byteOffset + parts[i - 1].length;
      gaps.push({ at: prevEnd, bytes: whole.slice(prevEnd, parts[i].byteOffset) });
    }
    const moves: { from: number; to: number; length: number }[] = [];
    let to = parts[0].byteOffset + parts[0].length;
    for (let i = 1; i < parts.length; i++) {
      moves.push({ from: parts[i].byteOffset, to, length: parts[i].length });
      to += parts[i].length;
    }
    let pending: Promise<ArrayBuffer>;
    try {
      for (const m of moves) whole.copyWithin(m.to, m.from, m.from + m.length);
      pending = subtle.digest(alg, whole.subarray(start, to));
    } finally {
      for (let i = moves.length - 1; i >= 0; i--) whole.copyWithin(moves[i].from, moves[i].to, moves[i].to + moves[i].length);
      for (const g of gaps) whole.set(g.bytes, g.at);
    }
    return new Uint8Array(await pending);
  };
}
