/** Test helper: the signatures of a PDF (via the shared reader) and their parts, for outside tools. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfDict, PdfRef, PdfString, openPdf } from '../../shared/pdf/index.js';
import { IncrementalUpdate } from '../../server/signing/pdf/incremental.js';
import { withEntries } from '../../server/signing/pdf/serialize.js';

export interface FoundSignature {
  field: string;
  subFilter: string;
  byteRange: number[];
  /** The CMS / TimeStampToken DER, without the zero padding. */
  der: Uint8Array;
  /** The signed bytes (both ranges concatenated). */
  signedBytes: Uint8Array;
  /** End of the revision the signature covers (= byteRange[2] + byteRange[3]). */
  end: number;
}

function derLength(b: Uint8Array): number {
  if (b[1] < 0x80) return 2 + b[1];
  const n = b[1] & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
  return 2 + n + len;
}

export function findSignatures(pdf: Uint8Array): FoundSignature[] {
  const doc = openPdf(pdf);
  const out: FoundSignature[] = [];
  for (const f of doc.fields()) {
    if (f.type !== 'Sig') continue;
    const v = doc.dict(f.dict.get('V'));
    if (!(v instanceof PdfDict)) continue;
    const br = doc.resolve(v.get('ByteRange')) as number[];
    const contents = v.get('Contents') as PdfString;
    const sf = doc.resolve(v.get('SubFilter'));
    const der = contents.bytes.subarray(0, derLength(contents.bytes));
    const signedBytes = Buffer.concat([pdf.subarray(br[0], br[0] + br[1]), pdf.subarray(br[2], br[2] + br[3])]);
    out.push({
      field: f.name,
      subFilter: sf && typeof sf === 'object' && 'name' in sf ? String(sf.name) : '',
      byteRange: br,
      der,
      signedBytes,
      end: br[2] + br[3],
    });
  }
  return out.sort((a, b) => a.end - b.end);
}

/** The signature-timestamp token and the signature value it stamps, from a CAdES signature. */
export function signatureTimestamp(cms: Uint8Array): { token: Uint8Array; signatureValue: Uint8Array } {
  const ci = pkijs.ContentInfo.fromBER(new Uint8Array(cms));
  const sd = new pkijs.SignedData({ schema: ci.content });
  const si = sd.signerInfos[0];
  const attr = si.unsignedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14');
  if (!attr) throw new Error('no signature timestamp');
  return {
    token: new Uint8Array((attr.values[0] as asn1js.Sequence).toBER(false)),
    signatureValue: new Uint8Array(si.signature.valueBlock.valueHexView),
  };
}

/**
 * pdfsig (poppler 22.12 with NSS) reports "Unknown issue with Certificate or corrupted data" for the
 * second and later signatures of one file that carry the same certificates: under gdb, NSS's
 * CERT_PKIXVerifyCert fails there with SEC_ERROR_REUSED_ISSUER_AND_SERIAL from CERT_NewTempCertificate
 * (the certificate is already known from the earlier signature's CMS), whatever the certificate's
 * extensions (with and without subjectAltName alike). To have pdfsig judge each signature's
 * certificate on its own, this appends (after the signed bytes, so the signature itself is untouched)
 * a revision whose AcroForm lists only that field.
 */
export function withOnlySignatureField(pdf: Uint8Array, field: string): Uint8Array {
  const doc = openPdf(pdf);
  const sigFields = doc.fields().filter((x) => x.type === 'Sig' && x.ref);
  const keep = sigFields.find((x) => x.name === field);
  if (!keep?.ref) throw new Error(`no field ${field}`);
  const drop = new Set(sigFields.filter((x) => x !== keep).map((x) => x.ref!.num));
  const up = new IncrementalUpdate(doc);
  // poppler finds signature widgets both through the AcroForm and on the pages' /Annots.
  const formRef = doc.catalog().get('AcroForm');
  const form = withEntries(doc.acroForm()!, { Fields: [keep.ref] });
  if (formRef instanceof PdfRef) up.put(formRef, form);
  else up.put(doc.trailer.get('Root') as PdfRef, withEntries(doc.catalog(), { AcroForm: form }));
  for (const page of doc.pages()) {
    const annotsRef = page.dict.get('Annots');
    const annots = doc.resolve(annotsRef);
    if (!Array.isArray(annots)) continue;
    const kept = annots.filter((a) => !(a instanceof PdfRef && drop.has(a.num)));
    if (kept.length === annots.length) continue;
    if (annotsRef instanceof PdfRef) up.put(annotsRef, kept);
    else up.put(page.ref, withEntries(page.dict, { Annots: kept }));
  }
  const { appendix } = up.build();
  return new Uint8Array(Buffer.concat([Buffer.from(pdf), appendix]));
}
