/**
 * A revision under construction: the incremental update plus the structural edits every signing
 * revision shares — new fields and widgets registered in the AcroForm and on their page's /Annots,
 * catalog entries (/AcroForm, /DSS, /Extensions). Rewrites only what changes (PADES.md step 3): the
 * /Annots array object if indirect else the page, the AcroForm object if indirect else the catalog.
 */
import { PdfDict, PdfRef, type PdfDocument, type PdfObject, type PdfPage } from '../../../shared/pdf/index.js';
import { IncrementalUpdate } from './incremental.js';
import { withEntries, type Writable } from './serialize.js';

export class Revision {
  readonly update: IncrementalUpdate;
  private readonly catalogChanges: Record<string, Writable | undefined> = {};
  private readonly fields: PdfRef[] = [];
  private readonly annots = new Map<number, { page: PdfPage; refs: PdfRef[] }>();
  private signatureFields = false;
  private readonly formChanges: Record<string, Writable | undefined> = {};

  constructor(readonly doc: PdfDocument) {
    this.update = new IncrementalUpdate(doc);
  }

  setCatalog(key: string, value: Writable | undefined) {
    this.catalogChanges[key] = value;
  }

  /** A new terminal field whose widget is merged into it, on `page`. */
  addField(field: PdfRef, page: PdfPage, signature: boolean) {
    this.fields.push(field);
    const a = this.annots.get(page.ref.num) ?? { page, refs: [] };
    a.refs.push(field);
    this.annots.set(page.ref.num, a);
    if (signature) this.signatureFields = true;
  }

  /** A new annotation (not a field) on `page`. */
  addAnnotation(annot: PdfRef, page: PdfPage) {
    const a = this.annots.get(page.ref.num) ?? { page, refs: [] };
    a.refs.push(annot);
    this.annots.set(page.ref.num, a);
  }

  /** An AcroForm entry other than /Fields and /SigFlags (e.g. /DR). */
  setFormEntry(key: string, value: Writable | undefined) {
    this.formChanges[key] = value;
  }

  /** Writes the page, AcroForm and catalog edits into the update. Call once, before building. */
  finishStructure() {
    const doc = this.doc;
    for (const { page, refs } of this.annots.values()) {
      const current = page.dict.get('Annots');
      const list = (doc.resolve(current) as PdfObject[] | undefined) ?? [];
      const items = Array.isArray(list) ? [...list, ...refs] : refs;
      if (current instanceof PdfRef) this.update.put(current, items);
      else this.update.put(page.ref, withEntries(page.dict, { Annots: items }));
    }
    if (this.fields.length || this.signatureFields) {
      const catalog = doc.catalog();
      const formRef = catalog.get('AcroForm');
      const form = doc.dict(formRef) ?? new PdfDict(new Map(), -1, -1);
      const existing = doc.resolve(form.get('Fields'));
      const fieldList = [...(Array.isArray(existing) ? existing : []), ...this.fields];
      const changes: Record<string, Writable | undefined> = {
        ...this.formChanges,
        Fields: fieldList,
        NeedAppearances: undefined,
      };
      if (this.signatureFields) changes.SigFlags = 3; // SignaturesExist | AppendOnly (§12.7.2)
      const formDict = withEntries(form, changes);
      if (formRef instanceof PdfRef) this.update.put(formRef, formDict);
      else {
        const r = this.update.allocate();
        this.update.put(r, formDict);
        this.catalogChanges.AcroForm = r;
      }
    }
    if (Object.keys(this.catalogChanges).length) {
      const rootRef = doc.trailer.get('Root');
      if (!(rootRef instanceof PdfRef)) throw new Error('the trailer /Root is not a reference');
      this.update.put(rootRef, withEntries(doc.catalog(), this.catalogChanges));
    }
  }
}


/** original ‖ appendix in one new buffer (not zero-filled first: every byte is written). */
export function joinBytes(original: Uint8Array, appendix: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(original.length + appendix.length);
  out.set(original, 0);
  out.set(appendix, original.length);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** An incremental revision without a signature (e.g. the DSS revision, send-time additions). */
export async function appendRevision(doc: PdfDocument, fill: (rev: Revision) => void | Promise<void>): Promise<Uint8Array> {
  const rev = new Revision(doc);
  await fill(rev);
  rev.finishStructure();
  return joinBytes(doc.fileBytes, rev.update.build().appendix);
}
