/**
 * One CMS SignedData (RFC 5652 §5) with exactly one SignerInfo, written directly as DER and signed
 * through a SigningKey (key file or HSM); pkijs's sign() (SHA-1 defaults, PADES.md) is never used.
 * Signed attributes are a DER SET OF (sorted), signed with the universal SET tag. Serves the CAdES
 * signature and the TSA.
 */
import { createHash } from 'node:crypto';
import type { SigningKey } from '../keys/signing-key.js';
import { RSA_ENCRYPTION, SHA256 } from '../keys/signing-key.js';
import { OID, contentTypeAttribute, messageDigestAttribute, signingCertificateV2Attribute } from './attributes.js';
import { algorithm, compareBytes, ctx, integer, issuerAndSerial, nullValue, octets, oid, seq, setOf, tlv, type Der } from './der.js';

export interface SignedDataInput {
  key: SigningKey;
  /** Signer certificate DER. */
  signerCert: Uint8Array;
  /** Certificates to embed (DER), signer first. */
  certificates: Uint8Array[];
  eContentType: string;
  /** Encapsulated content; absent for a detached signature. */
  eContent?: Uint8Array;
  /** SHA-256 of the content (computed from eContent when absent). */
  contentDigest?: Uint8Array;
  /** Called with the signature value; returns unsigned attributes (DER Attribute), e.g. the timestamp. */
  unsignedAttributes?: (signatureValue: Uint8Array) => Promise<Der[]>;
}

export async function createSignedData(input: SignedDataInput): Promise<Uint8Array> {
  const digest = input.contentDigest ?? createHash('sha256').update(input.eContent ?? new Uint8Array()).digest();
  const attrs = [
    contentTypeAttribute(input.eContentType),
    messageDigestAttribute(digest),
    signingCertificateV2Attribute(input.signerCert),
  ].sort(compareBytes);
  // The signature covers the attributes with the universal SET tag; the SignerInfo carries [0] IMPLICIT.
  const signature = await input.key.sign(tlv(0x31, ...attrs));
  const { issuer, serial } = issuerAndSerial(input.signerCert);
  const unsigned = input.unsignedAttributes ? await input.unsignedAttributes(signature) : [];
  const signerInfo = seq(
    integer(1),
    seq(issuer, serial),
    algorithm(SHA256),
    tlv(0xa0, ...attrs),
    algorithm(RSA_ENCRYPTION, nullValue()),
    octets(signature),
    ...(unsigned.length ? [tlv(0xa1, ...[...unsigned].sort(compareBytes))] : []),
  );
  const signedData = seq(
    // RFC 5652 §5.1: version 3 when the content type is not id-data.
    integer(input.eContentType === OID.data ? 1 : 3),
    setOf(algorithm(SHA256)),
    seq(oid(input.eContentType), ...(input.eContent ? [ctx(0, octets(input.eContent))] : [])),
    ...(input.certificates.length ? [tlv(0xa0, ...input.certificates)] : []),
    setOf(signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}
