/**
 * First start on an empty machine: a demo organisation, an admin user with a random password and an
 * API key, written to DATA_DIR/demo-credentials.txt (mode 0600) and printed once.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { count } from 'drizzle-orm';
import type { Services } from './services.js';
import { users } from './store/schema.js';
import { createApiKey, createOrganization, createUser } from './auth/users.js';
import { writeFileDurably } from './store/durable-file.js';

export interface DemoCredentials {
  organization: string;
  email: string;
  password: string;
  apiKey: string;
}

export async function bootstrapDemo(s: Services): Promise<DemoCredentials | null> {
  if ((s.db.select({ n: count() }).from(users).get()?.n ?? 0) > 0) return null;
  const organization = 'デモ市役所 契約課';
  const email = 'admin@demo.example';
  const password = randomBytes(12).toString('base64url');
  const orgId = createOrganization(s.db, organization);
  const userId = await createUser(s.db, { orgId, email, name: '契約担当', role: 'admin', password });
  const { key } = createApiKey(s.db, userId, 'demo');
  const creds = { organization, email, password, apiKey: key };
  writeFileDurably(
    path.join(s.config.dataDir, 'demo-credentials.txt'),
    `organization: ${organization}\nemail: ${email}\npassword: ${password}\napi key: ${key}\n`,
    0o600,
  );
  return creds;
}
