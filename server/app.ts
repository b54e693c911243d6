import { Hono } from 'hono';

/** Composes the HTTP API. Routes stay thin; domain code never sees Hono (STYLE.md). */
export function createApp() {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  return app;
}
