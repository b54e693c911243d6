/**
 * The hot-path queries, prepared once per database. Drizzle builds SQL anew on every call (≈ 40–130 µs
 * here), which dominated public-info and completion requests; a prepared Drizzle query runs in a few µs.
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { auditEvents, documents, envelopes, fields, organizations, outbox, recipients, users } from './schema.js';

const p = (name: string) => sql.placeholder(name);
/** A placeholder where Drizzle's types want SQL (UPDATE … SET). */
const v = (name: string) => sql`${sql.placeholder(name)}`;

function build(db: Db) {
  return {
    recipientByTokenHash: db.select().from(recipients).where(eq(recipients.tokenHash, p('hash'))).prepare(),
    envelopeById: db.select().from(envelopes).where(eq(envelopes.id, p('id'))).prepare(),
    sender: db
      .select({ name: users.name, email: users.email, organization: organizations.name })
      .from(users)
      .innerJoin(organizations, eq(organizations.id, users.orgId))
      .where(eq(users.id, p('userId')))
      .prepare(),
    documentsOf: db.select().from(documents).where(eq(documents.envelopeId, p('envelopeId'))).orderBy(asc(documents.position)).prepare(),
    documentCount: db.select({ n: count() }).from(documents).where(eq(documents.envelopeId, p('envelopeId'))).prepare(),
    recipientsOf: db.select().from(recipients).where(eq(recipients.envelopeId, p('envelopeId'))).orderBy(asc(recipients.position)).prepare(),
    fieldsOf: db.select().from(fields).where(eq(fields.documentId, p('documentId'))).prepare(),
    lastAudit: db
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.envelopeId, p('envelopeId')))
      .orderBy(desc(auditEvents.seq))
      .limit(1)
      .prepare(),
    recentOpens: db
      .select({ details: auditEvents.details, ip: auditEvents.ip, ua: auditEvents.userAgent })
      .from(auditEvents)
      .where(and(eq(auditEvents.envelopeId, p('envelopeId')), eq(auditEvents.action, 'link.opened'), gt(auditEvents.at, p('since'))))
      .orderBy(desc(auditEvents.seq))
      .limit(20)
      .prepare(),
    // The completion's writes (recipient-actions.ts).
    claimRecipient: db
      .update(recipients)
      .set({ claimId: v('claimId'), claimUntil: v('claimUntil') })
      .where(
        and(
          eq(recipients.id, p('id')),
          eq(recipients.linkGeneration, p('linkGeneration')),
          inArray(recipients.status, ['notified', 'opened']),
          or(isNull(recipients.claimUntil), lt(recipients.claimUntil, p('now'))),
        ),
      )
      .prepare(),
    releaseClaim: db.update(recipients).set({ claimId: null, claimUntil: null }).where(and(eq(recipients.id, p('id')), eq(recipients.claimId, p('claimId')))).prepare(),
    recipientClaim: db.select({ claimId: recipients.claimId, status: recipients.status }).from(recipients).where(eq(recipients.id, p('id'))).prepare(),
    setFieldValue: db.update(fields).set({ value: v('value') }).where(eq(fields.id, p('id'))).prepare(),
    setDocumentRevision: db
      .update(documents)
      .set({ currentBlobId: v('blobId'), currentSha256: v('sha256'), currentSize: v('size'), hashState: v('hashState'), revision: v('revision') })
      .where(eq(documents.id, p('id')))
      .prepare(),
    completeRecipient: db
      .update(recipients)
      .set({ status: 'completed', finishedAt: v('now'), claimId: null, claimUntil: null })
      .where(eq(recipients.id, p('id')))
      .prepare(),
    concludeEnvelope: db
      .update(envelopes)
      .set({ status: 'completed', finishedAt: v('now'), certificateBlobId: v('blobId'), certificateWrappedKey: v('wrappedKey') })
      .where(eq(envelopes.id, p('id')))
      .prepare(),
    insertMail: db
      .insert(outbox)
      .values({
        id: p('id'),
        envelopeId: p('envelopeId'),
        recipientId: p('recipientId'),
        kind: p('kind'),
        toAddress: p('toAddress'),
        toName: p('toName'),
        subject: p('subject'),
        textBody: p('textBody'),
        htmlBody: p('htmlBody'),
        attachments: p('attachments'),
        messageId: p('messageId'),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: p('now'),
        createdAt: p('now'),
      })
      .prepare(),
    // What the conclusion certificate lists (recipient-actions.ts), in order.
    auditTrailOf: db
      .select({ at: auditEvents.at, action: auditEvents.action, actor: auditEvents.actor, ip: auditEvents.ip, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.envelopeId, p('envelopeId')), inArray(auditEvents.action, ['envelope.sent', 'access-code.accepted', 'recipient.completed', 'document.viewed', 'document.downloaded'])))
      .orderBy(asc(auditEvents.seq))
      .prepare(),
    documentById: db.select().from(documents).where(eq(documents.id, p('id'))).prepare(),
    // The outbox worker (mail/outbox.ts): due mail, then mail whose sender died mid-send (its lease ran
    // out), each served by its own index; a claimed row is leased to this sender.
    dueMail: db.select().from(outbox).where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, p('now')))).orderBy(asc(outbox.nextAttemptAt)).limit(1).prepare(),
    strandedMail: db.select().from(outbox).where(and(eq(outbox.status, 'sending'), lte(outbox.leaseUntil, p('now')))).orderBy(asc(outbox.leaseUntil)).limit(1).prepare(),
    leaseMail: db.update(outbox).set({ status: 'sending', leaseUntil: v('leaseUntil') }).where(eq(outbox.id, p('id'))).prepare(),
    mailSent: db
      .update(outbox)
      .set({ status: 'sent', sentAt: v('now'), leaseUntil: null, attempts: sql`${outbox.attempts} + 1` })
      .where(eq(outbox.id, p('id')))
      .prepare(),
    insertAudit: db
      .insert(auditEvents)
      .values({
        envelopeId: p('envelopeId'),
        seq: p('seq'),
        at: p('at'),
        actor: p('actor'),
        action: p('action'),
        ip: p('ip'),
        userAgent: p('userAgent'),
        details: p('details'),
        prevHash: p('prevHash'),
        hash: p('hash'),
      })
      .prepare(),
  };
}

const cache = new WeakMap<object, ReturnType<typeof build>>();

/** Prepared statements bound to this database connection. */
export function q(db: Pick<Db, 'select'>) {
  // A transaction object shares its connection with the database it came from; statements prepared on
  // the database run inside the open transaction too (SQLite transactions are per connection).
  const key = (db as { session?: { client?: object } }).session?.client ?? db;
  let hit = cache.get(key);
  if (!hit) {
    hit = build(db as Db);
    cache.set(key, hit);
  }
  return hit;
}
