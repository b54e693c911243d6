/** The fixed recipient routes of DESIGN.md §3. Thin: parse, call the domain, shape the answer. */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Services } from '../services.js';
import { fail } from '../errors.js';
import { callerOf, jsonBody, type ApiRegistry } from '../http/api.js';
import { publicInfo, openSession } from '../envelopes/recipient-access.js';
import { completeRecipient, documentPdf, listDocuments, rejectRecipient } from '../envelopes/recipient-actions.js';
import {
  CompleteRequest,
  CompleteResponse,
  DocumentsResponse,
  PublicInfo,
  RejectRequest,
  RejectResponse,
  SessionRequest,
  SessionResponse,
} from '../../shared/api/recipient.js';

export function recipientRoutes(app: Hono, api: ApiRegistry, s: Services) {
  const small = bodyLimit({ maxSize: 64 * 1024, onError: () => { throw fail('too-large', 413, { detail: '64 KB' }); } });

  api.add({ method: 'get', path: '/api/sign/{token}', summary: 'Public information about a signing link (never changes state)', tag: 'recipient', auth: 'none', response: PublicInfo, errors: [404] });
  app.get('/api/sign/:token', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(publicInfo(s, c.req.param('token'), callerOf(c)));
  });

  api.add({ method: 'post', path: '/api/sign/{token}/session', summary: 'Exchange the access code for a short-lived recipient session', tag: 'recipient', auth: 'none', body: SessionRequest, response: SessionResponse, errors: [400, 401, 404, 409, 410, 423, 429] });
  app.post('/api/sign/:token/session', small, async (c) => {
    const { accessCode } = await jsonBody(c, SessionRequest);
    return c.json(await openSession(s, c.req.param('token'), accessCode, callerOf(c)));
  });

  api.add({ method: 'get', path: '/api/sign/{token}/documents', summary: 'The documents with this recipient\'s fields', tag: 'recipient', auth: 'recipient-session', response: DocumentsResponse, errors: [401, 404, 409, 410, 423] });
  app.get('/api/sign/:token/documents', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(listDocuments(s, c.req.param('token'), c.req.header('authorization')));
  });

  api.add({ method: 'get', path: '/api/sign/{token}/documents/{documentId}/pdf', summary: 'The PDF as it currently stands (?download=1 records a download)', tag: 'recipient', auth: 'recipient-session', responseType: 'application/pdf', errors: [401, 404, 409, 410, 423] });
  app.get('/api/sign/:token/documents/:documentId/pdf', (c) => {
    const download = c.req.query('download') === '1';
    const { name, bytes } = documentPdf(s, c.req.param('token'), c.req.header('authorization'), c.req.param('documentId'), download, callerOf(c));
    return new Response(bytes as unknown as BodyInit, {
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Length': String(bytes.length),
        'Cache-Control': 'no-store',
        'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(name)}`,
      },
    });
  });

  api.add({ method: 'post', path: '/api/sign/{token}/complete', summary: 'Complete: field values, then an approval signature on every document', tag: 'recipient', auth: 'recipient-session', body: CompleteRequest, response: CompleteResponse, errors: [400, 401, 404, 409, 410, 422, 423, 503] });
  app.post('/api/sign/:token/complete', small, async (c) => {
    const { fields } = await jsonBody(c, CompleteRequest);
    return c.json(await completeRecipient(s, c.req.param('token'), c.req.header('authorization'), fields, callerOf(c)));
  });

  api.add({ method: 'post', path: '/api/sign/{token}/reject', summary: 'Reject with a reason: the envelope stops and the sender is told', tag: 'recipient', auth: 'recipient-session', body: RejectRequest, response: RejectResponse, errors: [400, 401, 404, 409, 410, 423] });
  app.post('/api/sign/:token/reject', small, async (c) => {
    const { reason } = await jsonBody(c, RejectRequest);
    return c.json(rejectRecipient(s, c.req.param('token'), c.req.header('authorization'), reason, callerOf(c)));
  });
}
