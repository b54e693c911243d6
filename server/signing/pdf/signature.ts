/**
 * Appending a signed revision: the signature dictionary is written as text so /ByteRange and
 * /Contents sit at known offsets; the two byte ranges are hashed in place (no copy of the file), then
 * /ByteRange and /Contents are patched (PADES.md steps 4–6). The placeholder is sized by the caller and
 * the revision is rebuilt once with a larger one when the CMS does not fit.
 */
import { createHash } from 'node:crypto';
import { formatPdfDate, type PdfDocument } from '../../../shared/pdf/index.js';
import { resumeFor, type ResumableSha256 } from '../hash-state.js';
import type { SignedRevision } from '../service.js';
import { pageAt } from './pages.js';
import { Revision } from './revision.js';
import { textString } from './serialize.js';

export interface SignatureSpec {
  /** Field name: unique in the document, no dots. */
  fieldName: string;
  kind: 'approval' | 'document-timestamp';
  reason?: string;
  location?: string;
  signerName?: string;
  signingTime?: Date;
  /** Bytes reserved for the CMS / TimeStampToken. */
  contentsBytes: number;
  /** Returns the DER CMS (or TimeStampToken) for the SHA-256 of the byte ranges. */
  sign(digest: Uint8Array): Promise<Uint8Array>;
}

const RANGE_WIDTH = 10;

/** The document's bytes, unchanged and not copied, and the revision appended to them. */
export type AppendedSignature = Pick<SignedRevision, 'prefix' | 'appended'> & Partial<Pick<SignedRevision, 'sha256' | 'hashState'>>;

/**
 * Appends one revision to `doc` holding what `prepare` adds (form values, DSS, …) plus a signature
 * per `spec`. `prepare` is called again if the revision must be rebuilt.
 *
 * `hashState` is the saved SHA-256 state of the document (hash-state.ts): given, the byte ranges are
 * hashed by resuming it, so only the new revision's bytes are hashed, and the result carries the whole
 * new file's SHA-256 and state for the next revision; null starts that resumable hash from the first
 * byte. Left out (conclusion, 締結証明書: no revision follows that needs it), node:crypto hashes the
 * ranges and no state is kept.
 */
export async function appendSignedRevision(
  doc: PdfDocument,
  spec: SignatureSpec,
  prepare: (rev: Revision) => void | Promise<void>,
  hashState?: string | null,
): Promise<AppendedSignature> {
  let size = spec.contentsBytes;
  for (let attempt = 0; attempt < 2; attempt++) {
    const rev = new Revision(doc);
    await prepare(rev);
    const page = pageAt(doc, 0);
    const sigRef = rev.update.allocate();
    const fieldRef = rev.update.allocate();
    const placeholder = '0'.repeat(size * 2);
    const rangePad = `[0 ${'0'.repeat(RANGE_WIDTH)} ${'0'.repeat(RANGE_WIDTH)} ${'0'.repeat(RANGE_WIDTH)}]`;
    let sig =
      spec.kind === 'approval'
        ? '<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached'
        : '<</Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161';
    sig += `\n/ByteRange ${rangePad}\n/Contents <${placeholder}>`;
    if (spec.signingTime) sig += `\n/M ${textString(formatPdfDate(spec.signingTime))}`;
    if (spec.signerName) sig += `\n/Name ${textString(spec.signerName)}`;
    if (spec.reason) sig += `\n/Reason ${textString(spec.reason)}`;
    if (spec.location) sig += `\n/Location ${textString(spec.location)}`;
    sig += '\n>>';
    rev.update.putRaw(sigRef, sig);
    rev.update.putRaw(
      fieldRef,
      `<</FT /Sig /T ${textString(spec.fieldName)} /V ${sigRef} /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P ${page.ref}>>`,
    );
    rev.addField(fieldRef, page, true);
    rev.finishStructure();
    const { appendix, offsets } = rev.update.build();

    const original = doc.fileBytes;
    const sigAt = offsets.get(sigRef.num)!;
    const rangeAt = appendix.indexOf('/ByteRange [', sigAt, 'latin1') + '/ByteRange '.length;
    const contentsAt = appendix.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
    const a = original.length + contentsAt; // offset of '<'
    const b = a + placeholder.length + 2; // just after '>'
    const total = original.length + appendix.length;
    const ranges = [0, a, b, total - b];
    const rangeText = `[${ranges.join(' ')}]`.padEnd(rangePad.length, ' ');
    if (rangeText.length !== rangePad.length) throw new Error('file too large for the /ByteRange placeholder');
    appendix.write(rangeText, rangeAt, 'latin1');

    const head = appendix.subarray(0, contentsAt);
    const tail = appendix.subarray(contentsAt + placeholder.length + 2);
    let digest: Uint8Array;
    let file: ResumableSha256 | undefined;
    if (hashState === undefined) {
      digest = new Uint8Array(createHash('sha256').update(original).update(head).update(tail).digest());
    } else {
      const upToContents = resumeFor(original, hashState).update(head);
      file = upToContents.clone();
      digest = upToContents.update(tail).digest();
    }
    const der = await spec.sign(digest);
    if (der.length > size) {
      size = der.length + 2048;
      continue;
    }
    appendix.write(Buffer.from(der).toString('hex').toUpperCase(), contentsAt + 1, 'latin1');
    if (!file) return { prefix: original, appended: appendix };
    file.update(appendix.subarray(contentsAt));
    return { prefix: original, appended: appendix, sha256: Buffer.from(file.digest()).toString('hex'), hashState: file.save() };
  }
  throw new Error('the signature does not fit its placeholder');
}

