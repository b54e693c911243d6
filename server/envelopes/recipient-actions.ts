/**
 * What a recipient does with a session: read the documents, complete (fields + approval signature on
 * every document, the next signer asked or the envelope concluded) or reject with a reason.
 *
 * Completion claims the recipient first (a conditional UPDATE: exactly one of any number of concurrent
 * requests wins; the rest get 409), signs outside the database lock, writes the new blobs, then commits
 * the state change, the blob references, the audit events and the mail in one transaction. A crash
 * before the commit leaves the claim to expire and nothing changed; after it, everything is there.
 */
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Services } from '../services.js';
import { hashToken, newId, newToken, sha256Hex } from '../auth/secrets.js';
import { newDataKey, unwrapDataKey } from '../store/blobs.js';
import { q } from '../store/prepared.js';
import { documents, downloadLinks, envelopes, fields, recipients } from '../store/schema.js';
import { appendAudit } from '../audit/log.js';
import type { AttachmentRef } from '../mail/outbox.js';
import { queueMail } from './notify.js';
import { concluded, rejected } from '../mail/templates.js';
import { canAttach } from '../mail/attachment-policy.js';
import { ApiFailure, fail } from '../errors.js';
import { SigningUnavailableError, revisionBytes, type ConclusionCertificateInput } from '../signing/service.js';
import type { CompleteResponse, DocumentsResponse } from '../../shared/api/recipient.js';
import { authenticateSession, linkState, stateFailure, type Caller, type Link } from './recipient-access.js';
import { currentSigner, documentsOf, fieldsOf, recipientsOf, senderDisplay, senderOf, type EnvelopeRow, type FieldRow } from './load.js';
import { activateRecipient, placedField } from './send.js';
import { stageClock } from '../stage-timing.js';


/** The recipient row as this link knows it, still their turn, and not being completed by another request. */
function claimable(r: Link['recipient'], now: number) {
  return and(
    eq(recipients.id, r.id),
    eq(recipients.linkGeneration, r.linkGeneration),
    inArray(recipients.status, ['notified', 'opened']),
    or(isNull(recipients.claimUntil), lt(recipients.claimUntil, now)),
  );
}

function viewable(link: Link, now: number) {
  const state = linkState(link, now);
  if (state === 'ready' || state === 'completed' || state === 'concluded') return;
  throw stateFailure(state, link.recipient)!;
}

export function listDocuments(s: Services, token: string, authorization: string | undefined): DocumentsResponse {
  const link = authenticateSession(s, token, authorization);
  viewable(link, s.now());
  const docs = documentsOf(s.db, link.env.id);
  return {
    envelopeId: link.env.id,
    recipientId: link.recipient.id,
    title: link.env.title,
    message: link.env.message,
    documents: docs.map((d) => ({
      id: d.id,
      name: d.name,
      pageCount: d.pageCount,
      byteLength: d.currentSize,
      sha256: d.currentSha256,
      fields: fieldsOf(s.db, d.id)
        .filter((f) => f.recipientId === link.recipient.id)
        .map((f) => ({
          id: f.id,
          documentId: d.id,
          label: f.label,
          type: f.type,
          required: f.required,
          page: f.page,
          rect: { x: f.x, y: f.y, width: f.width, height: f.height },
          value: f.value,
        })),
    })),
  };
}

export function documentPdf(s: Services, token: string, authorization: string | undefined, documentId: string, download: boolean, caller: Caller) {
  const link = authenticateSession(s, token, authorization);
  const now = s.now();
  viewable(link, now);
  const doc = documentsOf(s.db, link.env.id).find((d) => d.id === documentId);
  if (!doc) throw fail('not-found', 404);
  const bytes = s.blobs.get(unwrapDataKey(s.masterKey, doc.wrappedKey), doc.currentBlobId);
  s.db.transaction((tx) =>
    appendAudit(s.auditKey, tx, {
      envelopeId: link.env.id,
      actor: `recipient:${link.recipient.email}`,
      action: download ? 'document.downloaded' : 'document.viewed',
      ip: caller.ip,
      userAgent: caller.userAgent,
      at: now,
      details: { recipientId: link.recipient.id, documentId, revision: doc.revision, sha256: doc.currentSha256 },
    }),
  );
  return { name: doc.name, bytes };
}

function checkFieldValues(mine: FieldRow[], values: Record<string, string>) {
  const byId = new Map(mine.map((f) => [f.id, f]));
  for (const id of Object.keys(values)) {
    if (!byId.has(id)) throw fail('invalid-field-value', 422, { field: id, why: 'unknown field' });
  }
  const missing: FieldRow[] = [];
  for (const f of mine) {
    const v = values[f.id];
    const empty = v === undefined || v.trim() === '' || (f.type === 'checkbox' && v !== 'true');
    if (f.type === 'checkbox' && v !== undefined && v !== 'true' && v !== 'false') {
      throw fail('invalid-field-value', 422, { field: f.label, why: 'true / false' });
    }
    if (f.type === 'date' && v !== undefined && v !== '' && !isDate(v)) {
      throw fail('invalid-field-value', 422, { field: f.label, why: 'YYYY-MM-DD' });
    }
    if (v !== undefined && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) {
      throw fail('invalid-field-value', 422, { field: f.label, why: 'control characters' });
    }
    if (f.required && empty) missing.push(f);
  }
  if (missing.length) {
    throw fail('missing-required-fields', 422, { fields: missing.map((f) => f.label).join(', ') }, { missingFields: missing.map((f) => f.id) });
  }
}

function isDate(v: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}

export async function completeRecipient(
  s: Services,
  token: string,
  authorization: string | undefined,
  values: Record<string, string>,
  caller: Caller,
): Promise<CompleteResponse> {
  const clock = stageClock('esign:completion');
  const link = authenticateSession(s, token, authorization);
  clock?.mark('authenticate');
  const now = s.now();
  const failure = stateFailure(linkState(link, now), link.recipient);
  if (failure) throw failure;
  const { env, recipient } = link;
  const docs = documentsOf(s.db, env.id);
  const fieldsByDoc = new Map(docs.map((d) => [d.id, fieldsOf(s.db, d.id)]));
  const mine = [...fieldsByDoc.values()].flat().filter((f) => f.recipientId === recipient.id);
  checkFieldValues(mine, values);
  clock?.mark('load');

  const claimId = newId();
  const claimed = q(s.db).claimRecipient.run({ claimId, claimUntil: now + s.config.completionClaimMs, id: recipient.id, linkGeneration: recipient.linkGeneration, now });
  clock?.mark('claim');
  if (claimed.changes !== 1) {
    const fresh = q(s.db).recipientClaim.get({ id: recipient.id });
    if (fresh?.status === 'completed') throw fail('already-completed', 409, {}, { state: 'completed' });
    throw fail('completion-in-progress', 409, {}, { state: 'ready' });
  }

  const release = () => q(s.db).releaseClaim.run({ id: recipient.id, claimId });
  const signers = recipientsOf(s.db, env.id).filter((r) => r.role === 'signer');
  const isLast = signers.every((r) => r.id === recipient.id || r.status === 'completed');
  const sender = senderOf(s.db, env);
  clock?.mark('load');

  let signed: { docId: string; blobId: string; sha256: string; size: number; hashState: string | null; changed: boolean }[];
  let certificate: { blobId: string; wrapped: string } | null = null;
  try {
    signed = [];
    for (const doc of docs) {
      const key = unwrapDataKey(s.masterKey, doc.wrappedKey);
      const pdf = s.blobs.get(key, doc.currentBlobId);
      clock?.mark('blob-read');
      const approved = await s.signing.approve({
        pdf,
        hashState: doc.hashState,
        documentId: doc.id,
        signerName: recipient.name,
        signerEmail: recipient.email,
        approvedAt: new Date(now),
        fieldValues: (fieldsByDoc.get(doc.id) ?? [])
          .filter((f) => f.recipientId === recipient.id && values[f.id] !== undefined)
          .map((f) => ({ field: placedField(f), value: values[f.id]! })),
      });
      // The approval's revision is stored as the document plus what it appended, not joined; the
      // conclusion adds two more revisions and needs the file whole.
      const concluded = isLast ? await s.signing.conclude({ pdf: revisionBytes(approved), documentId: doc.id }) : null;
      clock?.mark('sign');
      const changed = concluded ? concluded !== pdf : approved.appended.length > 0;
      const parts = concluded ? [concluded] : [approved.prefix, approved.appended];
      signed.push({
        docId: doc.id,
        blobId: changed ? await s.blobs.put(key, parts) : doc.currentBlobId,
        sha256: !changed ? doc.currentSha256 : concluded ? sha256Hex(concluded) : approved.sha256,
        size: concluded ? concluded.length : approved.prefix.length + approved.appended.length,
        hashState: concluded ? null : approved.hashState,
        changed,
      });
      clock?.mark('blob-write');
    }
    if (isLast) {
      const cert = await s.signing.conclusionCertificate(certificateInput(s, env, sender, docs, signed, recipient, caller, now));
      if (cert) {
        const { dataKey, wrapped } = newDataKey(s.masterKey);
        certificate = { blobId: await s.blobs.put(dataKey, cert), wrapped };
      }
      clock?.mark('certificate');
    }
  } catch (err) {
    release();
    if (err instanceof SigningUnavailableError) throw fail('signing-unavailable', 503);
    throw err;
  }

  let next: { name: string } | null = null;
  try {
    s.db.transaction((tx) => {
      const mineNow = q(tx).recipientClaim.get({ id: recipient.id });
      if (mineNow?.claimId !== claimId) throw fail('completion-in-progress', 409, {}, { state: 'ready' });
      const actor = `recipient:${recipient.email}`;
      const audit = (action: Parameters<typeof appendAudit>[2]['action'], details: Record<string, unknown>) =>
        appendAudit(s.auditKey, tx, { envelopeId: env.id, actor, action, ip: caller.ip, userAgent: caller.userAgent, at: now, details });
      for (const f of mine) {
        const v = values[f.id];
        if (v === undefined) continue;
        q(tx).setFieldValue.run({ value: v, id: f.id });
        audit('field.filled', { recipientId: recipient.id, fieldId: f.id, label: f.label, value: v });
      }
      for (const d of signed) {
        const doc = docs.find((x) => x.id === d.docId)!;
        q(tx).setDocumentRevision.run({ blobId: d.blobId, sha256: d.sha256, size: d.size, hashState: d.hashState, revision: doc.revision + (d.changed ? 1 : 0), id: d.docId });
        audit('signing.applied', { recipientId: recipient.id, documentId: d.docId, kind: s.signing.kind, sha256: d.sha256, concluded: isLast });
      }
      q(tx).completeRecipient.run({ now, id: recipient.id });
      audit('recipient.completed', { recipientId: recipient.id, name: recipient.name, email: recipient.email, method: caller.extension ? 'extension' : 'web' });
      const following = currentSigner(recipientsOf(tx, env.id));
      if (following) {
        activateRecipient(s, tx, env, following, 'system', now);
        next = { name: following.name };
      } else {
        q(tx).concludeEnvelope.run({ now, blobId: certificate?.blobId ?? null, wrappedKey: certificate?.wrapped ?? null, id: env.id });
        appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: 'system', action: 'envelope.concluded', at: now, details: { documents: signed.map((d) => ({ id: d.docId, sha256: d.sha256 })), certificate: certificate !== null } });
        clock?.mark('commit: writes and audit');
        queueConclusionMail(s, tx, env, sender, docs.map((d) => ({ ...d, size: signed.find((x) => x.docId === d.id)!.size })), certificate !== null, now);
      }
      clock?.mark('commit: mail');
    }, { behavior: 'immediate' });
    clock?.mark('commit: sqlite');
  } catch (err) {
    release();
    throw err;
  }
  s.outbox.kick();
  clock?.mark('outbox kick');
  clock?.done();
  return { status: 'completed', next, concluded: next === null };
}

function certificateInput(
  s: Services,
  env: EnvelopeRow,
  sender: ReturnType<typeof senderOf>,
  docs: ReturnType<typeof documentsOf>,
  signed: { docId: string; sha256: string }[],
  last: Link['recipient'],
  caller: Caller,
  now: number,
): ConclusionCertificateInput {
  // envelope.sent, access-code.accepted, recipient.completed, document.viewed / downloaded, in order.
  const operations = q(s.db)
    .auditTrailOf.all({ envelopeId: env.id })
    .map((e) => {
      const method = (JSON.parse(e.details) as { method?: unknown }).method;
      return { at: new Date(e.at), action: e.action, actor: e.actor, ip: e.ip, method: String(method ?? (e.actor.startsWith('recipient:') ? 'web' : 'api')) };
    });
  operations.push({ at: new Date(now), action: 'recipient.completed', actor: `recipient:${last.name} <${last.email}>`, ip: caller.ip, method: caller.extension ? 'extension' : 'web' });
  return {
    envelopeId: env.id,
    title: env.title,
    managementNumber: env.managementNumber,
    senderOrganization: sender.organization,
    senderName: sender.name,
    senderEmail: sender.email,
    concludedAt: new Date(now),
    documents: docs.map((d) => ({ name: d.name, certificateId: d.certificateId, sha256: signed.find((x) => x.docId === d.id)!.sha256, pageCount: d.pageCount })),
    operations,
  };
}

type Tx = Parameters<Parameters<Services['db']['transaction']>[0]>[0];

/** 「電子署名完了のお知らせ」 to every party: the PDFs attached when they fit, else a 14-day download link. */
function queueConclusionMail(
  s: Services,
  tx: Tx,
  env: EnvelopeRow,
  sender: ReturnType<typeof senderOf>,
  docs: { id: string; name: string; size: number }[],
  hasCertificate: boolean,
  now: number,
) {
  const parties = [
    ...recipientsOf(tx, env.id).map((r) => ({ name: r.name, email: r.email, language: r.language, recipientId: r.id as string | null })),
    { name: sender.name, email: sender.email, language: 'ja' as const, recipientId: null },
  ];
  const seen = new Set<string>();
  const host = new URL(s.config.publicUrl).hostname;
  for (const p of parties) {
    if (seen.has(p.email)) continue;
    seen.add(p.email);
    const attachments: AttachmentRef[] = docs.map((d) => ({ kind: 'document', documentId: d.id, filename: d.name }));
    const attach = canAttach(p.email, docs.map((d) => d.size));
    let downloadLink: string | null = null;
    const downloadExpiresAt = now + s.config.downloadLinkValidityDays * 86_400_000;
    if (!attach) {
      const token = newToken();
      tx.insert(downloadLinks).values({ tokenHash: hashToken(token), envelopeId: env.id, recipientEmail: p.email, createdAt: now, expiresAt: downloadExpiresAt }).run();
      downloadLink = `${s.config.publicUrl}/d/${token}`;
    } else if (hasCertificate) {
      attachments.push({ kind: 'certificate', envelopeId: env.id, filename: `締結証明書_${env.id.slice(0, 8)}.pdf` });
    }
    queueMail(
      s,
      tx,
      {
        envelopeId: env.id,
        recipientId: p.recipientId,
        kind: 'concluded',
        to: { name: p.name, address: p.email },
        mail: concluded(p.language, {
          recipientName: p.name,
          title: env.title,
          sender: senderDisplay(sender),
          documentNames: docs.map((d) => d.name),
          attached: attach,
          downloadLink,
          downloadExpiresAt,
        }),
        attachments: attach ? attachments : [],
      },
      now,
      { attached: attach },
    );
  }
}

export function rejectRecipient(s: Services, token: string, authorization: string | undefined, reason: string, caller: Caller) {
  const link = authenticateSession(s, token, authorization);
  const now = s.now();
  const failure = stateFailure(linkState(link, now), link.recipient);
  if (failure) throw failure;
  const { env, recipient } = link;
  const sender = senderOf(s.db, env);
  s.db.transaction((tx) => {
    const res = tx
      .update(recipients)
      .set({ status: 'rejected', finishedAt: now, rejectReason: reason })
      .where(claimable(recipient, now))
      .run();
    if (res.changes !== 1) throw fail('completion-in-progress', 409, {}, { state: 'ready' });
    const envRes = tx.update(envelopes).set({ status: 'rejected', finishedAt: now }).where(and(eq(envelopes.id, env.id), eq(envelopes.status, 'sent'))).run();
    if (envRes.changes !== 1) throw new ApiFailure('conflict', 409);
    appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: `recipient:${recipient.email}`, action: 'recipient.rejected', ip: caller.ip, userAgent: caller.userAgent, at: now, details: { recipientId: recipient.id, reason, method: caller.extension ? 'extension' : 'web' } });
    queueMail(
      s,
      tx,
      {
        envelopeId: env.id,
        kind: 'rejected',
        to: { name: sender.name, address: sender.email },
        mail: rejected('ja', { senderName: sender.name, title: env.title, recipientName: recipient.name, recipientEmail: recipient.email, reason, at: now }),
      },
      now,
    );
  }, { behavior: 'immediate' });
  s.outbox.kick();
  return { status: 'rejected' as const };
}
