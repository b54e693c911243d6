/**
 * The PAdES baseline CMS (ETSI EN 319 142-1 §6.3, SubFilter ETSI.CAdES.detached): detached id-data,
 * content-type + message-digest + signing-certificate-v2, no signing-time (the time is the signature
 * dictionary's /M), and a signature timestamp over the signature value (B-T).
 */
import type { Identity } from '../pki/embedded-pki.js';
import type { Timestamper } from '../tsa/timestamper.js';
import { OID, attribute } from './attributes.js';
import { createSignedData } from './signed-data.js';

export async function createCadesSignature(
  documentDigest: Uint8Array,
  signer: Identity,
  timestamper: Timestamper,
): Promise<Uint8Array> {
  // The chain without its self-signed root: relying parties bring their own trust anchor.
  const chain = signer.chain.filter((c, i) => i === 0 || c.subject !== c.issuer).map((c) => new Uint8Array(c.rawData));
  return createSignedData({
    key: signer.key,
    signerCert: chain[0],
    certificates: chain,
    eContentType: OID.data,
    contentDigest: documentDigest,
    unsignedAttributes: async (signatureValue) => [
      attribute(OID.signatureTimeStampToken, await timestamper.timestamp(signatureValue)),
    ],
  });
}
