/**
 * The original revision, made at send time before any signature (pdf-lib is allowed only here,
 * PADES.md): the conclusion-certificate ID printed small at the bottom-left of page 1, and the AcroForm
 * fields the sender placed for the recipients. A file that already carries someone else's signatures
 * is not re-saved (that would break them): it gets the same additions as an incremental revision,
 * the ID as a print-flagged stamp annotation (annotations and form fields are changes a signed
 * document allows).
 */
import { PDFDocument, PDFHexString, PDFName, StandardFonts, rgb } from 'pdf-lib';
import { inspectUpload, isName, openPdf } from '../../shared/pdf/index.js';
import { DocumentRefusedError } from './errors.js';
import { ID_SIZE, MARGIN, prepareSignedDocument } from './pdf/prepare-incremental.js';
import type { PrepareInput } from './service.js';

/**
 * The DocMDP permission of a certified document (ISO 32000-1 §12.8.2.2): 1 = no changes, 2 = form
 * filling and signing, 3 = also annotations; undefined when the document is not certified.
 */
function docMdpPermission(pdf: Uint8Array): number | undefined {
  const doc = openPdf(pdf);
  const perms = doc.dict(doc.catalog().get('Perms'));
  const sig = perms ? doc.dict(perms.get('DocMDP')) : undefined;
  if (!sig) return undefined;
  const refs = doc.resolve(sig.get('Reference'));
  for (const r of Array.isArray(refs) ? refs : []) {
    const ref = doc.dict(r);
    if (!ref || !isName(doc.resolve(ref.get('TransformMethod')), 'DocMDP')) continue;
    const p = doc.resolve(doc.dict(ref.get('TransformParams'))?.get('P'));
    return typeof p === 'number' ? p : 2;
  }
  return 2;
}

/**
 * Refuses encrypted, broken or page-less files, and certified documents whose DocMDP permission
 * forbids our additions (P1: nothing; P2: no annotation, and the ID stamp is one), with a clear
 * message; returns the count of signatures already in the file.
 */
export function checkUpload(pdf: Uint8Array): number {
  const r = inspectUpload(pdf);
  if (!r.ok) throw new DocumentRefusedError(r.code, r.message);
  const p = docMdpPermission(pdf);
  if (p === 1 || p === 2) {
    throw new DocumentRefusedError('certified', {
      ja: 'この PDF は作成者により変更が禁止（証明署名）されているため、署名欄や締結証明書 ID を追加できません。証明署名のない PDF をアップロードしてください。',
      en: 'This PDF is certified by its author against the changes signing needs (fields, the certificate ID). Upload a version without the certification signature.',
    });
  }
  return r.signatureCount;
}

export async function prepareDocument(input: PrepareInput): Promise<Uint8Array> {
  if (!/^[0-9a-f]{32}$/i.test(input.certificateId)) throw new Error('certificateId must be 32 hex characters');
  const names = new Set<string>();
  for (const f of input.fields) {
    if (!f.name || f.name.includes('.')) throw new Error(`field name "${f.name}" must be non-empty without dots`);
    if (names.has(f.name)) throw new Error(`field name "${f.name}" is used twice`);
    names.add(f.name);
  }
  if (checkUpload(input.pdf) > 0) return prepareSignedDocument(input);

  const doc = await PDFDocument.load(input.pdf, { updateMetadata: false });
  const pages = doc.getPages();
  const first = pages[0];
  const box = first.getCropBox();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  first.drawText(input.certificateId.toLowerCase(), {
    x: box.x + MARGIN,
    y: box.y + MARGIN / 2,
    size: ID_SIZE,
    font,
    color: rgb(0.35, 0.35, 0.35),
  });
  const form = doc.getForm();
  for (const f of input.fields) {
    const page = pages[f.page - 1];
    if (!page) throw new Error(`field "${f.name}" is on page ${f.page}, the document has ${pages.length}`);
    // FieldRect counts from the crop box's bottom-left corner (shared/api/recipient.ts); the widget's /Rect is in user space.
    const crop = page.getCropBox();
    const at = { x: crop.x + f.rect.x, y: crop.y + f.rect.y, width: f.rect.width, height: f.rect.height, borderWidth: 0 };
    const field = f.type === 'checkbox' ? form.createCheckBox(f.name) : form.createTextField(f.name);
    if (f.type === 'checkbox') form.getCheckBox(f.name).addToPage(page, at);
    else form.getTextField(f.name).addToPage(page, { ...at, font });
    field.acroField.dict.set(PDFName.of('TU'), PDFHexString.fromText(f.label));
    if (f.required) field.enableRequired();
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: true });
}
