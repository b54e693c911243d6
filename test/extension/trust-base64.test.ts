import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64 } from '../../extension/trust/anchors';

describe('base64 (trust anchors, PDFs handed to the verify page)', () => {
  it('matches Node’s encoder at every length around its 24 KB pieces', () => {
    for (const n of [0, 1, 2, 3, 4, 24 * 1024 - 1, 24 * 1024, 24 * 1024 + 1, 24 * 1024 + 2, 100_001, 3 * 1024 * 1024 + 5]) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(base64(bytes), `${n} bytes`).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});
