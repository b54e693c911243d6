/**
 * Organisations, users (scrypt passwords, optional TOTP), user sessions and API keys. Sessions and keys
 * are random tokens stored only as SHA-256, in the database, so any server instance can check them.
 */
import { and, eq, isNull } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import type { Db } from '../store/db.js';
import { apiKeys, organizations, users, userSessions } from '../store/schema.js';
import { hashToken, newId, newToken, slowHash, slowVerify } from './secrets.js';
import { fail } from '../errors.js';
import type { Actor } from './actor.js';

const SESSION_MS = 12 * 3600_000;

export function createOrganization(db: Db, name: string): string {
  const id = newId();
  db.insert(organizations).values({ id, name, createdAt: Date.now() }).run();
  return id;
}

export async function createUser(db: Db, u: { orgId: string; email: string; name: string; role: Actor['role']; password: string }) {
  const email = u.email.trim().toLowerCase();
  if (db.select().from(users).where(eq(users.email, email)).get()) throw fail('validation-failed', 409, { detail: `${email} already exists` });
  const id = newId();
  db.insert(users).values({ id, orgId: u.orgId, email, name: u.name, role: u.role, passwordHash: await slowHash(u.password), createdAt: Date.now() }).run();
  return id;
}

export function listUsers(db: Db, orgId: string) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, totp: users.totpSecret, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.orgId, orgId))
    .all()
    .map(({ totp, ...u }) => ({ ...u, totpEnabled: totp !== null }));
}

function totp(secret: string) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
}

export function totpCode(secret: string, at = Date.now()) {
  return totp(secret).generate({ timestamp: at });
}

/** Password, then TOTP when the user has enabled it. Same error for a wrong email or password. */
export async function login(db: Db, email: string, password: string, code: string | undefined): Promise<{ token: string; actor: Actor }> {
  const user = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  const ok = user && !user.disabledAt && (await slowVerify(password, user.passwordHash));
  if (!user || !ok) throw fail('bad-credentials', 401);
  if (user.totpSecret) {
    if (!code) throw fail('totp-required', 401);
    if (totp(user.totpSecret).validate({ token: code, window: 1 }) === null) throw fail('bad-credentials', 401);
  }
  const token = `us_${newToken()}`;
  db.insert(userSessions).values({ tokenHash: hashToken(token), userId: user.id, createdAt: Date.now(), expiresAt: Date.now() + SESSION_MS }).run();
  return { token, actor: actorOf(db, user.id, 'session') };
}

export function logout(db: Db, token: string) {
  db.delete(userSessions).where(eq(userSessions.tokenHash, hashToken(token))).run();
}

export function newTotpSecret(email: string) {
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const uri = new OTPAuth.TOTP({ issuer: 'esign', label: email, secret: OTPAuth.Secret.fromBase32(secret) }).toString();
  return { secret, uri };
}

export function enableTotp(db: Db, userId: string, secret: string, code: string) {
  if (totp(secret).validate({ token: code, window: 1 }) === null) throw fail('bad-credentials', 401);
  db.update(users).set({ totpSecret: secret }).where(eq(users.id, userId)).run();
}

export function createApiKey(db: Db, userId: string, name: string) {
  const key = `ak_${newToken()}`;
  const id = newId();
  db.insert(apiKeys).values({ id, userId, name, keyHash: hashToken(key), prefix: key.slice(0, 9), createdAt: Date.now() }).run();
  return { id, key, prefix: key.slice(0, 9) };
}

export function listApiKeys(db: Db, userId: string) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .all();
}

export function revokeApiKey(db: Db, userId: string, id: string) {
  const r = db.update(apiKeys).set({ revokedAt: Date.now() }).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).run();
  if (r.changes !== 1) throw fail('not-found', 404);
}

export function actorOf(db: Db, userId: string, via: Actor['via']): Actor {
  const u = db.select().from(users).where(eq(users.id, userId)).get();
  if (!u || u.disabledAt) throw fail('unauthorized', 401);
  return { userId: u.id, orgId: u.orgId, name: u.name, email: u.email, role: u.role, via };
}

export function actorByEmail(db: Db, email: string, via: Actor['via']): Actor {
  const u = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!u) throw fail('not-found', 404);
  return actorOf(db, u.id, via);
}

/** `Authorization: Bearer us_…` (user session) or `Bearer ak_…` (API key). */
export function authenticate(db: Db, authorization: string | undefined | null): Actor {
  const m = /^Bearer ((us|ak)_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '');
  if (!m) throw fail('unauthorized', 401);
  const hash = hashToken(m[1]!);
  if (m[2] === 'us') {
    const s = db.select().from(userSessions).where(eq(userSessions.tokenHash, hash)).get();
    if (!s || s.expiresAt < Date.now()) throw fail('unauthorized', 401);
    return actorOf(db, s.userId, 'session');
  }
  const k = db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash)).get();
  if (!k || k.revokedAt) throw fail('unauthorized', 401);
  return actorOf(db, k.userId, 'api-key');
}
