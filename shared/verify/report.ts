/**
 * The plain-data report of the validation core (DESIGN.md §3). The CLI, the side panel and the verify
 * page only render it.
 */
import { PROBLEM_MESSAGES, formatMessage, type ProblemCode, type Text } from '../i18n/verify.js';

export type Verdict = 'valid' | 'valid-with-changes' | 'invalid' | 'unknown-trust' | 'unsigned';
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: Text;
}

/** Ordered: none < lta < form < annotations < other (pyHanko's scale). */
export const LEVELS = ['none', 'lta', 'form', 'annotations', 'other'] as const;
export type ModificationLevel = (typeof LEVELS)[number];

export function maxLevel(a: ModificationLevel, b: ModificationLevel): ModificationLevel {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}

export type ChangeKind =
  | 'signature-added'
  | 'timestamp-added'
  | 'dss'
  | 'metadata'
  | 'form-fill'
  | 'annotation-added'
  | 'annotation-changed'
  | 'annotation-removed'
  | 'appended-data'
  | 'other';

export interface Change {
  /** 1-based version (revision) in which the change was made. */
  revision: number;
  kind: ChangeKind;
  level: ModificationLevel;
  /** Object number concerned, if any. */
  object?: number;
  /** 1-based page number, if the change is on a page. */
  page?: number;
  annotationType?: string;
  rect?: number[];
  field?: string;
  /** A widget or annotation with a visible area. */
  visible?: boolean;
  /**
   * Form filling or signing made by a later signer and covered by a later valid signature, within what
   * this signature permits (Adobe's rule): not a modification of what this signature signed.
   */
  signed?: boolean;
  detail?: string;
}

export interface SignerIdentity {
  name: string | null;
  organization: string | null;
  email: string | null;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export interface SignatureReport {
  /** Fully qualified field name. */
  field: string;
  kind: 'signature' | 'timestamp';
  /** 1-based version (revision) this signature signs. */
  revision: number;
  signer: SignerIdentity | null;
  /** /Name, /Reason, /Location, /ContactInfo as in the signed revision. */
  name: string | null;
  reason: string | null;
  location: string | null;
  contactInfo: string | null;
  /** /M, ISO 8601. */
  signingTime: string | null;
  /** genTime of a verified signature timestamp (or of the document timestamp itself). */
  timestampTime: string | null;
  timestamp: { status: 'valid' | 'invalid' | 'absent'; tsa: string | null; trust: 'trusted' | 'untrusted' | 'unknown' | null };
  subFilter: string | null;
  byteRange: number[] | null;
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  integrity: 'valid' | 'invalid' | 'unsupported';
  coverage: 'whole' | 'revision' | 'nonstandard';
  trust: 'trusted' | 'untrusted' | 'unknown';
  /** When and by which clock certificate validity was judged. */
  trustTime: { at: string; source: 'timestamp' | 'claimed' | 'given' | 'now' };
  chain: string[];
  revocation: 'good' | 'revoked' | 'unknown';
  certification: { permission: 1 | 2 | 3 } | null;
  modificationsAfter: { level: ModificationLevel; changes: Change[] };
  ltv: { enabled: boolean; missing: string[] };
  problems: Problem[];
}

export interface VerificationReport {
  verdict: Verdict;
  signatures: SignatureReport[];
  /** Problems about the file rather than one signature. */
  problems: Problem[];
  revisions: number;
  pageCount: number | null;
}

export function problem(code: ProblemCode, severity: Severity, params: Record<string, string | number> = {}): Problem {
  const t = PROBLEM_MESSAGES[code];
  return { code, severity, message: { ja: formatMessage(t, 'ja', params), en: formatMessage(t, 'en', params) } };
}
