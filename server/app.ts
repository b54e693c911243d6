/** Composes the HTTP API. Routes stay thin; domain code never sees Hono (STYLE.md). */
import { Hono, type Context } from 'hono';
import { ZodError } from 'zod';
import type { Services } from './services.js';
import { ApiFailure } from './errors.js';
import { ApiRegistry, langOf, validationDetail } from './http/api.js';
import { errorMessage } from '../shared/i18n/errors.js';
import { recipientRoutes } from './routes/recipient.js';
import { senderRoutes } from './routes/sender.js';
import { pageRoutes } from './routes/pages.js';
import { helpdeskRoutes } from './routes/helpdesk.js';

export type RouteExtension = (app: Hono, api: ApiRegistry, s: Services) => void;

export function createApp(s: Services, extensions: RouteExtension[] = []) {
  const app = new Hono();
  const api = new ApiRegistry();

  // Set before the handler, Hono adds the headers while building c.json / c.body responses; a handler
  // that returns its own Response (PDF downloads) gets them afterwards.
  const always = (c: Context, name: string, value: string) => {
    c.header(name, value);
    return () => {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    };
  };
  app.use('*', async (c, next) => {
    const after = always(c, 'X-Content-Type-Options', 'nosniff');
    await next();
    after();
  });
  // The extension's pages and service worker call the API cross-origin.
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, POST, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept-Language, X-Esign-Client',
          'Access-Control-Max-Age': '600',
        },
      });
    }
    const after = always(c, 'Access-Control-Allow-Origin', '*');
    await next();
    after();
  });

  app.get('/healthz', (c) => c.json({ ok: true, signing: s.signing.kind }));
  recipientRoutes(app, api, s);
  senderRoutes(app, api, s);
  helpdeskRoutes(app, api, s);
  pageRoutes(app, s);
  for (const extend of extensions) extend(app, api, s);
  app.get('/api/openapi.json', (c) => c.json(api.openapi()));

  app.notFound((c) => c.json({ error: { code: 'not-found', message: errorMessage('not-found', langOf(c)) } }, 404));
  app.onError((err, c) => {
    const lang = langOf(c);
    if (err instanceof ApiFailure) {
      return c.json({ error: { code: err.code, message: errorMessage(err.code, lang, err.params), ...err.extra } }, err.status as 400);
    }
    if (err instanceof ZodError) {
      return c.json({ error: { code: 'validation-failed', message: errorMessage('validation-failed', lang, { detail: validationDetail(err) }) } }, 400);
    }
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: { code: 'internal', message: errorMessage('internal', lang) } }, 500);
  });
  return app;
}
