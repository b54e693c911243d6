import { eq } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { actorLabel } from '../auth/actor.js';
import { hashToken, newToken } from '../auth/secrets.js';
import { unwrapDataKey } from '../store/blobs.js';
import { documents, envelopes, recipients } from '../store/schema.js';
import { appendAudit } from '../audit/log.js';
import { queueMail } from './notify.js';
import { signingRequest } from '../mail/templates.js';
import { fail } from '../errors.js';
import { currentSigner, documentsOf, envelopeFor, fieldsOf, recipientsOf, senderDisplay, senderOf, type EnvelopeRow, type RecipientRow } from './load.js';
import type { PlacedField } from '../signing/service.js';

type Tx = Parameters<Parameters<Services['db']['transaction']>[0]>[0];

export function placedField(f: ReturnType<typeof fieldsOf>[number]): PlacedField {
  return {
    id: f.id,
    name: f.name,
    label: f.label,
    type: f.type,
    required: f.required,
    page: f.page,
    rect: { x: f.x, y: f.y, width: f.width, height: f.height },
    recipientId: f.recipientId,
  };
}

export function signingLink(s: Services, token: string) {
  return `${s.config.publicUrl}/s/${token}`;
}

/**
 * Gives the recipient a fresh link (the old one, if any, dies: only the new token's hash is stored),
 * a new expiry, and queues the signing-request mail — inside the caller's transaction.
 */
export function activateRecipient(s: Services, tx: Tx, env: EnvelopeRow, r: RecipientRow, actor: string, now: number) {
  const token = newToken();
  const expiresAt = now + s.config.linkValidityDays * 86_400_000;
  tx.update(recipients)
    .set({
      tokenHash: hashToken(token),
      linkGeneration: r.linkGeneration + 1,
      linkExpiresAt: expiresAt,
      status: r.status === 'opened' ? 'opened' : 'notified',
      notifiedAt: now,
      failedAttempts: 0,
    })
    .where(eq(recipients.id, r.id))
    .run();
  const sender = senderOf(tx, env);
  queueMail(
    s,
    tx,
    {
      envelopeId: env.id,
      recipientId: r.id,
      kind: 'signing-request',
      to: { name: r.name, address: r.email },
      mail: signingRequest(r.language, {
        recipientName: r.name,
        sender: senderDisplay(sender),
        title: env.title,
        message: env.message,
        link: signingLink(s, token),
        expiresAt,
      }),
    },
    now,
    { recipientId: r.id, linkGeneration: r.linkGeneration + 1, expiresAt, by: actor },
  );
}

export interface PreparedDocument {
  documentId: string;
  certificateId: string;
  blobId: string;
  sha256: string;
  size: number;
  hashState: string | null;
}

/**
 * The original revision of each document (ID stamp and form fields, by the signing service), written
 * as new blobs before any transaction refers to them.
 */
export async function prepareDocuments(
  s: Services,
  docs: { id: string; certificateId: string; wrappedKey: string; currentBlobId: string; currentSha256: string; pdf?: Uint8Array }[],
  fieldsFor: (documentId: string) => PlacedField[],
): Promise<PreparedDocument[]> {
  const prepared: PreparedDocument[] = [];
  for (const doc of docs) {
    const key = unwrapDataKey(s.masterKey, doc.wrappedKey);
    const pdf = doc.pdf ?? s.blobs.get(key, doc.currentBlobId);
    const out = await s.signing.prepare({ pdf, documentId: doc.id, certificateId: doc.certificateId, fields: fieldsFor(doc.id) });
    const same = out === pdf;
    // The signer resumes each approval's hash from the state saved here (signing/hash-state.ts).
    const hashed = same ? { sha256: doc.currentSha256, hashState: null } : s.signing.documentHash(out);
    prepared.push({
      documentId: doc.id,
      certificateId: doc.certificateId,
      blobId: same ? doc.currentBlobId : await s.blobs.put(key, out),
      sha256: hashed.sha256,
      size: out.length,
      hashState: hashed.hashState,
    });
  }
  return prepared;
}

/** Inside the caller's transaction: the envelope becomes sent and the first signer is asked. */
export function markSent(s: Services, tx: Tx, actor: Actor, envelopeId: string, prepared: PreparedDocument[], now: number) {
  const env = tx.select().from(envelopes).where(eq(envelopes.id, envelopeId)).get()!;
  if (env.status !== 'draft') throw fail('envelope-not-draft', 409);
  for (const p of prepared) {
    tx.update(documents).set({ currentBlobId: p.blobId, currentSha256: p.sha256, currentSize: p.size, hashState: p.hashState }).where(eq(documents.id, p.documentId)).run();
  }
  tx.update(envelopes).set({ status: 'sent', sentAt: now, signingKind: s.signing.kind }).where(eq(envelopes.id, envelopeId)).run();
  appendAudit(s.auditKey, tx, {
    envelopeId,
    actor: actorLabel(actor),
    action: 'envelope.sent',
    ip: actor.ip,
    userAgent: actor.userAgent,
    at: now,
    details: { signing: s.signing.kind, documents: prepared.map((p) => ({ id: p.documentId, certificateId: p.certificateId, sha256: p.sha256 })) },
  });
  const first = currentSigner(recipientsOf(tx, envelopeId));
  if (first) activateRecipient(s, tx, { ...env, status: 'sent' }, first, 'system', now);
}

/** Sends a draft. */
export async function sendEnvelope(s: Services, actor: Actor, envelopeId: string): Promise<void> {
  const env = envelopeFor(s.db, actor, envelopeId);
  if (env.status !== 'draft') throw fail('envelope-not-draft', 409);
  const prepared = await prepareDocuments(s, documentsOf(s.db, envelopeId), (id) => fieldsOf(s.db, id).map(placedField));
  const now = s.now();
  s.db.transaction((tx) => markSent(s, tx, actor, envelopeId, prepared, now), { behavior: 'immediate' });
  s.outbox.kick();
}
