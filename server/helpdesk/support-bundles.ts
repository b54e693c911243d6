/**
 * Support bundles: the extension posts a redacted summary of what the user saw and gets a short code to
 * read to the help desk over the phone. The code only finds the bundle for an authenticated help-desk
 * user; it opens nothing, so it is stored as is. Bundles expire after 30 days.
 */
import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, lte } from 'drizzle-orm';
import type { Services } from '../services.js';
import type { Actor } from '../auth/actor.js';
import { fail } from '../errors.js';
import { q } from '../store/prepared.js';
import { supportBundles } from '../store/schema.js';
import { recipientsOf } from '../envelopes/load.js';
import { SUPPORT_CODE_ALPHABET, normalizeSupportCode, type StoredSupportBundle, type SupportBundle } from '../../shared/api/support.js';

export const SUPPORT_BUNDLE_DAYS = 30;
export const SUPPORT_BUNDLE_MAX_BYTES = 64 * 1024;

type BundleRow = typeof supportBundles.$inferSelect;

/** 8 of 32 symbols: 40 bits, drawn without modulo bias. */
function newSupportCode(): string {
  let raw = '';
  for (let i = 0; i < 8; i++) raw += SUPPORT_CODE_ALPHABET[randomInt(SUPPORT_CODE_ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/**
 * Links the bundle to an envelope only through what proves knowledge of it: the link token's hash (the
 * recipient's current link), or an envelope id that exists (a recipient id is kept only if it is one of
 * that envelope's recipients).
 */
function resolveEnvelope(s: Services, bundle: SupportBundle): { orgId: string | null; envelopeId: string | null; recipientId: string | null } {
  if (bundle.linkHash) {
    const r = q(s.db).recipientByTokenHash.get({ hash: bundle.linkHash });
    if (r) {
      const env = q(s.db).envelopeById.get({ id: r.envelopeId })!;
      return { orgId: env.orgId, envelopeId: env.id, recipientId: r.id };
    }
  }
  if (bundle.envelopeId) {
    const env = q(s.db).envelopeById.get({ id: bundle.envelopeId });
    if (env) {
      const recipientId = bundle.recipientId && recipientsOf(s.db, env.id).some((r) => r.id === bundle.recipientId) ? bundle.recipientId : null;
      return { orgId: env.orgId, envelopeId: env.id, recipientId };
    }
  }
  return { orgId: null, envelopeId: null, recipientId: null };
}

/** Stores a validated bundle (SupportBundle has already refused secrets) and returns its code. */
export function storeSupportBundle(s: Services, bundle: SupportBundle, ip: string | null): { supportCode: string; expiresAt: string } {
  const json = JSON.stringify(bundle);
  if (Buffer.byteLength(json) > SUPPORT_BUNDLE_MAX_BYTES) throw fail('too-large', 413, { detail: `${SUPPORT_BUNDLE_MAX_BYTES / 1024} KB` });
  const now = s.now();
  const expiresAt = now + SUPPORT_BUNDLE_DAYS * 86_400_000;
  const link = resolveEnvelope(s, bundle);
  return s.db.transaction((tx) => {
    tx.delete(supportBundles).where(lte(supportBundles.expiresAt, now)).run();
    for (;;) {
      const code = newSupportCode();
      if (tx.select({ code: supportBundles.code }).from(supportBundles).where(eq(supportBundles.code, code)).get()) continue;
      tx.insert(supportBundles).values({ code, ...link, ip, bundle: json, createdAt: now, expiresAt }).run();
      return { supportCode: code, expiresAt: new Date(expiresAt).toISOString() };
    }
  }, { behavior: 'immediate' });
}

function view(row: BundleRow): StoredSupportBundle {
  return {
    supportCode: row.code,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    ip: row.ip,
    envelopeId: row.envelopeId,
    recipientId: row.recipientId,
    bundle: JSON.parse(row.bundle) as SupportBundle,
  };
}

/**
 * A live bundle the actor may see: one linked to an envelope of their organisation, or one linked to no
 * envelope at all (whoever holds its code got it from the user).
 */
export function findSupportBundle(s: Services, actor: Actor, text: string): StoredSupportBundle | null {
  const code = normalizeSupportCode(text);
  if (!code) return null;
  const row = s.db.select().from(supportBundles).where(and(eq(supportBundles.code, code), gt(supportBundles.expiresAt, s.now()))).get();
  if (!row || (row.orgId !== null && row.orgId !== actor.orgId)) return null;
  return view(row);
}

/** Live bundles sent about one envelope, newest first (the envelope's organisation is checked by the caller). */
export function bundlesOfEnvelope(s: Services, envelopeId: string): StoredSupportBundle[] {
  return s.db
    .select()
    .from(supportBundles)
    .where(and(eq(supportBundles.envelopeId, envelopeId), gt(supportBundles.expiresAt, s.now())))
    .orderBy(desc(supportBundles.createdAt))
    .all()
    .map(view);
}
