/**
 * The hot-path queries, prepared once per database. Drizzle builds SQL anew on every call (≈ 40–130 µs
 * here), which dominated public-info and completion requests; a prepared Drizzle query runs in a few µs.
 */
import { and, asc, count, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { auditEvents, documents, envelopes, fields, organizations, recipients, users } from './schema.js';

const p = (name: string) => sql.placeholder(name);

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
