/** The sender's controls after sending: cancel, resend a link, unlock, extend the expiry; and expiry itself. */
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Services } from '../services.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { envelopes, recipients } from '../store/schema.js';
import { appendAudit } from '../audit/log.js';
import { queueMail } from './notify.js';
import { cancelled } from '../mail/templates.js';
import { fail } from '../errors.js';
import { currentSigner, envelopeFor, recipientsOf, senderDisplay, senderOf } from './load.js';
import { activateRecipient } from './send.js';

type Tx = Parameters<Parameters<Services['db']['transaction']>[0]>[0];

function active(tx: Tx, actor: Actor, envelopeId: string, allowed: string[] = ['sent', 'expired']) {
  const env = envelopeFor(tx, actor, envelopeId);
  if (!allowed.includes(env.status)) throw fail('envelope-not-active', 409, { status: env.status });
  return env;
}

function recipientOf(tx: Tx, envelopeId: string, recipientId: string) {
  const r = recipientsOf(tx, envelopeId).find((x) => x.id === recipientId);
  if (!r) throw fail('not-found', 404);
  return r;
}

export function cancelEnvelope(s: Services, actor: Actor, envelopeId: string, reason: string) {
  const now = s.now();
  s.db.transaction((tx) => {
    const env = active(tx, actor, envelopeId, ['draft', 'sent', 'expired']);
    tx.update(envelopes).set({ status: 'cancelled', finishedAt: now, cancelReason: reason }).where(eq(envelopes.id, env.id)).run();
    appendAudit(s.auditKey, tx, { envelopeId, actor: actorLabel(actor), action: 'envelope.cancelled', ip: actor.ip, userAgent: actor.userAgent, at: now, details: { reason } });
    const sender = senderDisplay(senderOf(tx, env));
    for (const r of recipientsOf(tx, envelopeId)) {
      // Tell everyone who was already contacted; those still waiting never heard of it.
      if (r.notifiedAt === null) continue;
      queueMail(s, tx, { envelopeId, recipientId: r.id, kind: 'cancelled', to: { name: r.name, address: r.email }, mail: cancelled(r.language, { recipientName: r.name, sender, title: env.title, reason }) }, now);
    }
  }, { behavior: 'immediate' });
  s.outbox.kick();
}

/** A new link for the recipient whose turn it is; the old link stops working at once. */
export function resendLink(s: Services, actor: Actor, envelopeId: string, recipientId: string) {
  const now = s.now();
  s.db.transaction((tx) => {
    const env = active(tx, actor, envelopeId);
    const r = recipientOf(tx, envelopeId, recipientId);
    if (currentSigner(recipientsOf(tx, envelopeId))?.id !== r.id || r.status === 'locked') throw fail('recipient-not-current', 409);
    const status = r.status === 'expired' ? (r.openedAt ? 'opened' : 'notified') : r.status;
    activateRecipient(s, tx, env, { ...r, status }, actorLabel(actor), now);
    if (env.status === 'expired') tx.update(envelopes).set({ status: 'sent' }).where(eq(envelopes.id, envelopeId)).run();
    appendAudit(s.auditKey, tx, { envelopeId, actor: actorLabel(actor), action: 'link.resent', ip: actor.ip, userAgent: actor.userAgent, at: now, details: { recipientId } });
  }, { behavior: 'immediate' });
  s.outbox.kick();
}

export function unlockRecipient(s: Services, actor: Actor, envelopeId: string, recipientId: string) {
  const now = s.now();
  s.db.transaction((tx) => {
    active(tx, actor, envelopeId);
    const r = recipientOf(tx, envelopeId, recipientId);
    if (r.status !== 'locked') throw fail('recipient-not-locked', 409);
    tx.update(recipients).set({ status: r.openedAt ? 'opened' : 'notified', failedAttempts: 0 }).where(eq(recipients.id, r.id)).run();
    appendAudit(s.auditKey, tx, { envelopeId, actor: actorLabel(actor), action: 'recipient.unlocked', ip: actor.ip, userAgent: actor.userAgent, at: now, details: { recipientId } });
  }, { behavior: 'immediate' });
}

export function extendExpiry(s: Services, actor: Actor, envelopeId: string, recipientId: string, days: number) {
  const now = s.now();
  s.db.transaction((tx) => {
    const env = active(tx, actor, envelopeId);
    const r = recipientOf(tx, envelopeId, recipientId);
    if (r.linkExpiresAt === null || !['notified', 'opened', 'expired', 'locked'].includes(r.status)) throw fail('recipient-not-current', 409);
    const expiresAt = Math.max(now, r.linkExpiresAt) + days * 86_400_000;
    const status = r.status === 'expired' ? (r.openedAt ? 'opened' : 'notified') : r.status;
    tx.update(recipients).set({ linkExpiresAt: expiresAt, status }).where(eq(recipients.id, r.id)).run();
    if (env.status === 'expired') tx.update(envelopes).set({ status: 'sent' }).where(eq(envelopes.id, envelopeId)).run();
    appendAudit(s.auditKey, tx, { envelopeId, actor: actorLabel(actor), action: 'envelope.expiry-extended', ip: actor.ip, userAgent: actor.userAgent, at: now, details: { recipientId, days, expiresAt } });
  }, { behavior: 'immediate' });
}

/** Marks links past their expiry (run periodically by the server; GETs never write it). */
export function expireLinks(s: Services): number {
  const now = s.now();
  return s.db.transaction((tx) => {
    const due = tx
      .select()
      .from(recipients)
      .where(and(inArray(recipients.status, ['notified', 'opened', 'locked']), isNotNull(recipients.linkExpiresAt), lte(recipients.linkExpiresAt, now)))
      .all();
    for (const r of due) {
      const env = tx.select().from(envelopes).where(eq(envelopes.id, r.envelopeId)).get()!;
      if (env.status !== 'sent') continue;
      tx.update(recipients).set({ status: 'expired' }).where(eq(recipients.id, r.id)).run();
      tx.update(envelopes).set({ status: 'expired' }).where(eq(envelopes.id, env.id)).run();
      appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: 'system', action: 'recipient.expired', at: now, details: { recipientId: r.id, expiresAt: r.linkExpiresAt } });
      appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: 'system', action: 'envelope.expired', at: now, details: {} });
    }
    return due.length;
  }, { behavior: 'immediate' });
}
