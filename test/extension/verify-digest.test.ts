import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inPlaceDigest } from '../../extension/verify/digest';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe('hashing signed ranges in place (verify worker)', () => {
  const digest = inPlaceDigest();

  it('hashes a ByteRange [0 a c d] of the file buffer and leaves the buffer as it was', async () => {
    const file = new Uint8Array(randomBytes(300_000));
    const before = file.slice();
    const parts = [file.subarray(0, 120_000), file.subarray(140_000, 300_000)];
    expect(await digest('SHA-256', parts)).toEqual(sha(...parts.map((p) => before.subarray(p.byteOffset, p.byteOffset + p.length))));
    expect(Buffer.from(file).equals(Buffer.from(before))).toBe(true);
  });

  it('handles several ranges, a range not starting at 0, and falls back to a copy for ranges out of order or in other buffers', async () => {
    const file = new Uint8Array(randomBytes(10_000));
    const before = file.slice();
    const three = [file.subarray(100, 1000), file.subarray(1500, 4000), file.subarray(4001, 10_000)];
    expect(await digest('SHA-256', three)).toEqual(sha(before.subarray(100, 1000), before.subarray(1500, 4000), before.subarray(4001, 10_000)));
    const swapped = [file.subarray(5000, 6000), file.subarray(0, 100)];
    expect(await digest('SHA-256', swapped)).toEqual(sha(before.subarray(5000, 6000), before.subarray(0, 100)));
    const other = new Uint8Array(randomBytes(50));
    expect(await digest('SHA-256', [file.subarray(0, 10), other])).toEqual(sha(before.subarray(0, 10), other));
    expect(Buffer.from(file).equals(Buffer.from(before))).toBe(true);
  });

  it('gives what the validation core expects for SHA-384 and one part', async () => {
    const data = new Uint8Array(randomBytes(1000));
    expect(await digest('SHA-384', [data])).toEqual(new Uint8Array(createHash('sha384').update(data).digest()));
  });
});
