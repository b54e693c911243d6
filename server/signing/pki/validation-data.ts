/**
 * Validation material for the DSS, produced offline by the embedded CA (PADES.md, B-LT): every
 * certificate of the chains used, both CAs' CRLs and OCSP responses for the leaf certificates.
 */
import type { ValidationData } from '../pdf/dss.js';
import type { EmbeddedPki, Identity } from './embedded-pki.js';
import { OcspResponder } from './ocsp.js';
import type { x509 } from './x509.js';

export async function validationDataFor(pki: EmbeddedPki, identities: Pick<Identity, 'chain'>[], now = new Date()): Promise<ValidationData> {
  const certs = new Map<string, x509.X509Certificate>();
  for (const id of [...identities, pki.ocspResponder]) for (const c of id.chain) certs.set(c.serialNumber + c.issuer, c);
  const crls = new Set<'root' | 'signing-ca'>();
  const ocsps: Uint8Array[] = [];
  const responder = new OcspResponder(pki);
  for (const c of certs.values()) {
    const issuer = pki.issuerOf(c);
    if (!issuer || c.subject === c.issuer) continue;
    crls.add(pki.crlNameOf(issuer));
    if (issuer === pki.signingCa && c !== pki.ocspResponder.chain[0]) ocsps.push(await responder.responseFor(c, now));
  }
  return {
    certs: [...certs.values()].map((c) => new Uint8Array(c.rawData)),
    crls: await Promise.all([...crls].map((n) => pki.crl(n, now))),
    ocsps,
  };
}
