/**
 * What a certificate may be used for (RFC 5280 §4.2.1.3 keyUsage, §4.2.1.12 extKeyUsage), judged the way
 * Acrobat judges signatures:
 * - a document signer needs digitalSignature or nonRepudiation when keyUsage is present, and, when
 *   extKeyUsage is present, one of the purposes that mean "signing documents";
 * - a timestamp authority needs id-kp-timeStamping (RFC 3161 §2.3: the TSA's certificate must carry it);
 * - a delegated OCSP responder needs id-kp-OCSPSigning (RFC 6960 §4.2.2.2), else any certificate the CA
 *   issued — the signer's own — could vouch for itself;
 * - a certificate that issues certificates or CRLs needs keyCertSign / cRLSign when keyUsage is present.
 * Without the extension a use is not restricted. Every answer is a reason (English, for the report's
 * detail) or null when the use is allowed.
 */
import { displayName, extKeyUsages, keyUsage, type Certificate } from '../crypto/certificates.js';

export type CertificatePurpose = 'document-signing' | 'timestamping';

export const EKU = {
  any: '2.5.29.37.0',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  /** RFC 9336 id-kp-documentSigning. */
  documentSigning: '1.3.6.1.5.5.7.3.36',
  microsoftDocumentSigning: '1.3.6.1.4.1.311.10.3.12',
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
} as const;

/** extKeyUsage values under which a certificate may sign documents (Acrobat's list, plus RFC 9336). */
const DOCUMENT_SIGNING = new Set<string>([EKU.any, EKU.codeSigning, EKU.emailProtection, EKU.documentSigning, EKU.microsoftDocumentSigning, EKU.adobeAuthenticDocuments]);

const signs = (c: Certificate) => {
  const ku = keyUsage(c);
  return !ku || ku('digitalSignature') || ku('nonRepudiation');
};

/** Why `c` may not be used for `purpose`; null when it may. */
export function purposeViolation(c: Certificate, purpose: CertificatePurpose): string | null {
  const eku = extKeyUsages(c);
  if (purpose === 'timestamping') {
    if (!eku?.includes(EKU.timeStamping)) return `${displayName(c)} is not a timestamp authority certificate (no id-kp-timeStamping)`;
    if (!signs(c)) return `${displayName(c)}: its key usage does not allow signatures`;
    return null;
  }
  if (!signs(c)) return `${displayName(c)}: its key usage allows neither digitalSignature nor nonRepudiation`;
  if (eku && !eku.some((x) => DOCUMENT_SIGNING.has(x))) return `${displayName(c)}: its extended key usage does not include document signing`;
  return null;
}

/** A delegated OCSP responder's certificate must say so. */
export function isOcspResponder(c: Certificate): boolean {
  return !!extKeyUsages(c)?.includes(EKU.ocspSigning) && signs(c);
}

/** May `c` sign certificates (for a CA below a trust anchor) or CRLs? */
export function mayIssue(c: Certificate, what: 'certificates' | 'crls'): boolean {
  const ku = keyUsage(c);
  return !ku || ku(what === 'certificates' ? 'keyCertSign' : 'cRLSign');
}
