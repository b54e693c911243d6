/**
 * A recipient's field values, in their own approval revision (PADES.md: never as page content):
 * /V on the field and a new appearance stream on each widget. Japanese text is drawn with an embedded
 * subset of Noto Sans CJK JP (Type 0 / CIDFontType0C, see font/cid-subset.ts), shared by all fields of
 * the revision.
 */
import { PdfDict, PdfRef, type PdfObject } from '../../../shared/pdf/index.js';
import { notoSansJp } from '../font/noto-cjk.js';
import { CidFontSubset } from '../font/cid-subset.js';
import type { PlacedField } from '../service.js';
import type { Revision } from './revision.js';
import { raw, textString, withEntries } from './serialize.js';

const CHECKED = /^(true|on|yes|1|✓)$/i;

function rectOf(doc: Revision['doc'], d: PdfDict): [number, number] {
  const r = doc.resolve(d.get('Rect'));
  if (!Array.isArray(r) || r.length !== 4 || !r.every((v) => typeof v === 'number')) return [0, 0];
  const [x1, y1, x2, y2] = r as number[];
  return [Math.abs(x2 - x1), Math.abs(y2 - y1)];
}

export function fillFields(rev: Revision, values: { field: PlacedField; value: string }[]) {
  if (!values.length) return;
  const doc = rev.doc;
  const byName = new Map(doc.fields().map((f) => [f.name, f]));
  const subset = new CidFontSubset(notoSansJp());
  const pending: { ref: PdfRef; dict: PdfDict; widgets: { ref: PdfRef; dict: PdfDict }[]; value: string; type: string }[] = [];
  for (const { field, value } of values) {
    const f = byName.get(field.name);
    if (!f || !f.ref) throw new Error(`the document has no field "${field.name}"`);
    const kids = doc.resolve(f.dict.get('Kids'));
    const widgets = Array.isArray(kids)
      ? (kids as PdfObject[]).filter((k): k is PdfRef => k instanceof PdfRef).map((k) => ({ ref: k, dict: doc.dict(k)! }))
      : [{ ref: f.ref, dict: f.dict }];
    pending.push({ ref: f.ref, dict: f.dict, widgets, value, type: field.type });
  }
  // First lay out every text (the subset learns its glyphs), then write the fonts, then the appearances.
  const layouts = pending.map((p) =>
    p.type === 'checkbox'
      ? []
      : p.widgets.map((w) => {
          const [width, height] = rectOf(doc, w.dict);
          let size = Math.min(10, height * 0.7);
          const tw = subset.width(p.value, size);
          if (tw > width - 4 && tw > 0) size = Math.max(4, (size * (width - 4)) / tw);
          const y = (height - size * 0.88) / 2 + size * 0.12;
          return { width, height, content: `/Tx BMC q BT 0 g 2 ${y.toFixed(2)} Td ${subset.show(p.value, size)} ET Q EMC` };
        }),
  );
  const fonts = subset.write(rev.update);
  pending.forEach((p, i) => {
    if (p.type === 'checkbox') {
      const on = CHECKED.test(p.value);
      const ap = doc.dict(p.widgets[0].dict.get('AP'));
      const normal = ap ? doc.dict(ap.get('N')) : undefined;
      const onName = normal?.keys().find((k) => k !== 'Off') ?? 'Yes';
      const state = raw('/' + (on ? onName : 'Off'));
      for (const w of p.widgets) {
        const changes = { AS: state, ...(w.ref.num === p.ref.num ? { V: state } : {}) };
        rev.update.put(w.ref, withEntries(w.dict, changes));
      }
      if (!p.widgets.some((w) => w.ref.num === p.ref.num)) rev.update.put(p.ref, withEntries(p.dict, { V: state }));
      return;
    }
    const v = raw(textString(p.value));
    p.widgets.forEach((w, j) => {
      const { width, height, content } = layouts[i][j];
      const apRef = rev.update.allocate();
      rev.update.putStream(
        apRef,
        { Type: raw('/XObject'), Subtype: raw('/Form'), BBox: [0, 0, width, height], Resources: { Font: fonts } },
        Buffer.from(content, 'latin1'),
      );
      const changes = { AP: { N: apRef }, ...(w.ref.num === p.ref.num ? { V: v } : {}) };
      rev.update.put(w.ref, withEntries(w.dict, changes));
    });
    if (!p.widgets.some((w) => w.ref.num === p.ref.num)) rev.update.put(p.ref, withEntries(p.dict, { V: v }));
  });
}

