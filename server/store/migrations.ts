/**
 * Schema migrations, applied in order inside one transaction each. Plain SQL that PostgreSQL also
 * accepts (text, integer, double precision-compatible real), except the audit triggers, which are
 * SQLite's way of making the log append-only.
 */
export const migrations: { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
CREATE TABLE organizations (id text PRIMARY KEY, name text NOT NULL, created_at integer NOT NULL);
CREATE TABLE users (
  id text PRIMARY KEY, org_id text NOT NULL REFERENCES organizations(id), email text NOT NULL UNIQUE,
  name text NOT NULL, role text NOT NULL, password_hash text NOT NULL, totp_secret text,
  created_at integer NOT NULL, disabled_at integer);
CREATE TABLE user_sessions (token_hash text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id),
  created_at integer NOT NULL, expires_at integer NOT NULL);
CREATE TABLE api_keys (id text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id), name text NOT NULL,
  key_hash text NOT NULL UNIQUE, prefix text NOT NULL, created_at integer NOT NULL, revoked_at integer);
CREATE TABLE envelopes (
  id text PRIMARY KEY, org_id text NOT NULL REFERENCES organizations(id), sender_user_id text NOT NULL REFERENCES users(id),
  title text NOT NULL, message text NOT NULL, status text NOT NULL, transaction_date text, counterparty text,
  amount real, management_number text, created_at integer NOT NULL, sent_at integer, finished_at integer,
  cancel_reason text, signing_kind text, certificate_blob_id text, certificate_wrapped_key text);
CREATE INDEX envelopes_org_created ON envelopes(org_id, created_at);
CREATE INDEX envelopes_org_date ON envelopes(org_id, transaction_date);
CREATE TABLE documents (
  id text PRIMARY KEY, envelope_id text NOT NULL REFERENCES envelopes(id), position integer NOT NULL,
  name text NOT NULL, page_count integer NOT NULL, certificate_id text NOT NULL, wrapped_key text NOT NULL,
  uploaded_blob_id text NOT NULL, current_blob_id text NOT NULL, current_sha256 text NOT NULL,
  current_size integer NOT NULL, revision integer NOT NULL);
CREATE INDEX documents_envelope ON documents(envelope_id, position);
CREATE TABLE recipients (
  id text PRIMARY KEY, envelope_id text NOT NULL REFERENCES envelopes(id), position integer NOT NULL,
  name text NOT NULL, email text NOT NULL, role text NOT NULL, language text NOT NULL, access_code_hash text,
  status text NOT NULL, failed_attempts integer NOT NULL, token_hash text UNIQUE, link_generation integer NOT NULL,
  link_expires_at integer, notified_at integer, opened_at integer, finished_at integer, reject_reason text,
  claim_id text, claim_until integer);
CREATE INDEX recipients_envelope ON recipients(envelope_id, position);
CREATE INDEX recipients_email ON recipients(email);
CREATE TABLE fields (
  id text PRIMARY KEY, document_id text NOT NULL REFERENCES documents(id), recipient_id text NOT NULL REFERENCES recipients(id),
  name text NOT NULL, label text NOT NULL, type text NOT NULL, required integer NOT NULL, page integer NOT NULL,
  x real NOT NULL, y real NOT NULL, width real NOT NULL, height real NOT NULL, value text);
CREATE INDEX fields_document ON fields(document_id);
CREATE TABLE audit_events (
  id integer PRIMARY KEY AUTOINCREMENT, envelope_id text NOT NULL, seq integer NOT NULL, at integer NOT NULL,
  actor text NOT NULL, action text NOT NULL, ip text, user_agent text, details text NOT NULL,
  prev_hash text NOT NULL, hash text NOT NULL, UNIQUE (envelope_id, seq));
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TABLE outbox (
  id text PRIMARY KEY, envelope_id text, recipient_id text, kind text NOT NULL, to_address text NOT NULL,
  to_name text NOT NULL, subject text NOT NULL, text_body text NOT NULL, html_body text NOT NULL,
  attachments text NOT NULL, message_id text NOT NULL UNIQUE, status text NOT NULL, attempts integer NOT NULL,
  next_attempt_at integer NOT NULL, lease_until integer, last_error text, created_at integer NOT NULL, sent_at integer);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE download_links (token_hash text PRIMARY KEY, envelope_id text NOT NULL REFERENCES envelopes(id),
  recipient_email text NOT NULL, created_at integer NOT NULL, expires_at integer NOT NULL);
CREATE TABLE rate_limits (key text PRIMARY KEY, window_start integer NOT NULL, count integer NOT NULL);
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
`,
  },
  {
    id: 2,
    sql: `
CREATE TABLE support_bundles (
  code text PRIMARY KEY, org_id text REFERENCES organizations(id), envelope_id text REFERENCES envelopes(id),
  recipient_id text, ip text, bundle text NOT NULL, created_at integer NOT NULL, expires_at integer NOT NULL);
CREATE INDEX support_bundles_envelope ON support_bundles(envelope_id);
CREATE INDEX support_bundles_expires ON support_bundles(expires_at);
CREATE INDEX envelopes_org_management ON envelopes(org_id, management_number);
`,
  },
  {
    id: 3,
    // The outbox worker's second query: mails whose sender died mid-send, by lease expiry.
    sql: `CREATE INDEX outbox_leases ON outbox(status, lease_until);`,
  },
  {
    id: 4,
    // The SHA-256 state of each document's current revision, so an approval hashes only what it appends.
    sql: `ALTER TABLE documents ADD COLUMN hash_state text;`,
  },
];
