import { and, eq } from 'drizzle-orm';
import { q } from '../store/prepared.js';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { documents, envelopes, fields, recipients } from '../store/schema.js';
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
  return q(db).recipientsOf.all({ envelopeId });
}

export function documentsOf(db: Reader, envelopeId: string): DocumentRow[] {
  return q(db).documentsOf.all({ envelopeId });
}

export function fieldsOf(db: Reader, documentId: string): FieldRow[] {
  return q(db).fieldsOf.all({ documentId });
}

export function senderOf(db: Reader, env: EnvelopeRow): { name: string; email: string; organization: string } {
  return q(db).sender.get({ userId: env.senderUserId })!;
}

/** How the sender is named in mail: 「{organisation} {name}」. */
export function senderDisplay(sender: { name: string; organization: string }) {
  return `${sender.organization} ${sender.name}`;
}

/** The signer whose turn it is: the first signer not completed, in order. */
export function currentSigner(list: RecipientRow[]): RecipientRow | undefined {
  return list.find((r) => r.role === 'signer' && r.status !== 'completed');
}
