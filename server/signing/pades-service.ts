/**
 * PAdES implementation of SigningService: prepare (pdf-lib, before any signature), approve (one
 * incremental revision: field values + invisible approval signature, B-T), conclude (DSS revision then
 * a document timestamp: B-LTA), and the signed conclusion certificate.
 */
import { openPdf, type PdfDocument } from '../../shared/pdf/index.js';
import { createCadesSignature } from './cms/cades.js';
import { hashStateOf } from './hash-state.js';
import { buildConclusionCertificate } from './certificate.js';
import { addDss, type ValidationData } from './pdf/dss.js';
import { fillFields } from './pdf/form-fill.js';
import { appendRevision } from './pdf/revision.js';
import { appendSignedRevision } from './pdf/signature.js';
import { jstDateTime } from './jst.js';
import { prepareDocument } from './prepare.js';
import type { Identity } from './pki/embedded-pki.js';
import type {
  ApprovalInput,
  ConcludeInput,
  ConclusionCertificateInput,
  PrepareInput,
  SignedRevision,
  SigningService,
} from './service.js';
import { revisionBytes } from './service.js';
import type { Timestamper } from './tsa/timestamper.js';

export interface PadesContext {
  signer: Identity;
  timestamper: Timestamper;
  /** Validation material (certificates, CRLs, OCSP) for every chain used in `doc`, for the DSS. */
  validationData(doc: PdfDocument): Promise<ValidationData>;
  /** Extra room for the timestamp token in /Contents (external TSAs send larger tokens). */
  timestampAllowance: number;
}

/** 「{name} 様 {email} が {YYYY-MM-DD HH:mm:ss +09:00} に承認しました」, the time in JST. */
export function approvalReason(name: string, email: string, at: Date): string {
  return `${name} 様 ${email} が ${jstDateTime(at)} +09:00 に承認しました`;
}

/** A field name not yet used in the document: prefix + the next free number. */
function freshFieldName(doc: PdfDocument, prefix: string): string {
  const used = new Set(doc.fields().map((f) => f.name));
  for (let i = 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export class PadesSigningService implements SigningService {
  readonly kind = 'pades' as const;

  constructor(private readonly ctx: PadesContext) {}

  private contentsBytes(): number {
    const chain = this.ctx.signer.chain.reduce((n, c) => n + c.rawData.byteLength, 0);
    return chain + this.ctx.timestampAllowance;
  }

  prepare(input: PrepareInput): Promise<Uint8Array> {
    return prepareDocument(input);
  }

  /** Hashed in JS once, so that each approval resumes the saved state (hash-state.ts). */
  documentHash(pdf: Uint8Array): { sha256: string; hashState: string } {
    return hashStateOf(pdf);
  }

  async approve(input: ApprovalInput): Promise<SignedRevision> {
    const doc = openPdf(input.pdf);
    const { signer, timestamper } = this.ctx;
    const signed = await appendSignedRevision(
      doc,
      {
        fieldName: freshFieldName(doc, 'Approval'),
        kind: 'approval',
        reason: approvalReason(input.signerName, input.signerEmail, input.approvedAt),
        location: '日本',
        signerName: input.signerName,
        signingTime: input.approvedAt,
        contentsBytes: this.contentsBytes(),
        sign: (digest) => createCadesSignature(digest, signer, timestamper),
      },
      (rev) => fillFields(rev, input.fieldValues),
      input.hashState ?? null,
    );
    return { ...signed, sha256: signed.sha256!, hashState: signed.hashState! };
  }

  async conclude(input: ConcludeInput): Promise<Uint8Array> {
    return this.addLtaData(input.pdf);
  }

  private async addLtaData(pdf: Uint8Array): Promise<Uint8Array> {
    const doc = openPdf(pdf);
    const dssRevision = await appendRevision(doc, async (rev) => addDss(rev, await this.ctx.validationData(doc)));
    const withDss = openPdf(dssRevision);
    const stamped = await appendSignedRevision(
      withDss,
      {
        fieldName: freshFieldName(withDss, 'DocTimeStamp'),
        kind: 'document-timestamp',
        contentsBytes: this.ctx.timestampAllowance,
        sign: (digest) => this.ctx.timestamper.timestampDigest(digest),
      },
      () => {},
    );
    return revisionBytes(stamped);
  }

  async conclusionCertificate(input: ConclusionCertificateInput): Promise<Uint8Array> {
    const pdf = await buildConclusionCertificate(input);
    const doc = openPdf(pdf);
    const { signer, timestamper } = this.ctx;
    const signed = await appendSignedRevision(
      doc,
      {
        fieldName: 'Certificate1',
        kind: 'approval',
        reason: `締結証明書 ${input.envelopeId}`,
        location: '日本',
        signingTime: input.concludedAt,
        contentsBytes: this.contentsBytes(),
        sign: (digest) => createCadesSignature(digest, signer, timestamper),
      },
      () => {},
    );
    return this.addLtaData(revisionBytes(signed));
  }
}
