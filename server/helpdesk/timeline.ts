/**
 * The audit log as a help-desk operator reads it: one line per thing that happened to the envelope, with
 * whom it concerns, who did it, from where and with what, in the operator's language. Bookkeeping events
 * (queued mail, filled fields, one signature per document) are left out; every line points back to its
 * audit event by `seq`.
 */
import { inArray } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import type { Lang } from '../../shared/i18n/errors.js';
import { auditTrail, type AuditEventView } from '../audit/log.js';
import { users } from '../store/schema.js';
import { documentsOf, envelopeFor, recipientsOf, senderOf, type EnvelopeRow } from '../envelopes/load.js';
import type { HelpdeskTimeline, TimelineEntry, TimelineKind } from '../../shared/api/support.js';
import { diagnoseEnvelope } from './diagnose.js';
import { bundlesOfEnvelope } from './support-bundles.js';
import { jstTime, mailKind, openerReasons, timelineText } from './messages.js';
import { userAgentSummary } from './user-agent.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function envelopeHeader(s: Services, env: EnvelopeRow) {
  return {
    id: env.id,
    title: env.title,
    status: env.status,
    managementNumber: env.managementNumber,
    counterparty: env.counterparty,
    sender: senderOf(s.db, env),
    createdAt: iso(env.createdAt)!,
    sentAt: iso(env.sentAt),
  };
}

function kindOf(e: AuditEventView): TimelineKind | null {
  switch (e.action) {
    case 'envelope.created': return 'created';
    case 'envelope.sent': return 'sent';
    case 'mail.sent': return 'mail-sent';
    case 'mail.failed': return e.details.final ? 'mail-failed' : 'mail-retrying';
    case 'link.opened': return `link-opened-${String(e.details.opener)}` as TimelineKind;
    case 'access-code.failed': return 'access-code-failed';
    case 'access-code.accepted': return 'access-code-accepted';
    case 'recipient.locked': return 'locked';
    case 'recipient.unlocked': return 'unlocked';
    case 'document.viewed': return 'viewed';
    case 'document.downloaded': return 'downloaded';
    case 'recipient.completed': return 'completed';
    case 'recipient.rejected': return 'rejected';
    case 'envelope.cancelled': return 'cancelled';
    case 'recipient.expired': return 'expired';
    case 'link.resent': return 'resent';
    case 'envelope.expiry-extended': return 'extended';
    case 'envelope.concluded': return 'concluded';
    default: return null; // mail.queued, field.filled, signing.applied, envelope.expired (paired with recipient.expired)
  }
}

const STAFF = /^(admin|sender|helpdesk):(\S+) \((?:session|api-key|cli)\)$/;

export function envelopeTimeline(s: Services, actor: Actor, envelopeId: string, lang: Lang): HelpdeskTimeline {
  const env = envelopeFor(s.db, actor, envelopeId);
  const recipients = recipientsOf(s.db, env.id);
  const byId = new Map(recipients.map((r) => [r.id, r]));
  const byEmail = new Map(recipients.map((r) => [r.email, r]));
  const documents = new Map(documentsOf(s.db, env.id).map((d) => [d.id, d.name]));
  const events = auditTrail(s.db, env.id);
  const staffEmails = [...new Set(events.map((e) => STAFF.exec(e.actor)?.[2]).filter((x): x is string => !!x))];
  const staffNames = new Map(
    staffEmails.length ? s.db.select({ email: users.email, name: users.name }).from(users).where(inArray(users.email, staffEmails)).all().map((u) => [u.email, u.name]) : [],
  );

  const entries: TimelineEntry[] = [];
  for (const e of events) {
    const kind = kindOf(e);
    if (!kind) continue;
    const d = e.details;
    const rec =
      (typeof d.recipientId === 'string' ? byId.get(d.recipientId) : undefined) ??
      (typeof d.to === 'string' ? byEmail.get(d.to) : undefined) ??
      (e.actor.startsWith('recipient:') ? byEmail.get(e.actor.slice('recipient:'.length)) : undefined);
    const staff = STAFF.exec(e.actor);
    const who = staff ? `${staffNames.get(staff[2]!) ?? staff[2]} <${staff[2]}>` : e.actor === 'system' ? (lang === 'ja' ? 'システム' : 'the system') : e.actor;
    const params = {
      who,
      kind: mailKind(String(d.kind ?? ''), lang),
      to: String(d.to ?? ''),
      error: String(d.error ?? ''),
      generation: Number(d.linkGeneration ?? 1),
      reasons: openerReasons(Array.isArray(d.reasons) ? d.reasons.map(String) : [], lang),
      attempt: Number(d.attempt ?? 0),
      max: s.config.accessCodeMaxAttempts,
      attempts: Number(d.attempts ?? 0),
      document: documents.get(String(d.documentId)) ?? String(d.documentId ?? ''),
      method: String(d.method ?? 'web'),
      reason: String(d.reason ?? ''),
      days: Number(d.days ?? 0),
      until: typeof d.expiresAt === 'number' ? jstTime(d.expiresAt, lang) : '',
    };
    entries.push({
      seq: e.seq,
      at: new Date(e.at).toISOString(),
      jst: jstTime(e.at, lang),
      kind,
      recipient: rec ? { id: rec.id, name: rec.name, email: rec.email } : null,
      actor: staff
        ? { type: 'staff', role: staff[1]!, email: staff[2]!, name: staffNames.get(staff[2]!) ?? null }
        : e.actor.startsWith('recipient:')
          ? { type: 'recipient', role: null, email: rec?.email ?? e.actor.slice('recipient:'.length), name: rec?.name ?? null }
          : { type: 'system', role: null, email: null, name: null },
      ip: e.ip,
      userAgent: userAgentSummary(e.userAgent),
      description: timelineText(kind, lang, params),
    });
  }
  // The audit order (seq) is the order of record; a bundle goes in before the first event later than it.
  for (const b of bundlesOfEnvelope(s, env.id)) {
    const rec = b.recipientId ? byId.get(b.recipientId) : undefined;
    const at = Date.parse(b.createdAt);
    const index = entries.findIndex((e) => Date.parse(e.at) > at);
    entries.splice(index === -1 ? entries.length : index, 0, {
      seq: null,
      at: b.createdAt,
      jst: jstTime(at, lang),
      kind: 'support-bundle',
      recipient: rec ? { id: rec.id, name: rec.name, email: rec.email } : null,
      actor: { type: 'recipient', role: null, email: rec?.email ?? null, name: rec?.name ?? null },
      ip: b.ip,
      userAgent: b.bundle.browser,
      description: timelineText('support-bundle', lang, { code: b.supportCode, adapter: b.bundle.adapter, version: b.bundle.extensionVersion }),
    });
  }
  return { envelope: envelopeHeader(s, env), entries, diagnosis: diagnoseEnvelope(s, env, lang) };
}
