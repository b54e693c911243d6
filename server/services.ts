/**
 * Everything the domain needs, opened once: database, blob store, keys, signing, mail outbox. Routes
 * and the CLI receive this; nothing here knows about HTTP.
 */
import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Config } from './config.js';
import { openDatabase, type Db } from './store/db.js';
import { q } from './store/prepared.js';
import { DiskBlobStore, unwrapDataKey, type BlobStore } from './store/blobs.js';
import { loadMasterKey } from './store/master-key.js';
import { appendAudit } from './audit/log.js';
import { MailOutbox, type AttachmentRef } from './mail/outbox.js';
import { createTransport, type MailTransport } from './mail/transport.js';
import { NoopSigningService, type SigningService } from './signing/service.js';
import { envelopes } from './store/schema.js';

export interface Services {
  config: Config;
  db: Db;
  blobs: BlobStore;
  masterKey: Buffer;
  auditKey: Buffer;
  sessionKey: Buffer;
  signing: SigningService;
  outbox: MailOutbox;
  now(): number;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  signing?: SigningService | ((s: { masterKey: Buffer; config: Config }) => Promise<SigningService>);
  transport?: MailTransport;
  now?: () => number;
}

/** A key for one purpose, derived from the master key (HKDF-SHA-256), so no two uses share a key. */
export function derive(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, 32));
}

export async function openServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const db = openDatabase(config.dataDir);
  const blobs = new DiskBlobStore(path.join(config.dataDir, 'blobs'));
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const auditKey = derive(masterKey, 'esign audit chain v1');
  const sessionKey = derive(masterKey, 'esign recipient session v1');
  const signing =
    typeof overrides.signing === 'function'
      ? await overrides.signing({ masterKey, config })
      : (overrides.signing ?? new NoopSigningService());
  const transport = overrides.transport ?? createTransport(config.smtpUrl, path.join(config.dataDir, 'outbox'));
  const services: Services = {
    config,
    db,
    blobs,
    masterKey,
    auditKey,
    sessionKey,
    signing,
    outbox: null as unknown as MailOutbox,
    now: overrides.now ?? Date.now,
    async close() {
      await services.outbox.stop();
      transport.close?.();
      db.$client.close();
    },
  };
  services.outbox = new MailOutbox(db, transport, config.mailFrom, {
    onResult(row, result) {
      if (!row.envelopeId) return;
      appendAudit(auditKey, db, {
        envelopeId: row.envelopeId,
        actor: 'system',
        action: result.ok ? 'mail.sent' : 'mail.failed',
        details: {
          outboxId: row.id,
          kind: row.kind,
          to: row.toAddress,
          ...(result.ok ? {} : { error: result.error, final: result.final }),
        },
      });
    },
    async resolveAttachment(ref: AttachmentRef) {
      if (ref.kind === 'document') return readDocument(services, ref.documentId);
      return readCertificate(services, ref.envelopeId);
    },
  }, config.mailLeaseMs);
  return services;
}

/** The document's bytes as they currently stand (decrypted). */
export function readDocument(s: Services, documentId: string): Buffer {
  const doc = q(s.db).documentById.get({ id: documentId });
  if (!doc) throw new Error(`no document ${documentId}`);
  return s.blobs.get(unwrapDataKey(s.masterKey, doc.wrappedKey), doc.currentBlobId);
}

export function readCertificate(s: Services, envelopeId: string): Buffer {
  const env = s.db.select().from(envelopes).where(eq(envelopes.id, envelopeId)).get();
  if (!env?.certificateBlobId || !env.certificateWrappedKey) throw new Error(`no conclusion certificate for ${envelopeId}`);
  return s.blobs.get(unwrapDataKey(s.masterKey, env.certificateWrappedKey), env.certificateBlobId);
}
