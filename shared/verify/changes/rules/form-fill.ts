/**
 * Form filling: an existing non-signature field gets a new value and appearance. A replaced appearance
 * stream is allowed only when nothing but that widget's /AP used it before — else the "fill" would
 * redraw page content or another field (pyHanko's sneaky form update; Mainka et al., shadow attacks).
 */
import { asDict, changedKeys, reachableChanged } from '../diff.js';
import { claimAppearanceUpdate, objectAt, subset, widgetsOf, type ChangeRule } from './types.js';

/** Keys form filling may change on a field or its widget (value, appearance, choice indices). */
const FILL_KEYS = ['V', 'AP', 'AS', 'MK', 'RV', 'I'];

export const formFillRule: ChangeRule = {
  name: 'form-fill',
  apply(ctx) {
    const { diff } = ctx;
    const after = diff.after;
    for (const f of after.fields()) {
      if (f.type === 'Sig') continue;
      if (f.ref) {
        const ch = diff.changes.get(f.ref.num);
        if (ch && ch.before !== undefined) {
          const keys = changedKeys(asDict(ch.before), asDict(ch.after));
          if (subset(keys, FILL_KEYS)) {
            ctx.claim({ object: f.ref.num, level: 'form', kind: 'form-fill', field: f.name });
            for (const n of reachableChanged(diff, f.dict.get('V'))) ctx.claim({ object: n, level: 'form', kind: 'form-fill', field: f.name });
          }
        }
      }
      for (const w of widgetsOf(after, f.dict, f.ref)) {
        const wNum = w.ref?.num;
        const wch = wNum === undefined ? undefined : diff.changes.get(wNum);
        if (wch && wch.before === undefined) continue; // new widgets are not form filling
        if (wch && wNum !== f.ref?.num && !subset(changedKeys(asDict(wch.before), asDict(wch.after)), FILL_KEYS)) continue;
        const beforeWidget = wNum === undefined ? undefined : asDict(objectAt(diff.before, wNum));
        const ok = claimAppearanceUpdate(ctx, wNum, beforeWidget?.get('AP'), w.dict.get('AP'), { level: 'form', kind: 'form-fill', field: f.name });
        if (ok && wch && wNum !== f.ref?.num) ctx.claim({ object: wNum, level: 'form', kind: 'form-fill', field: f.name });
        if (!ok && f.ref && wNum === f.ref.num) ctx.claim({ object: wNum, level: 'other', kind: 'other', field: f.name, detail: 'shared appearance replaced' });
      }
    }
  },
};
