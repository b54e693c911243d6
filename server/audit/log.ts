/**
 * Append-only, hash-chained audit log per envelope. Each event's hash covers the previous hash and the
 * event's canonical JSON, so an edit, a deletion or a reordering anywhere breaks the chain from there on.
 * SQLite triggers refuse UPDATE and DELETE; `cli audit verify` recomputes every chain. The hash is an
 * HMAC under a key derived from the master key, so whoever can edit the database file but does not hold
 * the master key cannot recompute a consistent chain after an edit.
 */
import { createHmac } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { q } from '../store/prepared.js';
import type { Db } from '../store/db.js';
import { auditEvents } from '../store/schema.js';

export const GENESIS = '0'.repeat(64);

export type AuditAction =
  | 'envelope.created'
  | 'envelope.sent'
  | 'envelope.cancelled'
  | 'envelope.expired'
  | 'envelope.concluded'
  | 'envelope.expiry-extended'
  | 'mail.queued'
  | 'mail.sent'
  | 'mail.failed'
  | 'link.opened'
  | 'link.resent'
  | 'access-code.failed'
  | 'access-code.accepted'
  | 'recipient.locked'
  | 'recipient.unlocked'
  | 'recipient.expired'
  | 'document.viewed'
  | 'document.downloaded'
  | 'field.filled'
  | 'recipient.completed'
  | 'recipient.rejected'
  | 'signing.applied'
  // The help desk made a test copy of this envelope / this envelope is one (server/helpdesk/sandbox.ts).
  | 'helpdesk.sandbox-copied'
  | 'helpdesk.sandbox-of';

export interface AuditInput {
  envelopeId: string;
  actor: string;
  action: AuditAction;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
  at?: number;
}

type Tx = Pick<Db, 'select'>;

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function eventHash(key: Buffer, prevHash: string, e: {
  envelopeId: string; seq: number; at: number; actor: string; action: string;
  ip: string | null; userAgent: string | null; details: string;
}): string {
  return createHmac('sha256', key)
    .update(prevHash)
    .update('\n')
    .update(
      canonical({
        envelopeId: e.envelopeId,
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        ip: e.ip,
        userAgent: e.userAgent,
        details: JSON.parse(e.details),
      }),
    )
    .digest('hex');
}

/** Call inside the transaction that makes the change it records. */
export function appendAudit(key: Buffer, tx: Tx, input: AuditInput): void {
  const last = q(tx).lastAudit.get({ envelopeId: input.envelopeId });
  const row = {
    envelopeId: input.envelopeId,
    seq: (last?.seq ?? 0) + 1,
    at: input.at ?? Date.now(),
    actor: input.actor,
    action: input.action,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
    details: canonical(input.details ?? {}),
  };
  const prevHash = last?.hash ?? GENESIS;
  q(tx).insertAudit.run({ ...row, prevHash, hash: eventHash(key, prevHash, row) });
}

export interface AuditEventView {
  seq: number;
  at: number;
  actor: string;
  action: string;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export function auditTrail(db: Db, envelopeId: string): AuditEventView[] {
  return db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.envelopeId, envelopeId))
    .orderBy(asc(auditEvents.seq))
    .all()
    .map((r) => ({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, ip: r.ip, userAgent: r.userAgent, details: JSON.parse(r.details) }));
}

export interface ChainProblem {
  envelopeId: string;
  seq: number;
  problem: 'hash-mismatch' | 'broken-link' | 'sequence-gap';
}

/** Recomputes every envelope's chain (or one). Returns what is broken; empty means intact. */
export function verifyAuditChains(key: Buffer, db: Db, envelopeId?: string): { envelopes: number; events: number; problems: ChainProblem[] } {
  const rows = db
    .select()
    .from(auditEvents)
    .where(envelopeId ? and(eq(auditEvents.envelopeId, envelopeId)) : undefined)
    .orderBy(asc(auditEvents.envelopeId), asc(auditEvents.seq))
    .all();
  const problems: ChainProblem[] = [];
  let current = '';
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let envelopes = 0;
  for (const r of rows) {
    if (r.envelopeId !== current) {
      current = r.envelopeId;
      prevHash = GENESIS;
      expectedSeq = 1;
      envelopes++;
    }
    if (r.seq !== expectedSeq) problems.push({ envelopeId: r.envelopeId, seq: r.seq, problem: 'sequence-gap' });
    if (r.prevHash !== prevHash) problems.push({ envelopeId: r.envelopeId, seq: r.seq, problem: 'broken-link' });
    let recomputed: string;
    try {
      recomputed = eventHash(key, r.prevHash, r);
    } catch {
      recomputed = '';
    }
    if (recomputed !== r.hash) problems.push({ envelopeId: r.envelopeId, seq: r.seq, problem: 'hash-mismatch' });
    prevHash = r.hash;
    expectedSeq = r.seq + 1;
  }
  return { envelopes, events: rows.length, problems };
}
