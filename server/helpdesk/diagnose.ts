/**
 * Why a link "does not work", recipient by recipient: the envelope's state, the recipient's state, the
 * signing-request mail's fate (outbox), whether a resend replaced the link, and who opened it (a person
 * or only a mail scanner). Read-only; the answer is plain data the API, the console and the CLI render.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Lang } from '../../shared/i18n/errors.js';
import { auditEvents, outbox } from '../store/schema.js';
import { currentSigner, recipientsOf, type EnvelopeRow, type RecipientRow } from '../envelopes/load.js';
import { linkState } from '../envelopes/recipient-access.js';
import type { Diagnosis, Finding, FindingCode, RecipientDiagnosis } from '../../shared/api/support.js';
import { findingText, jstTime } from './messages.js';

export interface DiagnosisInput {
  env: EnvelopeRow;
  recipients: RecipientRow[];
  /** `link.opened` events: whose link, which generation, who opened it. */
  opens: { recipientId: string; linkGeneration: number; opener: string }[];
  /** The latest signing-request mail per recipient id. */
  mail: Map<string, { status: 'pending' | 'sending' | 'sent' | 'failed'; lastError: string | null }>;
  now: number;
  lang: Lang;
}

/** The order in which findings answer "why does it not work" (first = most decisive). */
const PRIORITY: FindingCode[] = ['cancelled', 'rejected', 'concluded', 'draft', 'mail-failed', 'locked', 'expired', 'mail-pending', 'link-replaced', 'not-yet', 'scanner-only', 'never-opened', 'completed', 'ready'];
const byPriority = (a: Finding, b: Finding) => PRIORITY.indexOf(a.code) - PRIORITY.indexOf(b.code);

export function diagnose(i: DiagnosisInput): Diagnosis {
  const { env, now, lang } = i;
  const f = (code: FindingCode, p: Record<string, string | number | null> = {}): Finding => ({ code, message: findingText(code, lang, p) });
  const active = env.status === 'sent' || env.status === 'expired';
  const current = active ? currentSigner(i.recipients) : undefined;
  const rejecter = i.recipients.find((r) => r.status === 'rejected');
  const envelopeFinding =
    env.status === 'cancelled' ? f('cancelled', { reason: env.cancelReason })
    : env.status === 'rejected' ? f('rejected', { by: rejecter?.name ?? '?', reason: rejecter?.rejectReason ?? '' })
    : env.status === 'completed' ? f('concluded')
    : env.status === 'draft' ? f('draft')
    : null;

  const recipients = i.recipients.map((r): RecipientDiagnosis => {
    const findings: Finding[] = [];
    if (r.status === 'completed') findings.push(f('completed'));
    else if (envelopeFinding) findings.push(envelopeFinding);
    else if (r.role === 'signer' && r.status === 'waiting') findings.push(f('not-yet', { current: current?.name ?? '' }));
    else if (r.role === 'signer') {
      const mail = i.mail.get(r.id);
      let blocked = false;
      if (mail?.status === 'failed') {
        findings.push(f('mail-failed', { error: mail.lastError ?? '?' }));
        blocked = true;
      } else if (mail && mail.status !== 'sent') {
        findings.push(f('mail-pending'));
        blocked = true;
      }
      if (r.status === 'locked') {
        findings.push(f('locked', { attempts: r.failedAttempts }));
        blocked = true;
      } else if (r.status === 'expired' || (r.linkExpiresAt !== null && r.linkExpiresAt <= now)) {
        findings.push(f('expired', { until: r.linkExpiresAt === null ? '?' : jstTime(r.linkExpiresAt, lang) }));
        blocked = true;
      }
      if (r.linkGeneration > 1) findings.push(f('link-replaced', { times: r.linkGeneration - 1, since: r.notifiedAt === null ? '?' : jstTime(r.notifiedAt, lang) }));
      const opens = i.opens.filter((o) => o.recipientId === r.id && o.linkGeneration === r.linkGeneration);
      // Typed access codes prove a person reached the page, even if their open was not recorded.
      const reached = r.openedAt !== null || r.failedAttempts > 0 || r.status === 'locked';
      if ((mail?.status === 'sent' || !mail) && !reached) {
        if (opens.length === 0) findings.push(f('never-opened'));
        else if (opens.every((o) => o.opener === 'scanner')) findings.push(f('scanner-only'));
      }
      if (!blocked) findings.push(f('ready'));
    }
    findings.sort(byPriority);
    const isCurrent = current?.id === r.id;
    return {
      recipientId: r.id,
      name: r.name,
      email: r.email,
      role: r.role,
      status: r.status,
      current: isCurrent,
      linkState: r.role === 'cc' ? null : linkState({ env, recipient: r }, now),
      linkGeneration: r.linkGeneration,
      failedAttempts: r.failedAttempts,
      linkExpiresAt: r.linkExpiresAt === null ? null : new Date(r.linkExpiresAt).toISOString(),
      findings,
      // The same rules as the sender's controls (envelopes/manage.ts): resend needs an unlocked current signer.
      actions: isCurrent ? (r.status === 'locked' ? ['unlock', 'extend'] : ['resend', 'extend']) : [],
    };
  });
  const currentDiagnosis = recipients.find((r) => r.current);
  return {
    envelopeStatus: env.status,
    currentRecipientId: current?.id ?? null,
    headline: envelopeFinding ?? currentDiagnosis?.findings[0] ?? f('ready'),
    recipients,
    canCancel: ['draft', 'sent', 'expired'].includes(env.status),
  };
}

/** Loads what `diagnose` needs for one envelope (the caller has checked the organisation). */
export function diagnoseEnvelope(s: Services, env: EnvelopeRow, lang: Lang): Diagnosis {
  const opens = s.db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.envelopeId, env.id), eq(auditEvents.action, 'link.opened')))
    .all()
    .map((e) => JSON.parse(e.details) as { recipientId: string; linkGeneration: number; opener: string });
  const mail = new Map<string, { status: 'pending' | 'sending' | 'sent' | 'failed'; lastError: string | null }>();
  const mails = s.db
    .select({ recipientId: outbox.recipientId, status: outbox.status, lastError: outbox.lastError })
    .from(outbox)
    .where(and(eq(outbox.envelopeId, env.id), eq(outbox.kind, 'signing-request')))
    .orderBy(desc(outbox.createdAt))
    .all();
  for (const m of mails) if (m.recipientId && !mail.has(m.recipientId)) mail.set(m.recipientId, { status: m.status, lastError: m.lastError });
  return diagnose({ env, recipients: recipientsOf(s.db, env.id), opens, mail, now: s.now(), lang });
}
