/**
 * The certificates an external TSA put in the timestamp tokens of a document's signatures (we ask for
 * them with certReq), so that its chain goes into the DSS like ours.
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

export function timestampTokenCertificates(doc: PdfDocument): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of doc.fields()) {
    if (f.type !== 'Sig') continue;
    const v = doc.dict(f.dict.get('V'));
    const contents = v instanceof PdfDict ? v.get('Contents') : undefined;
    if (!(contents instanceof PdfString)) continue;
    try {
      const der = contents.bytes;
      const top = read(der, 0);
      const { signedData } = certificatesOf(der, top);
      const signerInfos = children(der, signedData).at(-1)!;
      for (const si of children(der, signerInfos)) {
        const unsigned = children(der, si).find((t) => t.tag === 0xa1);
        for (const attr of unsigned ? children(der, unsigned) : []) {
          const [type, values] = children(der, attr);
          if (oidText(der, type) !== OID.signatureTimeStampToken) continue;
          for (const token of children(der, values)) out.push(...certificatesOf(der, token).certs);
        }
      }
    } catch {
      // another producer's malformed or unusual CMS: nothing to collect from it
    }
  }
  return out;
}
