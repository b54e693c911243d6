/**
 * The support bundle (「問い合わせ用情報」) and the help-desk API shapes. The extension builds the bundle,
 * the server validates the same schema, so a bundle that carries a secret fails on both sides: no link
 * token, session, API key, access code, document content or email body ever leaves the browser in it.
 */
import { z } from 'zod';
import { EnvelopeStatus, Language, LinkState, RecipientStatus } from './recipient.js';

/** A link token, recipient session MAC, user session or API key: 43 base64url characters (256 bits). */
export const TOKEN_LIKE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/;
/** Keys that name a secret, wherever they appear (event details included). */
export const SECRET_KEY = /access.?code|pass(word|code)|token|session|secret|authori[sz]ation|cookie|api.?key|^(body|content|html|text|pdf)$/i;

/** Replaces anything token-shaped in a text (a URL, an error message) before it goes into a bundle. */
export function redactTokens(text: string): string {
  return text.replace(new RegExp(TOKEN_LIKE.source, 'g'), '{token}');
}

const shortText = (max: number) => z.string().max(max);
const isoTime = z.string().datetime({ offset: true });
const id = z.string().regex(/^[0-9a-f]{32}$/, 'a 32-hex id');

const DetailValue = z.union([shortText(500), z.number(), z.boolean(), z.null()]);

export const SupportEvent = z.strictObject({
  at: isoTime,
  /** e.g. `detect.scan`, `panel.open`, `session.failed`. */
  type: shortText(80),
  ms: z.number().nonnegative().max(86_400_000).optional(),
  detail: z.record(shortText(60), DetailValue).optional(),
});

export const SupportApiCall = z.strictObject({
  at: isoTime,
  method: z.enum(['GET', 'POST', 'DELETE']),
  /** With the link token replaced by `{token}`: `/api/sign/{token}/session`. */
  route: shortText(300).regex(/^\/[\x21-\x7e]*$/, 'a path starting with /'),
  /** 0 when the request never got an answer (network error, timeout). */
  status: z.number().int().min(0).max(599),
  errorCode: shortText(80).optional(),
  ms: z.number().nonnegative().max(600_000),
  /**
   * The JSON answer, redacted by the recorder (extension/support/recorder.ts): secrets dropped, content
   * blanked to `{redacted}`, `{ "_pdf": bytes }` for a PDF. The console replays the panel from these.
   */
  response: z
    .json()
    .refine((v) => JSON.stringify(v).length <= 4096, 'a recorded response is at most 4096 characters')
    .optional(),
});

export type SupportEvent = z.infer<typeof SupportEvent>;
export type SupportApiCall = z.infer<typeof SupportApiCall>;

const SupportBundleShape = z.strictObject({
  extensionVersion: shortText(40),
  /** e.g. `Chrome 131 / Windows 11`. */
  browser: shortText(200),
  adapter: z.enum(['gmail', 'outlook', 'none']),
  page: z.enum(['sidepanel', 'verify']).optional(),
  detection: z
    .strictObject({
      result: z.enum(['sign', 'warning', 'none']),
      reasons: z.array(shortText(200)).max(20),
    })
    .nullable(),
  events: z.array(SupportEvent).max(200),
  apiCalls: z.array(SupportApiCall).max(200),
  envelopeId: id.optional(),
  recipientId: id.optional(),
  /** SHA-256 (hex) of the signing link's token, never the token: lets the server find the recipient. */
  linkHash: z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 hex').optional(),
  language: Language,
});

/** Paths of values that look like a secret, and of keys that name one. */
export function secretPaths(value: unknown, path: (string | number)[] = []): string[] {
  if (typeof value === 'string') return TOKEN_LIKE.test(value) ? [path.join('.')] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (SECRET_KEY.test(k) ? [[...path, k].join('.')] : secretPaths(v, [...path, k])));
  }
  return [];
}

export const SupportBundle = SupportBundleShape.superRefine((bundle, ctx) => {
  for (const p of secretPaths(bundle)) ctx.addIssue({ code: 'custom', path: p.split('.'), message: 'looks like a secret (token, session, access code): redact it' });
});
export type SupportBundle = z.infer<typeof SupportBundle>;

/** 8 characters from an alphabet without 0/O, 1/I: read over the phone as `K7QP-3XMA`. */
export const SUPPORT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SupportCode = z.string().regex(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

/** Uppercase, without spaces or hyphens, re-hyphenated; null when it is not a support code. */
export function normalizeSupportCode(text: string): string | null {
  const raw = text.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[2-9A-HJ-NP-Z]{8}$/.test(raw)) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

export const SupportBundleResponse = z.object({ supportCode: SupportCode, expiresAt: z.string().datetime() });
export type SupportBundleResponse = z.infer<typeof SupportBundleResponse>;

// ---- help desk ----

export const FindingCode = z.enum([
  'ready', // the current link works
  'mail-pending', // the signing-request mail has not left yet
  'mail-failed', // the mail could not be delivered to the mail server
  'scanner-only', // only a mail scanner fetched the link; the person has not opened it
  'never-opened',
  'link-replaced', // a resend replaced the link: links in earlier mails no longer work
  'locked',
  'expired',
  'not-yet', // an earlier recipient has not finished
  'completed',
  'rejected',
  'cancelled',
  'concluded',
  'draft',
]);
export type FindingCode = z.infer<typeof FindingCode>;

export const Finding = z.object({ code: FindingCode, message: z.string() });
export type Finding = z.infer<typeof Finding>;

/** What the help desk can do for one recipient now (cancelling is for the whole envelope: `canCancel`). */
export const RecipientAction = z.enum(['resend', 'unlock', 'extend']);

export const RecipientDiagnosis = z.object({
  recipientId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['signer', 'cc']),
  status: RecipientStatus,
  current: z.boolean(),
  linkState: LinkState.nullable(),
  linkGeneration: z.number().int(),
  failedAttempts: z.number().int(),
  linkExpiresAt: z.string().datetime().nullable(),
  findings: z.array(Finding),
  actions: z.array(RecipientAction),
});
export type RecipientDiagnosis = z.infer<typeof RecipientDiagnosis>;

export const Diagnosis = z.object({
  envelopeStatus: EnvelopeStatus,
  currentRecipientId: z.string().nullable(),
  /** The one-line answer to "why does the link not work": the current recipient's main finding. */
  headline: Finding,
  recipients: z.array(RecipientDiagnosis),
  canCancel: z.boolean(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

export const HelpdeskEnvelope = z.object({
  id: z.string(),
  title: z.string(),
  status: EnvelopeStatus,
  managementNumber: z.string().nullable(),
  counterparty: z.string().nullable(),
  sender: z.object({ name: z.string(), email: z.string(), organization: z.string() }),
  createdAt: z.string().datetime(),
  sentAt: z.string().datetime().nullable(),
  matchedBy: z.array(z.enum(['envelope-id', 'management-number', 'recipient-email', 'support-code'])),
  diagnosis: Diagnosis,
});
export type HelpdeskEnvelope = z.infer<typeof HelpdeskEnvelope>;

export const StoredSupportBundle = z.object({
  supportCode: SupportCode,
  createdAt: z.string().datetime(),
  expiresAt: z.string().datetime(),
  ip: z.string().nullable(),
  envelopeId: z.string().nullable(),
  recipientId: z.string().nullable(),
  bundle: SupportBundleShape,
});
export type StoredSupportBundle = z.infer<typeof StoredSupportBundle>;

export const HelpdeskLookupQuery = z.object({ q: z.string().trim().min(1).max(254) });
export const HelpdeskLookup = z.object({
  query: z.string(),
  envelopes: z.array(HelpdeskEnvelope),
  bundle: StoredSupportBundle.nullable(),
});
export type HelpdeskLookup = z.infer<typeof HelpdeskLookup>;

export const TimelineKind = z.enum([
  'created',
  'sent',
  'mail-sent',
  'mail-failed',
  'mail-retrying',
  'link-opened-browser',
  'link-opened-extension',
  'link-opened-scanner',
  'access-code-failed',
  'access-code-accepted',
  'locked',
  'unlocked',
  'viewed',
  'downloaded',
  'completed',
  'rejected',
  'cancelled',
  'expired',
  'resent',
  'extended',
  'concluded',
  'support-bundle',
]);
export type TimelineKind = z.infer<typeof TimelineKind>;

export const TimelineEntry = z.object({
  seq: z.number().int().nullable(),
  at: z.string().datetime(),
  /** `2026-11-21 09:15:03 JST` */
  jst: z.string(),
  kind: TimelineKind,
  recipient: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  /** Who did it: `recipient`, `system`, or the staff member (role, email, name). */
  actor: z.object({ type: z.enum(['recipient', 'system', 'staff']), role: z.string().nullable(), email: z.string().nullable(), name: z.string().nullable() }),
  ip: z.string().nullable(),
  /** `Chrome 131 / Windows`, `Microsoft Office (link scanner)`, … */
  userAgent: z.string().nullable(),
  description: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const HelpdeskTimeline = z.object({
  envelope: HelpdeskEnvelope.omit({ matchedBy: true, diagnosis: true }),
  entries: z.array(TimelineEntry),
  diagnosis: Diagnosis,
});
export type HelpdeskTimeline = z.infer<typeof HelpdeskTimeline>;

/** `POST /api/helpdesk/envelopes/{id}/sandbox`: the test copy, with its access codes shown this once. */
export const SandboxCopyResponse = z.object({
  envelopeId: z.string(),
  title: z.string(),
  recipients: z.array(
    z.object({
      position: z.number().int(),
      name: z.string(),
      email: z.string(),
      role: z.enum(['signer', 'cc']),
      accessCode: z.string().nullable(),
    }),
  ),
});
export type SandboxCopyResponse = z.infer<typeof SandboxCopyResponse>;
