import { randomBytes } from 'node:crypto';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { actorLabel } from '../auth/actor.js';
import { newId, sha256Hex, slowHash } from '../auth/secrets.js';
import { newDataKey } from '../store/blobs.js';
import { documents, envelopes, fields, recipients } from '../store/schema.js';
import { appendAudit } from '../audit/log.js';
import { fail } from '../errors.js';
import type { EnvelopeInput } from '../../shared/api/sender.js';
import type { Lang } from '../../shared/i18n/errors.js';
import { checkUpload, type UploadedFile } from './upload-check.js';
import { markSent, placedField, prepareDocuments } from './send.js';

/**
 * Creates an envelope from validated metadata and uploaded PDFs. Every file is checked before anything
 * is written; blobs are written (and fsynced) before the one transaction that inserts the rows, so a
 * failure at any point leaves nothing half-created (at worst an unreferenced encrypted blob).
 */
export async function createEnvelope(
  s: Services,
  actor: Actor,
  input: EnvelopeInput,
  files: UploadedFile[],
  lang: Lang,
  /** A help-desk sandbox copy addresses every recipient to the operator (server/helpdesk/sandbox.ts). */
  options: { sameAddressAllowed?: boolean } = {},
): Promise<{ envelopeId: string }> {
  const { config } = s;
  if (files.length === 0) throw fail('validation-failed', 400, { detail: lang === 'ja' ? 'PDF を1つ以上添付してください' : 'attach at least one PDF' });
  if (files.length > config.maxDocuments) {
    throw fail('too-large', 413, { detail: lang === 'ja' ? `文書は ${config.maxDocuments} 件までです` : `at most ${config.maxDocuments} documents` });
  }
  let total = 0;
  for (const f of files) {
    if (f.bytes.length > config.maxFileBytes) {
      throw fail('too-large', 413, { detail: lang === 'ja' ? `「${f.name}」は ${mb(config.maxFileBytes)} MB を超えています` : `"${f.name}" is over ${mb(config.maxFileBytes)} MB` });
    }
    total += f.bytes.length;
  }
  if (total > config.maxEnvelopeBytes) {
    throw fail('too-large', 413, { detail: lang === 'ja' ? `封筒全体で ${mb(config.maxEnvelopeBytes)} MB を超えています` : `the envelope is over ${mb(config.maxEnvelopeBytes)} MB` });
  }
  const checked = files.map((f) => ({ ...f, ...checkUpload(f, lang, config.maxPages) }));

  input.recipients.forEach((r, i) => {
    if (!options.sameAddressAllowed && input.recipients.findIndex((o) => o.email === r.email && o.role === r.role) !== i) {
      throw fail('validation-failed', 400, { detail: lang === 'ja' ? `宛先 ${r.email} が重複しています` : `recipient ${r.email} is listed twice` });
    }
  });
  if (!input.recipients.some((r) => r.role === 'signer')) {
    throw fail('validation-failed', 400, { detail: lang === 'ja' ? '署名者を1人以上指定してください' : 'name at least one signer' });
  }
  input.fields.forEach((f, i) => {
    const doc = checked[f.document];
    const rcp = input.recipients[f.recipient];
    const where = `fields[${i}]`;
    if (!doc) throw fail('validation-failed', 400, { detail: `${where}: document ${f.document} does not exist` });
    if (!rcp || rcp.role !== 'signer') throw fail('validation-failed', 400, { detail: `${where}: recipient ${f.recipient} is not a signer` });
    if (f.page > doc.pageCount) throw fail('validation-failed', 400, { detail: `${where}: page ${f.page} > ${doc.pageCount} pages of "${doc.name}"` });
  });

  const codeHashes = await Promise.all(input.recipients.map((r) => (r.accessCode ? slowHash(r.accessCode) : null)));

  const envelopeId = newId();
  const now = s.now();
  const docRows = await Promise.all(checked.map(async (f, position) => {
    const { dataKey, wrapped } = newDataKey(s.masterKey);
    const blobId = await s.blobs.put(dataKey, f.bytes);
    return {
      id: newId(),
      envelopeId,
      position,
      name: f.name,
      pageCount: f.pageCount,
      certificateId: randomBytes(16).toString('hex'),
      wrappedKey: wrapped,
      uploadedBlobId: blobId,
      currentBlobId: blobId,
      currentSha256: sha256Hex(f.bytes),
      currentSize: f.bytes.length,
      revision: 0,
    };
  }));
  const recipientRows = input.recipients.map((r, position) => ({
    id: newId(),
    envelopeId,
    position,
    name: r.name,
    email: r.email,
    role: r.role,
    language: r.language,
    accessCodeHash: codeHashes[position],
    status: 'waiting' as const,
    failedAttempts: 0,
    linkGeneration: 0,
  }));
  const perDocCount = new Map<number, number>();
  const fieldRows = input.fields.map((f) => {
    const n = (perDocCount.get(f.document) ?? 0) + 1;
    perDocCount.set(f.document, n);
    return {
      id: newId(),
      documentId: docRows[f.document]!.id,
      recipientId: recipientRows[f.recipient]!.id,
      name: `esign_${f.recipient + 1}_${n}`,
      label: f.label,
      type: f.type,
      required: f.required,
      page: f.page,
      x: f.rect.x,
      y: f.rect.y,
      width: f.rect.width,
      height: f.rect.height,
    };
  });

  // Create-and-send is one transaction: the documents' original revisions are made first, so a crash
  // can leave neither a half-created envelope nor a draft that was meant to be sent.
  let prepared: Awaited<ReturnType<typeof prepareDocuments>> = [];
  try {
    if (input.send) {
      prepared = await prepareDocuments(
        s,
        docRows.map((d, i) => ({ ...d, pdf: checked[i]!.bytes })),
        (documentId) => fieldRows.filter((f) => f.documentId === documentId).map((f) => placedField({ ...f, value: null })),
      );
    }
    s.db.transaction((tx) => {
      tx.insert(envelopes)
        .values({
          id: envelopeId,
          orgId: actor.orgId,
          senderUserId: actor.userId,
          title: input.title,
          message: input.message,
          status: 'draft',
          transactionDate: input.transactionDate ?? null,
          counterparty: input.counterparty ?? null,
          amount: input.amount ?? null,
          managementNumber: input.managementNumber ?? null,
          createdAt: now,
        })
        .run();
      tx.insert(documents).values(docRows).run();
      tx.insert(recipients).values(recipientRows).run();
      if (fieldRows.length) tx.insert(fields).values(fieldRows).run();
      appendAudit(s.auditKey, tx, {
        envelopeId,
        actor: actorLabel(actor),
        action: 'envelope.created',
        ip: actor.ip,
        userAgent: actor.userAgent,
        at: now,
        details: {
          title: input.title,
          documents: docRows.map((d) => ({ id: d.id, name: d.name, sha256: d.currentSha256, pages: d.pageCount })),
          recipients: recipientRows.map((r) => ({ id: r.id, name: r.name, email: r.email, role: r.role })),
          fields: fieldRows.length,
        },
      });
      if (input.send) markSent(s, tx, actor, envelopeId, prepared, now);
    }, { behavior: 'immediate' });
  } catch (err) {
    for (const d of docRows) s.blobs.remove(d.uploadedBlobId);
    for (const p of prepared) if (!docRows.some((d) => d.uploadedBlobId === p.blobId)) s.blobs.remove(p.blobId);
    throw err;
  }
  if (input.send) s.outbox.kick();
  return { envelopeId };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
