import { Blob as NodeBlob } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readFileBytes } from '../../extension/verify/read-file';

// Node's Blob streams bytes as Chromium's does (a byte stream, read with a BYOB reader); happy-dom's does
// not, as in a browser that lacks it.
const blob = (parts: Uint8Array[]) => new NodeBlob(parts, { type: 'application/pdf' }) as unknown as Blob;

describe('reading a picked PDF into the verify worker', () => {
  it('reads a file of several parts into one buffer of its size, reporting progress up to the end', async () => {
    const parts = [randomBytes(5 << 20), randomBytes(3 << 20), randomBytes(12_345)].map((b) => new Uint8Array(b));
    const file = blob(parts);
    const progress: number[] = [];
    const bytes = await readFileBytes(file, (done) => progress.push(done));
    expect(bytes.length).toBe(file.size);
    expect(bytes.buffer.byteLength).toBe(file.size);
    expect(Buffer.from(bytes).equals(Buffer.concat(parts))).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(file.size);
  });

  it('reads an empty file as no bytes', async () => {
    const progress: number[] = [];
    expect((await readFileBytes(blob([]), (done) => progress.push(done))).length).toBe(0);
    expect(progress).toEqual([]);
  });

  it('says so when the file holds fewer bytes than its size (it changed on disk while read)', async () => {
    const shrunk = blob([new Uint8Array(1000)]);
    const claimed = { size: 4000, stream: () => shrunk.stream() } as Blob;
    await expect(readFileBytes(claimed, () => undefined)).rejects.toThrow('1000 of 4000 bytes read: the file changed while it was read');
  });

  it('reads the whole file in one go where the Blob stream is not a byte stream', async () => {
    const bytes = new Uint8Array(randomBytes(100_000));
    const file = new Blob([bytes]);
    expect(() => file.stream().getReader({ mode: 'byob' })).toThrow();
    const progress: number[] = [];
    expect(Buffer.from(await readFileBytes(file, (done) => progress.push(done))).equals(Buffer.from(bytes))).toBe(true);
    expect(progress).toEqual([100_000]);
  });
});
