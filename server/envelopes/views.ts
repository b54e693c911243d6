import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { envelopes } from '../store/schema.js';
import type { EnvelopeSearch, EnvelopeView } from '../../shared/api/sender.js';
import { documentsOf, envelopeFor, recipientsOf, senderOf } from './load.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function envelopeView(s: Services, actor: Actor, envelopeId: string): EnvelopeView {
  const env = envelopeFor(s.db, actor, envelopeId);
  return {
    id: env.id,
    title: env.title,
    message: env.message,
    status: env.status,
    transactionDate: env.transactionDate,
    counterparty: env.counterparty,
    amount: env.amount,
    managementNumber: env.managementNumber,
    createdAt: iso(env.createdAt)!,
    sentAt: iso(env.sentAt),
    finishedAt: iso(env.finishedAt),
    cancelReason: env.cancelReason,
    sender: senderOf(s.db, env),
    documents: documentsOf(s.db, env.id).map((d) => ({
      id: d.id,
      name: d.name,
      pageCount: d.pageCount,
      certificateId: d.certificateId,
      sha256: d.currentSha256,
      size: d.currentSize,
      revision: d.revision,
    })),
    recipients: recipientsOf(s.db, env.id).map((r) => ({
      id: r.id,
      position: r.position,
      name: r.name,
      email: r.email,
      role: r.role,
      language: r.language,
      status: r.status,
      failedAttempts: r.failedAttempts,
      linkExpiresAt: iso(r.linkExpiresAt),
      notifiedAt: iso(r.notifiedAt),
      openedAt: iso(r.openedAt),
      finishedAt: iso(r.finishedAt),
      rejectReason: r.rejectReason,
    })),
  };
}

const escapeLike = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
const contains = (col: typeof envelopes.title | typeof envelopes.counterparty, v: string) => sql`${col} LIKE ${`%${escapeLike(v)}%`} ESCAPE '\\'`;

/** Search by the 電子帳簿保存法 keys: transaction date range, counterparty (partial), amount range; plus title and status. */
export function searchEnvelopes(s: Services, actor: Actor, q: EnvelopeSearch) {
  const where: SQL[] = [eq(envelopes.orgId, actor.orgId)];
  if (q.dateFrom) where.push(gte(envelopes.transactionDate, q.dateFrom));
  if (q.dateTo) where.push(lte(envelopes.transactionDate, q.dateTo));
  if (q.counterparty) where.push(contains(envelopes.counterparty, q.counterparty));
  if (q.amountMin !== undefined) where.push(gte(envelopes.amount, q.amountMin));
  if (q.amountMax !== undefined) where.push(lte(envelopes.amount, q.amountMax));
  if (q.title) where.push(contains(envelopes.title, q.title));
  if (q.status) where.push(eq(envelopes.status, q.status));
  if (q.managementNumber) where.push(eq(envelopes.managementNumber, q.managementNumber));
  return s.db
    .select()
    .from(envelopes)
    .where(and(...where))
    .orderBy(desc(envelopes.createdAt))
    .limit(q.limit)
    .offset(q.offset)
    .all()
    .map((e) => ({
      id: e.id,
      title: e.title,
      status: e.status,
      transactionDate: e.transactionDate,
      counterparty: e.counterparty,
      amount: e.amount,
      managementNumber: e.managementNumber,
      createdAt: iso(e.createdAt)!,
    }));
}
