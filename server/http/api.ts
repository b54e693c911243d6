/**
 * One place that both validates requests (zod) and describes them (OpenAPI 3.1 at /api/openapi.json,
 * from the same zod schemas via z.toJSONSchema), so the document cannot drift from the code.
 */
import { z } from 'zod';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { fail } from '../errors.js';
import { pickLanguage, type Lang } from '../../shared/i18n/errors.js';

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  tag: 'recipient' | 'sender' | 'auth' | 'pki' | 'helpdesk' | 'support';
  auth: 'none' | 'recipient-session' | 'sender';
  body?: z.ZodType;
  multipart?: boolean;
  query?: z.ZodType;
  response?: z.ZodType;
  responseType?: string;
  errors?: number[];
}

export class ApiRegistry {
  readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc) {
    this.routes.push(doc);
  }

  openapi() {
    const paths: Record<string, Record<string, unknown>> = {};
    const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
    const errorSchema = {
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
    };
    for (const r of this.routes) {
      const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const query = r.query ? Object.entries((schema(r.query) as { properties?: Record<string, unknown> }).properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: s })) : [];
      const responses: Record<string, unknown> = {
        '200': r.responseType
          ? { description: 'OK', content: { [r.responseType]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: 'OK', content: { 'application/json': { schema: r.response ? schema(r.response) : {} } } },
      };
      for (const status of r.errors ?? []) responses[String(status)] = { description: 'Error', content: { 'application/json': { schema: errorSchema } } };
      (paths[r.path] ??= {})[r.method] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.auth === 'none' ? { security: [] } : { security: [{ [r.auth === 'sender' ? 'senderAuth' : 'recipientSession']: [] }] }),
        parameters: [...params, ...query],
        ...(r.body
          ? {
              requestBody: {
                required: true,
                content: r.multipart
                  ? { 'multipart/form-data': { schema: { type: 'object', properties: { envelope: schema(r.body), documents: { type: 'array', items: { type: 'string', format: 'binary' } } } } } }
                  : { 'application/json': { schema: schema(r.body) } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'esign-witness API', version: '1', description: 'Witness-type e-contracts. Errors are { error: { code, message } } in the caller\'s language (Accept-Language).' },
      components: {
        securitySchemes: {
          senderAuth: { type: 'http', scheme: 'bearer', description: 'us_… (session from /api/auth/login) or ak_… (API key)' },
          recipientSession: { type: 'http', scheme: 'bearer', description: 'from POST /api/sign/{token}/session' },
        },
      },
      paths,
    };
  }
}

export function langOf(c: Context): Lang {
  return pickLanguage(c.req.header('accept-language'));
}

export function validationDetail(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw fail('validation-failed', 400, { detail: validationDetail(r.error) });
  return r.data;
}

export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw fail('validation-failed', 400, { detail: 'the body is not JSON' });
  }
  return parse(schema, value);
}

/** Client address: the socket's, or the first X-Forwarded-For hop when TRUST_PROXY=1. */
export function clientIp(c: Context): string | null {
  if (process.env.TRUST_PROXY === '1') {
    const fwd = c.req.header('x-forwarded-for');
    if (fwd) return fwd.split(',')[0]!.trim();
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

export function callerOf(c: Context) {
  return {
    ip: clientIp(c),
    userAgent: c.req.header('user-agent') ?? null,
    acceptLanguage: c.req.header('accept-language') ?? null,
    extension: (c.req.header('x-esign-client') ?? '').startsWith('extension'),
  };
}
