/** Sender side: sign-in, users, API keys, envelopes. Authenticated by user session or API key. */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Services } from '../services.js';
import { readCertificate, readDocument } from '../services.js';
import { fail } from '../errors.js';
import { callerOf, jsonBody, langOf, parse, type ApiRegistry } from '../http/api.js';
import { authenticate, createApiKey, createUser, enableTotp, listApiKeys, listUsers, login, logout, newTotpSecret, revokeApiKey } from '../auth/users.js';
import type { Actor } from '../auth/actor.js';
import { createEnvelope } from '../envelopes/create.js';
import { sendEnvelope } from '../envelopes/send.js';
import { cancelEnvelope, extendExpiry, resendLink, unlockRecipient } from '../envelopes/manage.js';
import { envelopeView, searchEnvelopes } from '../envelopes/views.js';
import { envelopeFor, documentsOf } from '../envelopes/load.js';
import { auditTrail } from '../audit/log.js';
import { hitRateLimit } from '../http/rate-limit.js';
import {
  CancelRequest,
  CreateApiKeyRequest,
  CreateUserRequest,
  EnvelopeInput,
  EnvelopeSearch,
  EnvelopeSummary,
  EnvelopeView,
  ExtendRequest,
  LoginRequest,
  TotpEnableRequest,
} from '../../shared/api/sender.js';

function actor(c: Context, s: Services, roles: Actor['role'][] = ['admin', 'sender']): Actor {
  const a = authenticate(s.db, c.req.header('authorization'));
  if (!roles.includes(a.role)) throw fail('forbidden', 403);
  const caller = callerOf(c);
  return { ...a, ip: caller.ip, userAgent: caller.userAgent };
}

const pdfResponse = (name: string, bytes: Uint8Array) =>
  new Response(bytes as unknown as BodyInit, {
    headers: { 'Content-Type': 'application/pdf', 'Content-Length': String(bytes.length), 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` },
  });

export function senderRoutes(app: Hono, api: ApiRegistry, s: Services) {
  const ok = z.object({ ok: z.literal(true) });

  api.add({ method: 'post', path: '/api/auth/login', summary: 'Sign in with email, password and (when enabled) a TOTP code', tag: 'auth', auth: 'none', body: LoginRequest, response: z.object({ token: z.string() }), errors: [400, 401] });
  app.post('/api/auth/login', async (c) => {
    if (!hitRateLimit(s.db, `login:${callerOf(c).ip ?? 'unknown'}`, s.config.rateLimitPerIpPerMinute, 60_000)) throw fail('rate-limited', 429);
    const b = await jsonBody(c, LoginRequest);
    const { token, actor: a } = await login(s.db, b.email, b.password, b.totp);
    return c.json({ token, user: { id: a.userId, name: a.name, email: a.email, role: a.role } });
  });
  api.add({ method: 'post', path: '/api/auth/logout', summary: 'End this session', tag: 'auth', auth: 'sender', response: ok });
  app.post('/api/auth/logout', (c) => {
    actor(c, s, ['admin', 'sender', 'helpdesk']);
    logout(s.db, (c.req.header('authorization') ?? '').replace(/^Bearer /, ''));
    return c.json({ ok: true });
  });
  api.add({ method: 'get', path: '/api/me', summary: 'Who am I', tag: 'auth', auth: 'sender' });
  app.get('/api/me', (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    return c.json({ id: a.userId, name: a.name, email: a.email, role: a.role, orgId: a.orgId, via: a.via });
  });
  api.add({ method: 'post', path: '/api/auth/totp/setup', summary: 'A new TOTP secret to show as a QR code', tag: 'auth', auth: 'sender' });
  app.post('/api/auth/totp/setup', (c) => c.json(newTotpSecret(actor(c, s, ['admin', 'sender', 'helpdesk']).email)));
  api.add({ method: 'post', path: '/api/auth/totp/enable', summary: 'Turn TOTP on after proving a code', tag: 'auth', auth: 'sender', body: TotpEnableRequest, response: ok, errors: [401] });
  app.post('/api/auth/totp/enable', async (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    const b = await jsonBody(c, TotpEnableRequest);
    enableTotp(s.db, a.userId, b.secret, b.code);
    return c.json({ ok: true });
  });

  api.add({ method: 'get', path: '/api/users', summary: 'Users of my organisation', tag: 'auth', auth: 'sender', errors: [401, 403] });
  app.get('/api/users', (c) => c.json({ users: listUsers(s.db, actor(c, s, ['admin']).orgId) }));
  api.add({ method: 'post', path: '/api/users', summary: 'Add a user (admin)', tag: 'auth', auth: 'sender', body: CreateUserRequest, errors: [400, 401, 403, 409] });
  app.post('/api/users', async (c) => {
    const a = actor(c, s, ['admin']);
    const b = await jsonBody(c, CreateUserRequest);
    return c.json({ id: await createUser(s.db, { ...b, orgId: a.orgId }) });
  });

  api.add({ method: 'get', path: '/api/api-keys', summary: 'My API keys (prefixes only)', tag: 'auth', auth: 'sender' });
  app.get('/api/api-keys', (c) => c.json({ keys: listApiKeys(s.db, actor(c, s).userId) }));
  api.add({ method: 'post', path: '/api/api-keys', summary: 'A new API key for scripts (shown once)', tag: 'auth', auth: 'sender', body: CreateApiKeyRequest });
  app.post('/api/api-keys', async (c) => {
    const a = actor(c, s);
    const b = await jsonBody(c, CreateApiKeyRequest);
    return c.json(createApiKey(s.db, a.userId, b.name));
  });
  api.add({ method: 'delete', path: '/api/api-keys/{id}', summary: 'Revoke an API key', tag: 'auth', auth: 'sender', response: ok, errors: [404] });
  app.delete('/api/api-keys/:id', (c) => {
    revokeApiKey(s.db, actor(c, s).userId, c.req.param('id'));
    return c.json({ ok: true });
  });

  const uploadLimit = bodyLimit({
    maxSize: s.config.maxEnvelopeBytes + 1024 * 1024,
    onError: (c) => { throw fail('too-large', 413, { detail: langOf(c) === 'ja' ? `封筒全体で ${Math.round(s.config.maxEnvelopeBytes / 1048576)} MB を超えています` : `the envelope is over ${Math.round(s.config.maxEnvelopeBytes / 1048576)} MB` }); },
  });
  api.add({ method: 'post', path: '/api/envelopes', summary: 'Create an envelope: multipart with an `envelope` JSON part and one `documents` part per PDF (in order)', tag: 'sender', auth: 'sender', body: EnvelopeInput, multipart: true, response: z.object({ envelopeId: z.string() }), errors: [400, 401, 413, 415, 422] });
  app.post('/api/envelopes', uploadLimit, async (c) => {
    const a = actor(c, s);
    const lang = langOf(c);
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      throw fail('validation-failed', 415, { detail: 'multipart/form-data with `envelope` (JSON) and `documents` (PDF files)' });
    }
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      throw fail('validation-failed', 400, { detail: 'the multipart body cannot be read' });
    }
    const meta = form.envelope;
    if (typeof meta !== 'string') throw fail('validation-failed', 400, { detail: '`envelope` JSON part is missing' });
    let json: unknown;
    try {
      json = JSON.parse(meta);
    } catch {
      throw fail('validation-failed', 400, { detail: '`envelope` is not JSON' });
    }
    const input = parse(EnvelopeInput, json);
    const parts = form.documents === undefined ? [] : Array.isArray(form.documents) ? form.documents : [form.documents];
    const files = [];
    for (const [i, p] of parts.entries()) {
      if (typeof p === 'string') throw fail('validation-failed', 400, { detail: `documents[${i}] is not a file` });
      files.push({ name: p.name || `document-${i + 1}.pdf`, bytes: new Uint8Array(await p.arrayBuffer()) });
    }
    return c.json(await createEnvelope(s, a, input, files, lang), 201);
  });

  api.add({ method: 'get', path: '/api/envelopes', summary: 'Search by transaction date range, counterparty (partial), amount range, title, status, management number', tag: 'sender', auth: 'sender', query: EnvelopeSearch, response: z.object({ envelopes: z.array(EnvelopeSummary) }) });
  app.get('/api/envelopes', (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    return c.json({ envelopes: searchEnvelopes(s, a, parse(EnvelopeSearch, c.req.query())) });
  });
  api.add({ method: 'get', path: '/api/envelopes/{id}', summary: 'An envelope with its documents and the status of each recipient', tag: 'sender', auth: 'sender', response: EnvelopeView, errors: [401, 404] });
  app.get('/api/envelopes/:id', (c) => c.json(envelopeView(s, actor(c, s, ['admin', 'sender', 'helpdesk']), c.req.param('id'))));
  api.add({ method: 'get', path: '/api/envelopes/{id}/audit', summary: 'The audit trail', tag: 'sender', auth: 'sender', errors: [401, 404] });
  app.get('/api/envelopes/:id/audit', (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    envelopeFor(s.db, a, c.req.param('id'));
    return c.json({ events: auditTrail(s.db, c.req.param('id')) });
  });
  api.add({ method: 'post', path: '/api/envelopes/{id}/send', summary: 'Send a draft', tag: 'sender', auth: 'sender', response: ok, errors: [401, 404, 409, 503] });
  app.post('/api/envelopes/:id/send', async (c) => {
    await sendEnvelope(s, actor(c, s), c.req.param('id'));
    return c.json({ ok: true });
  });
  api.add({ method: 'post', path: '/api/envelopes/{id}/cancel', summary: 'Cancel with a reason (recipients already contacted are told)', tag: 'sender', auth: 'sender', body: CancelRequest, response: ok, errors: [400, 401, 404, 409] });
  app.post('/api/envelopes/:id/cancel', async (c) => {
    const a = actor(c, s);
    cancelEnvelope(s, a, c.req.param('id'), (await jsonBody(c, CancelRequest)).reason);
    return c.json({ ok: true });
  });
  api.add({ method: 'post', path: '/api/envelopes/{id}/recipients/{recipientId}/resend', summary: 'Send a new link (the old one dies)', tag: 'sender', auth: 'sender', response: ok, errors: [401, 404, 409] });
  app.post('/api/envelopes/:id/recipients/:rid/resend', (c) => {
    resendLink(s, actor(c, s, ['admin', 'sender', 'helpdesk']), c.req.param('id'), c.req.param('rid'));
    return c.json({ ok: true });
  });
  api.add({ method: 'post', path: '/api/envelopes/{id}/recipients/{recipientId}/unlock', summary: 'Unlock after too many wrong access codes', tag: 'sender', auth: 'sender', response: ok, errors: [401, 404, 409] });
  app.post('/api/envelopes/:id/recipients/:rid/unlock', (c) => {
    unlockRecipient(s, actor(c, s, ['admin', 'sender', 'helpdesk']), c.req.param('id'), c.req.param('rid'));
    return c.json({ ok: true });
  });
  api.add({ method: 'post', path: '/api/envelopes/{id}/recipients/{recipientId}/extend', summary: 'Extend the link\'s expiry', tag: 'sender', auth: 'sender', body: ExtendRequest, response: ok, errors: [400, 401, 404, 409] });
  app.post('/api/envelopes/:id/recipients/:rid/extend', async (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    extendExpiry(s, a, c.req.param('id'), c.req.param('rid'), (await jsonBody(c, ExtendRequest)).days);
    return c.json({ ok: true });
  });
  api.add({ method: 'get', path: '/api/envelopes/{id}/documents/{documentId}/pdf', summary: 'A document as it currently stands (signed PDFs once concluded)', tag: 'sender', auth: 'sender', responseType: 'application/pdf', errors: [401, 404] });
  app.get('/api/envelopes/:id/documents/:docId/pdf', (c) => {
    const a = actor(c, s, ['admin', 'sender', 'helpdesk']);
    const doc = documentsOf(s.db, envelopeFor(s.db, a, c.req.param('id')).id).find((d) => d.id === c.req.param('docId'));
    if (!doc) throw fail('not-found', 404);
    return pdfResponse(doc.name, readDocument(s, doc.id));
  });
  api.add({ method: 'get', path: '/api/envelopes/{id}/certificate', summary: 'The conclusion certificate (締結証明書) PDF', tag: 'sender', auth: 'sender', responseType: 'application/pdf', errors: [401, 404] });
  app.get('/api/envelopes/:id/certificate', (c) => {
    const env = envelopeFor(s.db, actor(c, s, ['admin', 'sender', 'helpdesk']), c.req.param('id'));
    if (!env.certificateBlobId) throw fail('not-found', 404);
    return pdfResponse(`締結証明書_${env.id.slice(0, 8)}.pdf`, readCertificate(s, env.id));
  });
}
