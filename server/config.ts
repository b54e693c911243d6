import path from 'node:path';

/** Everything the server reads from the environment, with the embedded defaults of DESIGN.md §3. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  masterKey: string | null;
  linkValidityDays: number;
  downloadLinkValidityDays: number;
  maxFileBytes: number;
  maxEnvelopeBytes: number;
  maxDocuments: number;
  maxPages: number;
  accessCodeMaxAttempts: number;
  recipientSessionMinutes: number;
  rateLimitPerIpPerMinute: number;
  tsaUrl: string | null;
  /** `pades` (default): the embedded PKI signs; `noop`: the recorded no-op (envelope-layer benchmarks). */
  signing: 'pades' | 'noop';
  /** How long a mail being sent, or a completion being signed, is reserved before a retry may take it over. */
  mailLeaseMs: number;
  completionClaimMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8787);
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir,
    publicUrl,
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || `電子契約 <no-reply@${new URL(publicUrl).hostname}>`,
    masterKey: env.MASTER_KEY || null,
    linkValidityDays: int(env, 'LINK_VALIDITY_DAYS', 10),
    downloadLinkValidityDays: int(env, 'DOWNLOAD_LINK_VALIDITY_DAYS', 14),
    maxFileBytes: int(env, 'MAX_FILE_MB', 20) * 1024 * 1024,
    maxEnvelopeBytes: int(env, 'MAX_ENVELOPE_MB', 100) * 1024 * 1024,
    maxDocuments: int(env, 'MAX_DOCUMENTS', 100),
    maxPages: int(env, 'MAX_PAGES', 5000),
    accessCodeMaxAttempts: int(env, 'ACCESS_CODE_MAX_ATTEMPTS', 5),
    recipientSessionMinutes: int(env, 'RECIPIENT_SESSION_MINUTES', 30),
    rateLimitPerIpPerMinute: int(env, 'RATE_LIMIT_PER_IP_PER_MINUTE', 30),
    tsaUrl: env.TSA_URL || null,
    signing: env.SIGNING === 'noop' ? 'noop' : 'pades',
    mailLeaseMs: int(env, 'MAIL_LEASE_SECONDS', 30) * 1000,
    completionClaimMs: int(env, 'COMPLETION_CLAIM_SECONDS', 30) * 1000,
  };
}
