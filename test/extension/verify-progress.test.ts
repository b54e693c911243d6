import { describe, expect, it } from 'vitest';
import { PROGRESS_AT_ONCE_BYTES, PROGRESS_DELAY_MS, progressDelay } from '../../extension/verify/progress';

describe("when the verify page shows a file's progress", () => {
  it('shows a small file its progress only after the delay, counted from when it was picked', () => {
    expect(progressDelay(1_000_000, 1000, 1000)).toBe(PROGRESS_DELAY_MS);
    expect(progressDelay(1_000_000, 1000, 1200)).toBe(PROGRESS_DELAY_MS - 200);
    expect(progressDelay(PROGRESS_AT_ONCE_BYTES - 1, 1000, 1000 + PROGRESS_DELAY_MS)).toBe(0);
    expect(progressDelay(1_000_000, 1000, 5000)).toBe(0);
  });

  it('shows a large file its progress at once', () => {
    expect(progressDelay(PROGRESS_AT_ONCE_BYTES, 1000, 1000)).toBe(0);
    expect(progressDelay(100 * 1024 * 1024, 1000, 1000)).toBe(0);
  });
});
