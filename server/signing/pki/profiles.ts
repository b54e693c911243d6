/**
 * Certificate profiles of the embedded PKI (PADES.md, Local CA): root → signing CA (pathLen 0) →
 * document signer, TSA and OCSP responder. Built with @peculiar/x509; the issuing key is always a key
 * file (the CAs are ours), the subject key may live anywhere (an HSM key gives its SPKI only).
 */
import { webcrypto, randomBytes } from 'node:crypto';
import { x509 } from './x509.js';
import type { FileKey } from '../keys/file-key.js';
import { bufferSource } from '../bytes.js';
// Purposes from the verifier's list (what it will ask of each certificate).
import { EKU } from '../../../shared/verify/trust/purpose.js';

const SIGNING_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const YEAR = 365 * 24 * 3600 * 1000;

const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

/** A positive serial without a leading zero byte (OpenSSL rejects non-minimal INTEGERs). */
export function randomSerialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x40;
  return b.toString('hex');
}

export interface Issuer {
  cert: x509.X509Certificate;
  key: FileKey;
}

export interface PkiUrls {
  /** CRL published by the issuer of the certificate being made. */
  crl: string;
  /** OCSP responder for certificates issued by the signing CA. */
  ocsp?: string;
  /** The service's URL, named in the subjectAltName of the document signer and TSA certificates. */
  service: string;
}

/**
 * subjectAltName: the service's URL (uniformResourceIdentifier), in the end-entity certificates that
 * act for the service (document signer, TSA), so relying parties see which witness service signed.
 * It does not change pdfsig's (poppler 22.12) "Unknown issue with Certificate" for the second and
 * later signatures of a file, with or without it: NSS's CERT_PKIXVerifyCert genuinely fails there
 * with SEC_ERROR_REUSED_ISSUER_AND_SERIAL when a certificate already seen in an earlier signature's
 * CMS comes again (seen under gdb: CERT_NewTempCertificate inside the verification), so the tests
 * judge each signature's certificate with pdfsig one signature at a time.
 */
function serviceName(url: string): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension([{ type: 'url', value: url }]);
}

async function publicKeyOf(spki: Uint8Array): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('spki', bufferSource(spki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
}

export async function createRoot(key: FileKey, name: string): Promise<x509.X509Certificate> {
  const publicKey = await publicKeyOf(key.spki);
  const now = Date.now();
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: name,
    issuer: name,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 20 * YEAR),
    signingAlgorithm: SIGNING_ALG,
    publicKey,
    signingKey: await key.cryptoKey(),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
}

type Role = 'signing-ca' | 'signer' | 'tsa' | 'ocsp';

export async function issue(
  issuer: Issuer,
  role: Role,
  subjectSpki: Uint8Array,
  name: string,
  urls: PkiUrls,
  years: number,
): Promise<x509.X509Certificate> {
  const publicKey = await publicKeyOf(subjectSpki);
  const now = Date.now();
  const notAfter = Math.min(now + years * YEAR, issuer.cert.notAfter.getTime());
  const ext: x509.Extension[] = [
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
  ];
  if (role === 'signer' || role === 'tsa') ext.push(serviceName(urls.service));
  const KU = x509.KeyUsageFlags;
  switch (role) {
    case 'signing-ca':
      ext.push(
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(KU.keyCertSign | KU.cRLSign, true),
      );
      break;
    case 'signer':
      ext.push(
        new x509.KeyUsagesExtension(KU.digitalSignature | KU.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([EKU.documentSigning, EKU.emailProtection, EKU.adobeAuthenticDocuments]),
      );
      break;
    case 'tsa':
      // RFC 3161 §2.3: the TSA certificate has exactly one EKU, timeStamping, marked critical.
      ext.push(
        new x509.KeyUsagesExtension(KU.digitalSignature | KU.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([EKU.timeStamping], true),
      );
      break;
    case 'ocsp':
      // RFC 6960 §4.2.2.2.1: a delegated responder's own status is not checked.
      ext.push(
        new x509.KeyUsagesExtension(KU.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([EKU.ocspSigning]),
        new x509.Extension(OCSP_NOCHECK, false, new Uint8Array([0x05, 0x00])),
      );
      break;
  }
  if (role !== 'signing-ca' && role !== 'ocsp') ext.push(new x509.BasicConstraintsExtension(false, undefined, true));
  ext.push(new x509.CRLDistributionPointsExtension([urls.crl]));
  if (urls.ocsp && role !== 'signing-ca' && role !== 'ocsp') {
    ext.push(new x509.AuthorityInfoAccessExtension({ ocsp: urls.ocsp }));
  }
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: name,
    issuer: issuer.cert.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALG,
    publicKey,
    signingKey: await issuer.key.cryptoKey(),
    extensions: ext,
  });
}

/** An empty CRL (nothing is ever revoked by the embedded CA; the CRL proves it), valid a week. */
export async function createCrl(issuer: Issuer, now = new Date()): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject,
    thisUpdate: new Date(now.getTime() - 60_000),
    nextUpdate: new Date(now.getTime() + 7 * 24 * 3600_000),
    signingAlgorithm: SIGNING_ALG,
    signingKey: await issuer.key.cryptoKey(),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
      // cRLNumber (RFC 5280 §5.2.3), increasing with time.
      new x509.Extension('2.5.29.20', false, bufferSource(derInteger(BigInt(Math.floor(now.getTime() / 1000))))),
    ],
  });
}

function derInteger(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = '00' + hex;
  const body = Buffer.from(hex, 'hex');
  return new Uint8Array([0x02, body.length, ...body]);
}
