/**
 * The certificates a signature carries: those of its CMS SignedData and those an (external) TSA put in
 * its timestamp tokens (we ask for them with certReq), so that every chain used goes into the DSS and
 * each signature's VRI entry can name its own validation data.
 */
import { PdfDict, PdfString, type PdfDocument } from '../../../shared/pdf/index.js';
import { OID } from '../cms/attributes.js';
import { bytesOf, children, oidText, read, type Tlv } from '../cms/der.js';

/** Certificates of a CMS SignedData ContentInfo ([0] IMPLICIT SET OF Certificate). */
function certificatesOf(der: Uint8Array, contentInfo: Tlv): { signedData: Tlv; certs: Uint8Array[] } {
  const signedData = children(der, children(der, contentInfo)[1])[0];
  const set = children(der, signedData).find((t) => t.tag === 0xa0);
  return { signedData, certs: set ? children(der, set).map((c) => bytesOf(der, c)) : [] };
}

/**
 * The certificates in one signature's /Contents (a CMS SignedData or a TimeStampToken, zero padding
 * after it ignored): `own` from its certificate set, `tokens` from its signature-timestamp tokens.
 * Malformed or unusual CMS from another producer gives what could be read.
 */
export function signatureCertificates(contents: Uint8Array): { own: Uint8Array[]; tokens: Uint8Array[] } {
  const own: Uint8Array[] = [];
  const tokens: Uint8Array[] = [];
  try {
    const top = read(contents, 0);
    const { signedData, certs } = certificatesOf(contents, top);
    own.push(...certs);
    const signerInfos = children(contents, signedData).at(-1)!;
    for (const si of children(contents, signerInfos)) {
      const unsigned = children(contents, si).find((t) => t.tag === 0xa1);
      for (const attr of unsigned ? children(contents, unsigned) : []) {
        const [type, values] = children(contents, attr);
        if (oidText(contents, type) !== OID.signatureTimeStampToken) continue;
        for (const token of children(contents, values)) tokens.push(...certificatesOf(contents, token).certs);
      }
    }
  } catch {
    // another producer's malformed or unusual CMS: nothing more to collect from it
  }
  return { own, tokens };
}

/** Every signature of `doc`: its field name, /Contents bytes (with their padding) and certificates. */
export function documentSignatures(doc: PdfDocument): { field: string; contents: Uint8Array }[] {
  const out: { field: string; contents: Uint8Array }[] = [];
  for (const f of doc.fields()) {
    if (f.type !== 'Sig') continue;
    const v = doc.dict(f.dict.get('V'));
    const contents = v instanceof PdfDict ? v.get('Contents') : undefined;
    if (contents instanceof PdfString) out.push({ field: f.name, contents: contents.bytes });
  }
  return out;
}

export function timestampTokenCertificates(doc: PdfDocument): Uint8Array[] {
  return documentSignatures(doc).flatMap((s) => signatureCertificates(s.contents).tokens);
}
