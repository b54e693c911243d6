/**
 * The one revision-aware PDF reader (DESIGN.md §2), browser-safe (no node: imports).
 *
 * ```ts
 * const doc = openPdf(bytes);                 // lazy: reads startxref and the xref chain only
 * doc.trailer; doc.xrefKind; doc.startxref; doc.size; doc.isEncrypted;
 * doc.catalog(); doc.pageCount(); doc.page(0) // → { index, ref, dict }
 * doc.acroForm(); doc.fields(); doc.resolve(page.dict.get('Annots'));
 * doc.revisions                               // oldest first: { index, end, xrefOffset, xrefKind, trailer, objectNumbers }
 * doc.atRevision(0)                           // the document as its first revision left it
 * inspectUpload(bytes)                        // upload check: { ok, pageCount, xrefKind, signatureCount } | refusal
 * ```
 * Errors are `PdfError` with a `code`; work is bounded by `OpenOptions` (objects, decoded bytes, tokens, pages).
 */
export { PdfError, isLimitError, isPdfError, rethrowLimit, type PdfErrorCode } from './errors.js';
export {
  PdfDict,
  PdfName,
  PdfRef,
  PdfStream,
  PdfString,
  bytesEqual,
  isInt,
  isName,
  objectsEqual,
  type PdfObject,
} from './objects.js';
export { decodeText, encodeText, formatPdfDate, parsePdfDate } from './text.js';
export { openPdf, PdfDocument, type OpenOptions, type PdfField, type PdfPage, type PdfRevision } from './document.js';
export type { XrefEntry, XrefSection } from './xref.js';
export { indexOfBytes, lastIndexOfBytes } from './parser.js';
export { inspectUpload, type UploadInspection, type UploadRefusal } from './inspect.js';
