import { and, asc, eq } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { documents, envelopes, fields, organizations, recipients, users } from '../store/schema.js';
import { fail } from '../errors.js';

export type EnvelopeRow = typeof envelopes.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type FieldRow = typeof fields.$inferSelect;

type Reader = Pick<Services['db'], 'select'>;

/** The envelope, if the actor's organisation owns it; 404 otherwise (no hint that it exists). */
export function envelopeFor(db: Reader, actor: Actor, envelopeId: string): EnvelopeRow {
  const env = db.select().from(envelopes).where(and(eq(envelopes.id, envelopeId), eq(envelopes.orgId, actor.orgId))).get();
  if (!env) throw fail('not-found', 404);
  return env;
}

export function recipientsOf(db: Reader, envelopeId: string): RecipientRow[] {
  return db.select().from(recipients).where(eq(recipients.envelopeId, envelopeId)).orderBy(asc(recipients.position)).all();
}

export function documentsOf(db: Reader, envelopeId: string): DocumentRow[] {
  return db.select().from(documents).where(eq(documents.envelopeId, envelopeId)).orderBy(asc(documents.position)).all();
}

export function fieldsOf(db: Reader, documentId: string): FieldRow[] {
  return db.select().from(fields).where(eq(fields.documentId, documentId)).all();
}

export function senderOf(db: Reader, env: EnvelopeRow) {
  const user = db.select().from(users).where(eq(users.id, env.senderUserId)).get()!;
  const org = db.select().from(organizations).where(eq(organizations.id, env.orgId)).get()!;
  return { name: user.name, email: user.email, organization: org.name };
}

/** How the sender is named in mail: 「{organisation} {name}」. */
export function senderDisplay(sender: { name: string; organization: string }) {
  return `${sender.organization} ${sender.name}`;
}

/** The signer whose turn it is: the first signer not completed, in order. */
export function currentSigner(list: RecipientRow[]): RecipientRow | undefined {
  return list.find((r) => r.role === 'signer' && r.status !== 'completed');
}
