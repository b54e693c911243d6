/**
 * Page /Annots changes: added, changed or removed markup annotations (comments) are annotation-level;
 * a widget may only appear as the widget of a signature added in this revision. Nothing else on the page
 * dictionary may change. Every annotation is listed with page, type and rectangle (certification
 * attacks hide behind "harmless" annotations: Mainka et al. 2021).
 */
import { PdfName, PdfRef, rethrowLimit, type PdfDict, type PdfDocument } from '../../../pdf/index.js';
import { maxLevel, type ModificationLevel } from '../../report.js';
import { asDict, changedKeys, reachableChanged } from '../diff.js';
import { isVisible, objectAt, rectOf, type ChangeRule } from './types.js';

function annotRefs(doc: PdfDocument, page: PdfDict | undefined): PdfRef[] {
  if (!page) return [];
  try {
    const a = doc.resolve(page.get('Annots'));
    return Array.isArray(a) ? (a.filter((x) => x instanceof PdfRef) as PdfRef[]) : [];
  } catch (e) {
    rethrowLimit(e);
    return [];
  }
}

export const annotationsRule: ChangeRule = {
  name: 'annotations',
  apply(ctx) {
    const { diff } = ctx;
    const { before, after } = diff;
    for (const page of after.pages()) {
      const pageNo = page.index + 1;
      const pch = diff.changes.get(page.ref.num);
      const beforePage = pch ? asDict(pch.before) : page.dict;
      if (pch && pch.before === undefined) continue; // a new page is not an annotation
      if (pch && changedKeys(beforePage, page.dict).some((k) => k !== 'Annots')) continue;
      const annotsRef = page.dict.get('Annots');
      const arrChanged = annotsRef instanceof PdfRef && diff.changes.has(annotsRef.num);
      const beforeRefs = annotRefs(before, beforePage);
      const afterRefs = annotRefs(after, page.dict);
      const beforeNums = new Set(beforeRefs.map((r) => r.num));
      const afterNums = new Set(afterRefs.map((r) => r.num));
      let level: ModificationLevel = 'none';
      let ok = true;
      for (const r of afterRefs) {
        const ach = diff.changes.get(r.num);
        const annot = asDict(objectAt(after, r.num));
        if (!annot) continue;
        const sub = annot.get('Subtype');
        const type = sub instanceof PdfName ? sub.name : 'unknown';
        const added = !beforeNums.has(r.num);
        if (type === 'Widget') {
          const sig = ctx.newSignatureWidgets.get(r.num);
          if (added && !sig) ok = false;
          if (sig) level = maxLevel(level, sig.level);
          continue;
        }
        if (!added && !ach) continue;
        if (added && ach && ach.before !== undefined && !beforeNums.has(r.num)) {
          // an existing object (e.g. page content) re-used as an annotation
          ok = false;
          continue;
        }
        level = maxLevel(level, 'annotations');
        const visible = isVisible(after, annot);
        if (ach) ctx.claim({ object: r.num, level: 'annotations', kind: added ? 'annotation-added' : 'annotation-changed', page: pageNo, annotationType: type, rect: rectOf(after, annot), visible });
        for (const n of reachableChanged(diff, annot)) ctx.claim({ object: n, level: 'annotations', kind: added ? 'annotation-added' : 'annotation-changed', page: pageNo, annotationType: type });
      }
      for (const r of beforeRefs) {
        if (afterNums.has(r.num)) continue;
        const annot = asDict(objectAt(before, r.num));
        const sub = annot?.get('Subtype');
        const type = sub instanceof PdfName ? sub.name : 'unknown';
        if (type === 'Widget') {
          ok = false;
          continue;
        }
        level = maxLevel(level, 'annotations');
        ctx.claim({ object: undefined, level: 'annotations', kind: 'annotation-removed', page: pageNo, annotationType: type, rect: annot ? rectOf(before, annot) : undefined, detail: `object ${r.num}` });
      }
      if (!ok) continue;
      const claimLevel = level === 'none' ? 'form' : level;
      const kind = level === 'annotations' ? 'annotation-added' : level === 'lta' ? 'timestamp-added' : 'signature-added';
      if (pch) ctx.claim({ object: page.ref.num, level: claimLevel, kind, page: pageNo, detail: '/Annots' });
      if (arrChanged) ctx.claim({ object: (annotsRef as PdfRef).num, level: claimLevel, kind, page: pageNo, detail: '/Annots' });
    }
  },
};
