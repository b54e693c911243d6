import type { Db } from '../store/db.js';

/**
 * Fixed-window counter kept in the database, so several server instances share it (DESIGN.md §5).
 * Returns whether this hit is within the limit.
 */
export function hitRateLimit(db: Db, key: string, limit: number, windowMs: number, now = Date.now()): boolean {
  const stale = now - windowMs;
  const row = db.$client
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
       RETURNING count`,
    )
    .get(key, now, stale, stale) as { count: number };
  return row.count <= limit;
}
