/**
 * Signing factory. How the server wires it:
 *
 *   const signing = await createSigningService({ dataDir, masterKey, publicUrl, tsaUrl });
 *   // signing.service implements SigningService (prepare / approve / conclude / conclusionCertificate)
 *   app.post('/tsa', …)             body (application/timestamp-query) → signing.tsa(body)
 *                                    → 200 application/timestamp-reply
 *   app.post('/ocsp', …)            body (application/ocsp-request) → signing.ocsp(body)
 *                                    → 200 application/ocsp-response
 *   app.get('/ocsp/:request')       → signing.ocsp(ocspGetRequest(param))  (RFC 6960 A.1 GET form;
 *                                    NSS/pdfsig try it first)
 *   app.get('/pki/crl/root.crl')    → signing.crl('root')        (application/pkix-crl)
 *   app.get('/pki/crl/signing-ca.crl') → signing.crl('signing-ca')
 *   cli `ca export-root --out root.pem` → signing.exportRootPem()
 *
 * Send the media types shown: NSS (pdfsig, Firefox) ignores an OCSP answer without
 * application/ocsp-response and then reports the certificate as of unknown status.
 *
 * The embedded PKI (root CA → signing CA → document signer, TSA, OCSP responder) is created under
 * DATA_DIR/pki/ on first use, private keys sealed with the master key (AES-256-GCM). The certificates
 * carry `publicUrl` + /pki/crl/… and /ocsp, so that URL must stay stable once the PKI exists.
 */
import { Pkcs11Key, type Pkcs11Options } from './keys/pkcs11-key.js';
import { PadesSigningService } from './pades-service.js';
import { EmbeddedPki, type Identity } from './pki/embedded-pki.js';
import { externalIdentity, type ExternalPem, type ExternalPkcs12 } from './pki/external.js';
import { fetchRevocationData } from './pki/revocation.js';
import { OcspResponder } from './pki/ocsp.js';
import { timestampTokenCertificates } from './pki/timestamp-certificates.js';
import { validationDataFor } from './pki/validation-data.js';
import { x509 } from './pki/x509.js';
import { bufferSource } from './bytes.js';
import type { SigningService } from './service.js';
import { TimestampAuthority } from './tsa/authority.js';
import { createTimestamper, httpTransport } from './tsa/timestamper.js';

export interface SigningOptions {
  dataDir: string;
  /** 32 bytes. */
  masterKey: Uint8Array;
  /** Base URL written into certificates (CRL, OCSP). Default http://localhost:8787. */
  publicUrl?: string;
  /** External RFC 3161 TSA; default the embedded one. */
  tsaUrl?: string | null;
  /** Sign with an externally issued certificate and key (PEM, or a PKCS#12 file) instead of the embedded signer. */
  external?: ExternalPem | ExternalPkcs12;
  /** Keep the document-signing key in an HSM; the embedded CA certifies it on first use. */
  pkcs11?: Pkcs11Options;
  /** Organisation name in the embedded certificates' subjects. */
  organization?: string;
}

export interface Signing {
  service: SigningService;
  /** POST /tsa: DER TimeStampReq → DER TimeStampResp. */
  tsa(body: Uint8Array): Promise<Uint8Array>;
  /** POST /ocsp: DER OCSPRequest → DER OCSPResponse. */
  ocsp(body: Uint8Array): Promise<Uint8Array>;
  /** GET /pki/crl/{root|signing-ca}.crl: DER CRL. */
  crl(ca: 'root' | 'signing-ca'): Promise<Uint8Array>;
  /** The root certificate users trust (Adobe, our verifier, pdfsig). */
  exportRootPem(): string;
  readonly pki: EmbeddedPki;
}

export async function createSigningService(opts: SigningOptions): Promise<Signing> {
  if (opts.external && opts.pkcs11) throw new Error('configure either an external certificate or PKCS#11, not both');
  const signerKey = opts.pkcs11 ? Pkcs11Key.open(opts.pkcs11) : undefined;
  const pki = await EmbeddedPki.open(
    {
      dataDir: opts.dataDir,
      masterKey: opts.masterKey,
      publicUrl: opts.publicUrl ?? 'http://localhost:8787',
      organization: opts.organization,
    },
    signerKey,
  );
  const signer: Identity = opts.external ? externalIdentity(opts.external) : pki.signer;
  const authority = new TimestampAuthority(pki.tsa);
  const ocsp = new OcspResponder(pki);
  const timestamper = opts.tsaUrl
    ? createTimestamper(httpTransport(opts.tsaUrl), opts.tsaUrl)
    : createTimestamper((req) => authority.respond(req), 'embedded');
  const service = new PadesSigningService({
    signer,
    timestamper,
    timestampAllowance: opts.tsaUrl ? 10 * 1024 : 6 * 1024,
    validationData: async (doc) => {
      // Our chains (the embedded signer unless an external one signs, the embedded TSA unless
      // TSA_URL), produced offline; plus any outside chain with an OCSP response (AIA) or else the
      // CRL (CRL DP) for each of its certificates, fetched now: unreachable → SigningUnavailableError.
      const outside = [
        ...(opts.external ? signer.chain : []),
        ...(opts.tsaUrl ? timestampTokenCertificates(doc).map((der) => new x509.X509Certificate(bufferSource(der))) : []),
      ].filter((c, i, all) => all.findIndex((d) => d.equal(c)) === i);
      // An "outside" certificate our own CA issued (TSA_URL pointing at this PKI's /tsa) is answered offline.
      const foreign = outside.filter((c) => !pki.issuerOf(c));
      const issuedByUs = outside.filter((c) => pki.issuerOf(c));
      const ours = [...(opts.external ? [] : [pki.signer]), ...(opts.tsaUrl ? [] : [pki.tsa]), ...(issuedByUs.length ? [{ chain: issuedByUs }] : [])];
      const own = await validationDataFor(pki, ours);
      if (!outside.length) return own;
      const fetched = await fetchRevocationData(foreign);
      return {
        certs: [...own.certs, ...outside.map((c) => new Uint8Array(c.rawData)), ...fetched.certs],
        crls: [...own.crls, ...fetched.crls],
        ocsps: [...own.ocsps, ...fetched.ocsps],
      };
    },
  });
  return {
    service,
    tsa: (body) => authority.respond(body),
    ocsp: (body) => ocsp.respond(body),
    crl: (ca) => pki.crl(ca),
    exportRootPem: () => pki.rootPem(),
    pki,
  };
}

export { PadesSigningService } from './pades-service.js';
export { ocspGetRequest } from './pki/ocsp.js';
export { DocumentRefusedError } from './errors.js';
export { checkUpload } from './prepare.js';
