/**
 * A new signature or document timestamp: the signature dictionary (new object), its field (new, or an
 * existing empty field gaining /V) and its widget with a new appearance. Document timestamps are LTA
 * updates; signatures are form-level (ISO 32000-1 §12.8.2.2: signing is form filling).
 */
import { PdfRef, isName } from '../../../pdf/index.js';
import { asDict, changedKeys, reachableChanged } from '../diff.js';
import { claimAppearanceUpdate, isVisible, rectOf, subset, widgetsOf, type ChangeRule } from './types.js';

/** Keys signing may change on an existing field or widget (F: Adobe sets Print|Locked). */
const SIGN_KEYS = ['V', 'AP', 'AS', 'MK', 'DA', 'F'];

export const signatureAddedRule: ChangeRule = {
  name: 'signature-added',
  apply(ctx) {
    const { diff } = ctx;
    const after = diff.after;
    for (const f of after.fields()) {
      if (f.type !== 'Sig') continue;
      const v = f.dict.get('V');
      if (!(v instanceof PdfRef)) continue;
      const vch = diff.changes.get(v.num);
      if (!vch || vch.before !== undefined) continue; // not a signature made in this revision
      const sig = asDict(vch.after);
      if (!sig) continue;
      const isTs = isName(sig.get('Type'), 'DocTimeStamp') || isName(sig.get('SubFilter'), 'ETSI.RFC3161');
      const level = isTs ? 'lta' : 'form';
      const kind = isTs ? 'timestamp-added' : 'signature-added';
      ctx.claim({ object: v.num, level, kind, field: f.name });
      for (const n of reachableChanged(diff, sig)) ctx.claim({ object: n, level, kind, field: f.name });

      let fieldOk = true;
      if (f.ref) {
        const fch = diff.changes.get(f.ref.num);
        if (fch) {
          const keys = fch.before === undefined ? [] : changedKeys(asDict(fch.before), asDict(fch.after));
          fieldOk = fch.before === undefined || subset(keys, SIGN_KEYS);
          if (fieldOk) ctx.claim({ object: f.ref.num, level, kind, field: f.name });
        }
      }
      let visible = false;
      for (const w of widgetsOf(after, f.dict, f.ref)) {
        const wVisible = isVisible(after, w.dict);
        visible ||= wVisible;
        if (!w.ref) continue;
        const wch = diff.changes.get(w.ref.num);
        if (wch && wch.before !== undefined && !subset(changedKeys(asDict(wch.before), asDict(wch.after)), SIGN_KEYS)) continue;
        const apBefore = wch?.before !== undefined ? asDict(wch.before)?.get('AP') : undefined;
        if (!claimAppearanceUpdate(ctx, w.ref.num, apBefore, w.dict.get('AP'), { level, kind, field: f.name })) {
          if (wch) ctx.claim({ object: w.ref.num, level: 'other', kind: 'other', field: f.name, detail: 'shared appearance replaced' });
          continue;
        }
        const p = w.dict.get('P');
        const page = p instanceof PdfRef ? ctx.pageOf(p.num) : undefined;
        if (wch) ctx.claim({ object: w.ref.num, level, kind, field: f.name, page, visible: wVisible, rect: rectOf(after, w.dict), annotationType: 'Widget' });
        ctx.newSignatureWidgets.set(w.ref.num, { level, visible: wVisible });
      }
      if (fieldOk && f.ref) ctx.newSignatureFields.set(f.ref.num, { level, visible });
    }
  },
};
