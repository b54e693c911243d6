/** CMS signed attributes for PAdES baseline signatures and timestamp tokens (ETSI EN 319 122-1 §5.2). */
import { createHash } from 'node:crypto';
import { issuerAndSerial, octets, oid, seq, setOf, tlv, type Der } from './der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }. */
export function attribute(type: string, value: Der): Der {
  return seq(oid(type), setOf(value));
}

export const contentTypeAttribute = (type: string) => attribute(OID.contentType, oid(type));
export const messageDigestAttribute = (digest: Uint8Array) => attribute(OID.messageDigest, octets(digest));

/**
 * signing-certificate-v2 (RFC 5035): SHA-256 of the signer certificate plus issuerSerial. hashAlgorithm
 * is omitted because SHA-256 is its DEFAULT and DER forbids encoding a default value.
 */
export function signingCertificateV2Attribute(certDer: Uint8Array): Der {
  const { issuer, serial } = issuerAndSerial(certDer);
  const hash = createHash('sha256').update(certDer).digest();
  const issuerSerial = seq(seq(tlv(0xa4, issuer)), serial); // GeneralNames { directoryName [4] Name }, serial
  return attribute(OID.signingCertificateV2, seq(seq(seq(octets(hash), issuerSerial))));
}

