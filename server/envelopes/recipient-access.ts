/**
 * The recipient side up to a session: resolving a link, public info (never a state change: mail scanners
 * open links), the access code (slow hash, attempts counted, lock at the limit) and the short-lived
 * recipient session, which is an HMAC over (recipient, link generation, expiry): stateless, so any
 * server instance can check it, and dead as soon as the link is replaced.
 */
import { and, eq, sql } from 'drizzle-orm';
import { q } from '../store/prepared.js';
import type { Services } from '../services.js';
import { hashToken, hmac, safeEqual, slowVerify } from '../auth/secrets.js';
import { recipients } from '../store/schema.js';
import { appendAudit } from '../audit/log.js';
import { fail } from '../errors.js';
import { hitRateLimit } from '../http/rate-limit.js';
import type { LinkState, PublicInfo } from '../../shared/api/recipient.js';
import { senderOf, type EnvelopeRow, type RecipientRow } from './load.js';
import { classifyOpener } from './opener.js';

export interface Caller {
  ip: string | null;
  userAgent: string | null;
  acceptLanguage?: string | null;
  extension?: boolean;
}

export interface Link {
  env: EnvelopeRow;
  recipient: RecipientRow;
}

export function resolveLink(s: Services, token: string): Link {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw fail('invalid-link', 404, {}, { state: 'invalid' });
  const recipient = q(s.db).recipientByTokenHash.get({ hash: hashToken(token) });
  if (!recipient) throw fail('invalid-link', 404, {}, { state: 'invalid' });
  const env = q(s.db).envelopeById.get({ id: recipient.envelopeId })!;
  return { env, recipient };
}

export function linkState(
  { env, recipient: r }: { env: Pick<EnvelopeRow, 'status'>; recipient: Pick<RecipientRow, 'status' | 'linkExpiresAt'> },
  now: number,
): LinkState {
  if (env.status === 'cancelled') return 'cancelled';
  if (env.status === 'completed') return 'concluded';
  if (r.status === 'completed') return 'completed';
  if (env.status === 'rejected') return 'rejected';
  if (r.status === 'locked') return 'locked';
  if (r.status === 'expired' || (r.linkExpiresAt !== null && r.linkExpiresAt <= now)) return 'expired';
  if (r.status === 'waiting') return 'not-yet';
  return 'ready';
}

/** The failure for a link that cannot be acted on, or null when it can. */
export function stateFailure(state: LinkState, r: RecipientRow) {
  switch (state) {
    case 'ready':
      return null;
    case 'cancelled':
      return fail('envelope-cancelled', 409, {}, { state });
    case 'concluded':
    case 'completed':
      return fail('already-completed', 409, {}, { state });
    case 'rejected':
      return r.status === 'rejected' ? fail('already-rejected', 409, {}, { state }) : fail('envelope-rejected', 409, {}, { state });
    case 'locked':
      return fail('locked', 423, {}, { state });
    case 'expired':
      return fail('expired', 410, {}, { state });
    case 'not-yet':
      return fail('not-your-turn', 409, {}, { state });
    default:
      return fail('invalid-link', 404, {}, { state });
  }
}

// Everything public info shows, in one statement: it is the hottest route (mail scanners, banners).
const PUBLIC_INFO_SQL = `
SELECT r.id AS recipientId, r.email, r.name AS recipientName, r.language, r.status AS recipientStatus,
       r.link_expires_at AS linkExpiresAt, r.link_generation AS linkGeneration,
       e.id AS envelopeId, e.status AS envelopeStatus, e.title,
       u.name AS senderName, o.name AS senderOrganization,
       (SELECT count(*) FROM documents d WHERE d.envelope_id = e.id) AS documentCount
FROM recipients r
JOIN envelopes e ON e.id = r.envelope_id
JOIN users u ON u.id = e.sender_user_id
JOIN organizations o ON o.id = e.org_id
WHERE r.token_hash = ?`;

interface PublicInfoRow {
  recipientId: string;
  email: string;
  recipientName: string;
  language: 'ja' | 'en';
  recipientStatus: RecipientRow['status'];
  linkExpiresAt: number | null;
  linkGeneration: number;
  envelopeId: string;
  envelopeStatus: EnvelopeRow['status'];
  title: string;
  senderName: string;
  senderOrganization: string;
  documentCount: number;
}

export function publicInfo(s: Services, token: string, caller: Caller): PublicInfo {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw fail('invalid-link', 404, {}, { state: 'invalid' });
  const row = s.db.$client.prepare(PUBLIC_INFO_SQL).get(hashToken(token)) as PublicInfoRow | undefined;
  if (!row) throw fail('invalid-link', 404, {}, { state: 'invalid' });
  const now = s.now();
  const link = {
    env: { id: row.envelopeId, status: row.envelopeStatus },
    recipient: { id: row.recipientId, email: row.email, status: row.recipientStatus, linkExpiresAt: row.linkExpiresAt, linkGeneration: row.linkGeneration },
  };
  recordOpened(s, link, caller, now);
  return {
    state: linkState(link, now),
    senderOrganization: row.senderOrganization,
    senderName: row.senderName,
    title: row.title,
    expiresAt: row.linkExpiresAt ? new Date(row.linkExpiresAt).toISOString() : null,
    recipientName: row.recipientName,
    language: row.language,
    documentCount: row.documentCount,
  };
}

/**
 * Audit only (no state): who opened the link, told apart as browser / extension / mail scanner.
 * The same opener within ten minutes is recorded once, so a refreshing page or a scanner's retries do
 * not flood the log.
 */
function recordOpened(
  s: Services,
  { env, recipient }: { env: Pick<EnvelopeRow, 'id'>; recipient: Pick<RecipientRow, 'id' | 'email' | 'linkGeneration'> },
  caller: Caller,
  now: number,
) {
  const opener = classifyOpener(caller);
  const recent = q(s.db).recentOpens.all({ envelopeId: env.id, since: now - 600_000 });
  const seen = recent.some((e) => {
    const d = JSON.parse(e.details) as { recipientId?: string; linkGeneration?: number };
    // The same link (a resend makes a new one) opened again by the same client.
    return e.ip === caller.ip && e.ua === caller.userAgent && d.recipientId === recipient.id && d.linkGeneration === recipient.linkGeneration;
  });
  if (seen) return;
  s.db.transaction((tx) => {
    appendAudit(s.auditKey, tx, {
      envelopeId: env.id,
      actor: `recipient:${recipient.email}`,
      action: 'link.opened',
      ip: caller.ip,
      userAgent: caller.userAgent,
      at: now,
      details: { recipientId: recipient.id, opener: opener.kind, reasons: opener.reasons, linkGeneration: recipient.linkGeneration },
    });
  }, { behavior: 'immediate' });
}

export async function openSession(s: Services, token: string, accessCode: string, caller: Caller): Promise<{ session: string; expiresAt: string }> {
  const now = s.now();
  if (!hitRateLimit(s.db, `access-code:${caller.ip ?? 'unknown'}`, s.config.rateLimitPerIpPerMinute, 60_000, now)) {
    throw fail('rate-limited', 429);
  }
  const link = resolveLink(s, token);
  const failure = stateFailure(linkState(link, now), link.recipient);
  if (failure) throw failure;
  const { env, recipient } = link;
  const ok = recipient.accessCodeHash !== null && (await slowVerify(accessCode, recipient.accessCodeHash));
  const actor = `recipient:${recipient.email}`;
  if (!ok) {
    const max = s.config.accessCodeMaxAttempts;
    const attempts = s.db.transaction((tx) => {
      const row = tx
        .update(recipients)
        .set({ failedAttempts: sql`${recipients.failedAttempts} + 1` })
        .where(and(eq(recipients.id, recipient.id), eq(recipients.linkGeneration, recipient.linkGeneration)))
        .returning({ failedAttempts: recipients.failedAttempts, status: recipients.status })
        .get();
      if (!row) return max; // the link was replaced meanwhile
      appendAudit(s.auditKey, tx, { envelopeId: env.id, actor, action: 'access-code.failed', ip: caller.ip, userAgent: caller.userAgent, at: now, details: { recipientId: recipient.id, attempt: row.failedAttempts } });
      if (row.failedAttempts >= max && row.status !== 'locked') {
        tx.update(recipients).set({ status: 'locked' }).where(eq(recipients.id, recipient.id)).run();
        appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: 'system', action: 'recipient.locked', ip: caller.ip, at: now, details: { recipientId: recipient.id, attempts: row.failedAttempts } });
      }
      return row.failedAttempts;
    }, { behavior: 'immediate' });
    if (attempts >= max) throw fail('locked', 423, {}, { state: 'locked', attemptsLeft: 0 });
    throw fail('wrong-access-code', 401, { attemptsLeft: max - attempts }, { attemptsLeft: max - attempts });
  }
  s.db.transaction((tx) => {
    tx.update(recipients)
      .set({ failedAttempts: 0, status: recipient.status === 'notified' ? 'opened' : recipient.status, openedAt: recipient.openedAt ?? now })
      .where(and(eq(recipients.id, recipient.id), eq(recipients.status, recipient.status)))
      .run();
    appendAudit(s.auditKey, tx, { envelopeId: env.id, actor, action: 'access-code.accepted', ip: caller.ip, userAgent: caller.userAgent, at: now, details: { recipientId: recipient.id } });
  }, { behavior: 'immediate' });
  const expires = now + s.config.recipientSessionMinutes * 60_000;
  return { session: sessionToken(s, recipient, expires), expiresAt: new Date(expires).toISOString() };
}

function sessionToken(s: Services, r: RecipientRow, expires: number) {
  return `${expires.toString(36)}.${hmac(s.sessionKey, `${r.id}|${r.linkGeneration}|${expires}`)}`;
}

/** The link behind a valid `Authorization: Bearer {session}`; 401 otherwise. */
export function authenticateSession(s: Services, token: string, authorization: string | undefined | null): Link {
  const link = resolveLink(s, token);
  const m = /^Bearer ([0-9a-z]+)\.([A-Za-z0-9_-]{43})$/.exec(authorization ?? '');
  if (!m) throw fail('session-required', 401);
  const expires = parseInt(m[1]!, 36);
  const expected = hmac(s.sessionKey, `${link.recipient.id}|${link.recipient.linkGeneration}|${expires}`);
  if (!safeEqual(expected, m[2]!) || expires <= s.now()) throw fail('session-required', 401);
  return link;
}
