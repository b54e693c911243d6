import { Blob as NodeBlob } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { pdfBlobOfBase64, stashForVerification, takeForVerification } from '../../extension/verify/handoff';

describe('handing PDFs from the side panel to the verify page', () => {
  beforeEach(() => fakeBrowser.reset());

  it('gives the verify page each file as a Blob of the same bytes, once', async () => {
    // Over 3 MB: decoded in several slices.
    const files = [
      { name: 'a.pdf', bytes: new Uint8Array(randomBytes((7 << 20) + 5)) },
      { name: 'b.pdf', bytes: new Uint8Array(randomBytes(10)) },
    ];
    const id = await stashForVerification(files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer })));
    const got = await takeForVerification(id);
    expect(got.map((f) => f.name)).toEqual(['a.pdf', 'b.pdf']);
    for (const [i, f] of got.entries()) {
      expect(f.file.type).toBe('application/pdf');
      expect(f.file.size).toBe(files[i].bytes.length);
      expect(Buffer.from(await f.file.arrayBuffer()).equals(Buffer.from(files[i].bytes))).toBe(true);
    }
    expect(await takeForVerification(id)).toEqual([]);
  });

  it('decodes base64 of any length, slice boundaries included', async () => {
    for (const n of [0, 1, 2, 3, (3 << 20) - 1, 3 << 20, (3 << 20) + 1]) {
      const bytes = randomBytes(n);
      const blob = pdfBlobOfBase64(bytes.toString('base64'));
      expect(Buffer.from(await new NodeBlob([await blob.arrayBuffer()]).arrayBuffer()).equals(bytes)).toBe(true);
    }
  });
});
