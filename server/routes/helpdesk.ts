/**
 * Help desk: support codes from the extension (public, rate-limited) and, for the help-desk role (or an
 * admin) of the envelope's organisation, look-up, timeline and the actions that fix a link. Every action
 * goes through envelopes/manage.ts, so it is audited under the operator's name like the sender's own.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Services } from '../services.js';
import { fail } from '../errors.js';
import { callerOf, jsonBody, langOf, parse, type ApiRegistry } from '../http/api.js';
import { hitRateLimit } from '../http/rate-limit.js';
import { authenticate } from '../auth/users.js';
import type { Actor } from '../auth/actor.js';
import { cancelEnvelope, extendExpiry, resendLink, unlockRecipient } from '../envelopes/manage.js';
import { envelopeFor } from '../envelopes/load.js';
import { CancelRequest, ExtendRequest } from '../../shared/api/sender.js';
import { Diagnosis, HelpdeskLookup, HelpdeskLookupQuery, HelpdeskTimeline, SandboxCopyResponse, SupportBundle, SupportBundleResponse, secretPaths } from '../../shared/api/support.js';
import { SUPPORT_BUNDLE_MAX_BYTES, storeSupportBundle } from '../helpdesk/support-bundles.js';
import { helpdeskLookup } from '../helpdesk/lookup.js';
import { envelopeTimeline } from '../helpdesk/timeline.js';
import { diagnoseEnvelope } from '../helpdesk/diagnose.js';
import { sandboxCopy } from '../helpdesk/sandbox.js';

function operator(c: Context, s: Services): Actor {
  const a = authenticate(s.db, c.req.header('authorization'));
  if (a.role !== 'helpdesk' && a.role !== 'admin') throw fail('forbidden', 403);
  const caller = callerOf(c);
  return { ...a, ip: caller.ip, userAgent: caller.userAgent };
}

export function helpdeskRoutes(app: Hono, api: ApiRegistry, s: Services) {
  const limit = bodyLimit({ maxSize: SUPPORT_BUNDLE_MAX_BYTES, onError: () => { throw fail('too-large', 413, { detail: `${SUPPORT_BUNDLE_MAX_BYTES / 1024} KB` }); } });
  api.add({ method: 'post', path: '/api/support/bundles', summary: 'Store a redacted support bundle from the extension; returns a short support code for the help desk (30 days)', tag: 'support', auth: 'none', body: SupportBundle, response: SupportBundleResponse, errors: [400, 413, 422, 429] });
  app.post('/api/support/bundles', limit, async (c) => {
    const ip = callerOf(c).ip;
    if (!hitRateLimit(s.db, `support-bundle:${ip ?? 'unknown'}`, s.config.rateLimitPerIpPerMinute, 60_000)) throw fail('rate-limited', 429);
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw fail('validation-failed', 400, { detail: 'the body is not JSON' });
    }
    // Before the schema, on the raw body: a secret is refused by name, wherever it hides, and never echoed.
    const secrets = secretPaths(raw);
    if (secrets.length) throw fail('support-bundle-has-secret', 422, { paths: secrets.slice(0, 10).join(', ') });
    return c.json(storeSupportBundle(s, parse(SupportBundle, raw), ip), 201);
  });

  api.add({ method: 'get', path: '/api/helpdesk/lookup', summary: 'Help desk: find envelopes by envelope id, management number, recipient email or support code (with the bundle)', tag: 'helpdesk', auth: 'sender', query: HelpdeskLookupQuery, response: HelpdeskLookup, errors: [400, 401, 403] });
  app.get('/api/helpdesk/lookup', (c) => {
    const a = operator(c, s);
    return c.json(helpdeskLookup(s, a, parse(HelpdeskLookupQuery, c.req.query()).q, langOf(c)));
  });

  api.add({ method: 'get', path: '/api/helpdesk/envelopes/{id}/timeline', summary: 'Help desk: the audit log as a readable timeline, with a diagnosis of each recipient\'s link', tag: 'helpdesk', auth: 'sender', response: HelpdeskTimeline, errors: [401, 403, 404] });
  app.get('/api/helpdesk/envelopes/:id/timeline', (c) => c.json(envelopeTimeline(s, operator(c, s), c.req.param('id'), langOf(c))));

  const done = z.object({ ok: z.literal(true), diagnosis: Diagnosis });
  const answer = (c: Context, a: Actor) => c.json({ ok: true, diagnosis: diagnoseEnvelope(s, envelopeFor(s.db, a, c.req.param('id')!), langOf(c)) });

  api.add({ method: 'post', path: '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/resend', summary: 'Help desk: send the current recipient a new link (the old one dies)', tag: 'helpdesk', auth: 'sender', response: done, errors: [401, 403, 404, 409] });
  app.post('/api/helpdesk/envelopes/:id/recipients/:rid/resend', (c) => {
    const a = operator(c, s);
    resendLink(s, a, c.req.param('id'), c.req.param('rid'));
    return answer(c, a);
  });
  api.add({ method: 'post', path: '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/unlock', summary: 'Help desk: unlock after too many wrong access codes', tag: 'helpdesk', auth: 'sender', response: done, errors: [401, 403, 404, 409] });
  app.post('/api/helpdesk/envelopes/:id/recipients/:rid/unlock', (c) => {
    const a = operator(c, s);
    unlockRecipient(s, a, c.req.param('id'), c.req.param('rid'));
    return answer(c, a);
  });
  api.add({ method: 'post', path: '/api/helpdesk/envelopes/{id}/recipients/{recipientId}/extend', summary: 'Help desk: extend the link\'s expiry', tag: 'helpdesk', auth: 'sender', body: ExtendRequest, response: done, errors: [400, 401, 403, 404, 409] });
  app.post('/api/helpdesk/envelopes/:id/recipients/:rid/extend', async (c) => {
    const a = operator(c, s);
    extendExpiry(s, a, c.req.param('id'), c.req.param('rid'), (await jsonBody(c, ExtendRequest)).days);
    return answer(c, a);
  });
  api.add({ method: 'post', path: '/api/helpdesk/envelopes/{id}/cancel', summary: 'Help desk: cancel with a reason (recipients already contacted are told)', tag: 'helpdesk', auth: 'sender', body: CancelRequest, response: done, errors: [400, 401, 403, 404, 409] });
  app.post('/api/helpdesk/envelopes/:id/cancel', async (c) => {
    const a = operator(c, s);
    cancelEnvelope(s, a, c.req.param('id'), (await jsonBody(c, CancelRequest)).reason);
    return answer(c, a);
  });

  api.add({ method: 'post', path: '/api/helpdesk/envelopes/{id}/sandbox', summary: 'Help desk: a test copy of the envelope (same documents count and page sizes, fields, recipient order and roles) addressed to the operator and sent at once; its fresh access codes are in this answer only', tag: 'helpdesk', auth: 'sender', response: SandboxCopyResponse, errors: [401, 403, 404] });
  app.post('/api/helpdesk/envelopes/:id/sandbox', async (c) => c.json(await sandboxCopy(s, operator(c, s), c.req.param('id'), langOf(c)), 201));
}
