import type { Services } from '../services.js';
import { appendAudit } from '../audit/log.js';
import { enqueueMail, type QueuedMail } from '../mail/outbox.js';

type Tx = Parameters<Parameters<Services['db']['transaction']>[0]>[0];

/** Queues a mail inside the caller's transaction and records `mail.queued` in the envelope's audit log. */
export function queueMail(s: Services, tx: Tx, mail: QueuedMail & { envelopeId: string }, now: number, details: Record<string, unknown> = {}): string {
  const outboxId = enqueueMail(tx, mail, new URL(s.config.publicUrl).hostname, now);
  appendAudit(s.auditKey, tx, {
    envelopeId: mail.envelopeId,
    actor: 'system',
    action: 'mail.queued',
    at: now,
    details: { outboxId, kind: mail.kind, to: mail.to.address, ...details },
  });
  return outboxId;
}
