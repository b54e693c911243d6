/**
 * A private key that can sign, wherever it lives (key file, HSM). Every signature in this product is
 * RSASSA-PKCS1-v1_5 with SHA-256 (sha256WithRSAEncryption), the algorithm every PAdES validator accepts.
 */
export interface SigningKey {
  /** Signs `data`: the provider hashes it with SHA-256 and returns the raw PKCS#1 v1.5 signature. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** SubjectPublicKeyInfo DER of the matching public key. */
  readonly spki: Uint8Array;
}

/** OIDs used when a SigningKey's signature goes into an X.509 / CMS structure. */
export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const SHA256 = '2.16.840.1.101.3.4.2.1';
