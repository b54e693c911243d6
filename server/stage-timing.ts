/**
 * Where a request's time goes, for whoever listens (the server benchmark's probe): a clock that sums
 * the time between marks per stage and publishes `{ stage: ms }` on a diagnostics channel when done.
 * With no subscriber it is null and costs nothing.
 */
import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

export type StageClock = { mark(stage: string): void; done(): void } | null;

export function stageClock(name: string): StageClock {
  const ch = channel(name);
  if (!ch.hasSubscribers) return null;
  const spans: Record<string, number> = {};
  let last = performance.now();
  return {
    mark(stage) {
      const t = performance.now();
      spans[stage] = (spans[stage] ?? 0) + (t - last);
      last = t;
    },
    done() {
      ch.publish(spans);
    },
  };
}
