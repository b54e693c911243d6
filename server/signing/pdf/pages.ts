/**
 * Adapter over shared/pdf: one page by index, descending the page tree by /Count so that only the
 * nodes on the way are read (the reader's page(i) walks every page; a 1,000-page file must not cost
 * a walk of the whole tree per signature, DESIGN.md §2).
 */
import { PdfDict, PdfRef, isInt, isName, type PdfDocument, type PdfPage } from '../../../shared/pdf/index.js';

export function pageAt(doc: PdfDocument, index: number): PdfPage {
  let node = doc.catalog().get('Pages');
  let skip = index;
  for (let depth = 0; depth < 64; depth++) {
    if (!(node instanceof PdfRef)) break;
    const d = doc.dict(node);
    if (!d) break;
    const kids = doc.resolve(d.get('Kids'));
    if (isName(d.get('Type'), 'Page') || !Array.isArray(kids)) {
      if (skip === 0) return { index, ref: node, dict: d };
      break;
    }
    let next: PdfRef | undefined;
    for (const k of kids) {
      const kd = doc.dict(k);
      if (!(k instanceof PdfRef) || !(kd instanceof PdfDict)) continue;
      const isLeaf = isName(kd.get('Type'), 'Page') || !Array.isArray(doc.resolve(kd.get('Kids')));
      const c = isLeaf ? 1 : doc.resolve(kd.get('Count'));
      const count = isInt(c) ? c : 0;
      if (skip < count) {
        next = k;
        break;
      }
      skip -= count;
    }
    if (!next) break;
    node = next;
  }
  // Malformed /Count values: fall back to the reader's full walk.
  return doc.page(index);
}
