/**
 * The envelope server's signing interface (issue 3 implements it with PAdES). Every method gets the
 * document as it currently stands and returns the new bytes; an approval only appends (incremental
 * revision) so earlier signatures stay valid. The envelope layer commits the returned bytes together
 * with the state change, or not at all. Any method may throw SigningUnavailableError (e.g. no timestamp
 * could be had): the operation then fails clearly and is retried, never silently weakened.
 */
import { createHash } from 'node:crypto';
import { joinBytes } from './pdf/revision.js';
import type { FieldRect, FieldType } from '../../shared/api/recipient.js';

export interface PlacedField {
  id: string;
  /** AcroForm field name: unique in the document, no dots. */
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** 1-based page number. */
  page: number;
  rect: FieldRect;
  recipientId: string;
}

export interface PrepareInput {
  pdf: Uint8Array;
  documentId: string;
  /** Conclusion-certificate ID (32 hex characters) printed small at the bottom-left of page 1. */
  certificateId: string;
  fields: PlacedField[];
}

export interface ApprovalInput {
  pdf: Uint8Array;
  /**
   * The saved SHA-256 state of `pdf` (hash-state.ts), kept with the document since its last revision:
   * the approval then hashes only the bytes it appends. Null or absent: hashed from the first byte.
   */
  hashState?: string | null;
  documentId: string;
  signerName: string;
  signerEmail: string;
  approvedAt: Date;
  /** The values this recipient entered, for the fields assigned to them in this document. */
  fieldValues: { field: PlacedField; value: string }[];
}

export interface ConcludeInput {
  pdf: Uint8Array;
  documentId: string;
}

export interface ConclusionCertificateInput {
  envelopeId: string;
  title: string;
  managementNumber: string | null;
  senderOrganization: string;
  senderName: string;
  senderEmail: string;
  concludedAt: Date;
  documents: { name: string; certificateId: string; sha256: string; pageCount: number }[];
  operations: {
    at: Date;
    action: string;
    actor: string;
    ip: string | null;
    method: string;
  }[];
}

/**
 * An approval's result: the input bytes (not copied) followed by the revision appended to them, so
 * a caller can store or send the file without joining it first.
 */
export interface SignedRevision {
  prefix: Uint8Array;
  appended: Uint8Array;
  /** SHA-256 of the whole new file, hex. */
  sha256: string;
  /** Its saved SHA-256 state, for the next approval; null when the implementation keeps none. */
  hashState: string | null;
}

/** The whole file of a signed revision, as one buffer (a copy). */
export function revisionBytes(r: Pick<SignedRevision, 'prefix' | 'appended'>): Uint8Array {
  return r.appended.length ? joinBytes(r.prefix, r.appended) : r.prefix;
}

export interface SigningService {
  /** 'noop' until the PAdES signer is configured; recorded in the audit log with every operation. */
  readonly kind: 'noop' | 'pades';
  prepare(input: PrepareInput): Promise<Uint8Array>;
  /**
   * The SHA-256 (hex) of a revision the server is about to store, and the state the next approval
   * resumes from (null when this implementation keeps none).
   */
  documentHash(pdf: Uint8Array): { sha256: string; hashState: string | null };
  approve(input: ApprovalInput): Promise<SignedRevision>;
  conclude(input: ConcludeInput): Promise<Uint8Array>;
  /** The 締結証明書 PDF, signed and timestamped; null when the implementation cannot make one. */
  conclusionCertificate(input: ConclusionCertificateInput): Promise<Uint8Array | null>;
}

export class SigningUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigningUnavailableError';
  }
}

/** Until the signing issue lands: bytes pass through unchanged; the caller records that it was a no-op. */
export class NoopSigningService implements SigningService {
  readonly kind = 'noop' as const;
  async prepare(input: PrepareInput) {
    return input.pdf;
  }
  documentHash(pdf: Uint8Array) {
    return { sha256: createHash('sha256').update(pdf).digest('hex'), hashState: null };
  }
  async approve(input: ApprovalInput): Promise<SignedRevision> {
    // Nothing is appended, so the server keeps the document's stored SHA-256 and never reads this one:
    // it is computed only if asked, not on every completion.
    return {
      prefix: input.pdf,
      appended: new Uint8Array(0),
      get sha256() {
        return createHash('sha256').update(input.pdf).digest('hex');
      },
      hashState: input.hashState ?? null,
    };
  }
  async conclude(input: ConcludeInput) {
    return input.pdf;
  }
  async conclusionCertificate() {
    return null;
  }
}
