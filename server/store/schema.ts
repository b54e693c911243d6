/**
 * Drizzle schema. Kept portable (text ids, integer epoch milliseconds, no SQLite-only types) so that
 * the same tables run on PostgreSQL when the service outgrows one machine (DESIGN.md §5).
 */
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const organizations = sqliteTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'sender', 'helpdesk'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  totpSecret: text('totp_secret'),
  createdAt: integer('created_at').notNull(),
  disabledAt: integer('disabled_at'),
});

export const userSessions = sqliteTable('user_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull(),
  prefix: text('prefix').notNull(),
  createdAt: integer('created_at').notNull(),
  revokedAt: integer('revoked_at'),
});

export const envelopes = sqliteTable('envelopes', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  senderUserId: text('sender_user_id').notNull(),
  title: text('title').notNull(),
  message: text('message').notNull(),
  status: text('status', { enum: ['draft', 'sent', 'completed', 'rejected', 'cancelled', 'expired'] }).notNull(),
  transactionDate: text('transaction_date'),
  counterparty: text('counterparty'),
  amount: real('amount'),
  managementNumber: text('management_number'),
  createdAt: integer('created_at').notNull(),
  sentAt: integer('sent_at'),
  finishedAt: integer('finished_at'),
  cancelReason: text('cancel_reason'),
  signingKind: text('signing_kind'),
  certificateBlobId: text('certificate_blob_id'),
  certificateWrappedKey: text('certificate_wrapped_key'),
});

export const documents = sqliteTable('documents', {
  id: text('id').primaryKey(),
  envelopeId: text('envelope_id').notNull(),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  pageCount: integer('page_count').notNull(),
  certificateId: text('certificate_id').notNull(),
  wrappedKey: text('wrapped_key').notNull(),
  uploadedBlobId: text('uploaded_blob_id').notNull(),
  currentBlobId: text('current_blob_id').notNull(),
  currentSha256: text('current_sha256').notNull(),
  currentSize: integer('current_size').notNull(),
  /** The saved SHA-256 state of the current revision (signing/hash-state.ts); null: none kept. */
  hashState: text('hash_state'),
  revision: integer('revision').notNull(),
});

export const recipients = sqliteTable('recipients', {
  id: text('id').primaryKey(),
  envelopeId: text('envelope_id').notNull(),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  role: text('role', { enum: ['signer', 'cc'] }).notNull(),
  language: text('language', { enum: ['ja', 'en'] }).notNull(),
  accessCodeHash: text('access_code_hash'),
  status: text('status', {
    enum: ['waiting', 'notified', 'opened', 'locked', 'completed', 'rejected', 'expired'],
  }).notNull(),
  failedAttempts: integer('failed_attempts').notNull(),
  tokenHash: text('token_hash'),
  linkGeneration: integer('link_generation').notNull(),
  linkExpiresAt: integer('link_expires_at'),
  notifiedAt: integer('notified_at'),
  openedAt: integer('opened_at'),
  finishedAt: integer('finished_at'),
  rejectReason: text('reject_reason'),
  claimId: text('claim_id'),
  claimUntil: integer('claim_until'),
});

export const fields = sqliteTable('fields', {
  id: text('id').primaryKey(),
  documentId: text('document_id').notNull(),
  recipientId: text('recipient_id').notNull(),
  name: text('name').notNull(),
  label: text('label').notNull(),
  type: text('type', { enum: ['text', 'date', 'checkbox'] }).notNull(),
  required: integer('required', { mode: 'boolean' }).notNull(),
  page: integer('page').notNull(),
  x: real('x').notNull(),
  y: real('y').notNull(),
  width: real('width').notNull(),
  height: real('height').notNull(),
  value: text('value'),
});

export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  envelopeId: text('envelope_id').notNull(),
  seq: integer('seq').notNull(),
  at: integer('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  details: text('details').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const outbox = sqliteTable('outbox', {
  id: text('id').primaryKey(),
  envelopeId: text('envelope_id'),
  recipientId: text('recipient_id'),
  kind: text('kind').notNull(),
  toAddress: text('to_address').notNull(),
  toName: text('to_name').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body').notNull(),
  attachments: text('attachments').notNull(),
  messageId: text('message_id').notNull(),
  status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull(),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  leaseUntil: integer('lease_until'),
  lastError: text('last_error'),
  createdAt: integer('created_at').notNull(),
  sentAt: integer('sent_at'),
});

export const downloadLinks = sqliteTable('download_links', {
  tokenHash: text('token_hash').primaryKey(),
  envelopeId: text('envelope_id').notNull(),
  recipientEmail: text('recipient_email').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Redacted support bundles sent from the extension, found by their short support code (not a credential). */
export const supportBundles = sqliteTable('support_bundles', {
  code: text('code').primaryKey(),
  orgId: text('org_id'),
  envelopeId: text('envelope_id'),
  recipientId: text('recipient_id'),
  ip: text('ip'),
  bundle: text('bundle').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
