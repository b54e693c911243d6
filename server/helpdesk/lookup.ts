/**
 * One search box for the help desk: whatever the caller reads out — an envelope id, a management number,
 * their email address, or the support code from 「問い合わせ用情報をコピー」 — finds the envelopes of the
 * operator's organisation, each with its diagnosis.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import type { Lang } from '../../shared/i18n/errors.js';
import { envelopes, recipients } from '../store/schema.js';
import type { HelpdeskEnvelope, HelpdeskLookup } from '../../shared/api/support.js';
import { diagnoseEnvelope } from './diagnose.js';
import { envelopeHeader } from './timeline.js';
import { findSupportBundle } from './support-bundles.js';

const MAX_RESULTS = 50;
type MatchedBy = HelpdeskEnvelope['matchedBy'][number];

export function helpdeskLookup(s: Services, actor: Actor, query: string, lang: Lang): HelpdeskLookup {
  const q = query.trim();
  const matches = new Map<string, Set<MatchedBy>>();
  const add = (ids: string[], by: MatchedBy) => {
    for (const id of ids) (matches.get(id) ?? matches.set(id, new Set()).get(id)!).add(by);
  };
  const mine = eq(envelopes.orgId, actor.orgId);

  const bundle = findSupportBundle(s, actor, q);
  if (bundle?.envelopeId) add([bundle.envelopeId], 'support-code');
  if (/^[0-9a-f]{32}$/i.test(q)) {
    add(s.db.select({ id: envelopes.id }).from(envelopes).where(and(mine, eq(envelopes.id, q.toLowerCase()))).all().map((e) => e.id), 'envelope-id');
  }
  add(s.db.select({ id: envelopes.id }).from(envelopes).where(and(mine, eq(envelopes.managementNumber, q))).limit(MAX_RESULTS).all().map((e) => e.id), 'management-number');
  if (q.includes('@')) {
    add(
      s.db
        .selectDistinct({ id: envelopes.id })
        .from(recipients)
        .innerJoin(envelopes, eq(envelopes.id, recipients.envelopeId))
        .where(and(mine, eq(recipients.email, q.toLowerCase())))
        .limit(MAX_RESULTS)
        .all()
        .map((e) => e.id),
      'recipient-email',
    );
  }

  const rows = matches.size
    ? s.db.select().from(envelopes).where(and(mine, inArray(envelopes.id, [...matches.keys()]))).orderBy(desc(envelopes.createdAt)).limit(MAX_RESULTS).all()
    : [];
  return {
    query: q,
    envelopes: rows.map((env) => ({ ...envelopeHeader(s, env), matchedBy: [...matches.get(env.id)!], diagnosis: diagnoseEnvelope(s, env, lang) })),
    bundle,
  };
}
