/**
 * When the verify page shows a file's progress. A file whose verification ends within
 * PROGRESS_DELAY_MS shows none, the usual rule for a quick operation: no flash of a bar that vanishes at
 * once. That also keeps the display's own cost (laying out, painting and compositing a moving bar: 3–4 MB
 * in the renderer and GPU processes, measured) out of the memory peak of a quick verification (issue 4).
 * Slower ones, and files queued behind them, show it after that delay; a large file shows it at once.
 */
export const PROGRESS_DELAY_MS = 500;

/** From this size on a file shows its progress at once: reading and hashing it take a while anyway. */
export const PROGRESS_AT_ONCE_BYTES = 32 * 1024 * 1024;

/** Milliseconds from now until the progress of a file of `bytes` picked at `startedAt` shows; 0 = now. */
export function progressDelay(bytes: number, startedAt: number, now: number): number {
  return bytes >= PROGRESS_AT_ONCE_BYTES ? 0 : Math.max(0, PROGRESS_DELAY_MS - (now - startedAt));
}
