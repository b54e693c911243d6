/**
 * Send-time additions for a file already signed by others, as an incremental revision so their
 * signatures stay valid: the conclusion-certificate ID as a locked, printed stamp annotation at the
 * bottom-left of page 1, and the placed fields as empty AcroForm fields with appearances.
 */
import { openPdf } from '../../../shared/pdf/index.js';
import type { PrepareInput } from '../service.js';
import { checkMark, formXObject, helvetica, literal } from './appearance.js';
import { pageAt } from './pages.js';
import { appendRevision, type Revision } from './revision.js';
import { raw, textString, withEntries } from './serialize.js';

/** The conclusion-certificate ID: 6 pt, 12 pt from the left edge, 6 pt above the bottom. */
export const ID_SIZE = 6;
export const MARGIN = 12;

export async function prepareSignedDocument(input: PrepareInput): Promise<Uint8Array> {
  const doc = openPdf(input.pdf);
  return appendRevision(doc, (rev) => addSendTimeObjects(rev, input));
}

function addSendTimeObjects(rev: Revision, input: PrepareInput) {
  const doc = rev.doc;
  const up = rev.update;
  const font = helvetica(up);
  const first = pageAt(doc, 0);
  const box = doc.inherited(first.dict, 'CropBox') ?? doc.inherited(first.dict, 'MediaBox');
  const [x0, y0] = boxOrigin(box);
  const id = input.certificateId.toLowerCase();
  const w = id.length * ID_SIZE * 0.56;
  const h = ID_SIZE + 2;
  const stampAp = formXObject(up, w, h, `q 0.35 g BT /Helv ${ID_SIZE} Tf 0 2 Td ${literal(id)} Tj ET Q`, { Helv: font });
  const stamp = up.allocate();
  up.put(stamp, {
    Type: raw('/Annot'),
    Subtype: raw('/Stamp'),
    Rect: [x0 + MARGIN, y0 + MARGIN / 2 - 2, x0 + MARGIN + w, y0 + MARGIN / 2 - 2 + h],
    Contents: raw(textString(id)),
    F: 4 | 64 | 128, // Print, ReadOnly, Locked
    P: first.ref,
    AP: { N: stampAp },
  });
  rev.addAnnotation(stamp, first);

  for (const f of input.fields) {
    const page = pageAt(doc, f.page - 1);
    // FieldRect counts from the crop box's bottom-left corner (shared/api/recipient.ts); /Rect is in user space.
    const [px, py] = boxOrigin(doc.inherited(page.dict, 'CropBox') ?? doc.inherited(page.dict, 'MediaBox'));
    const { width, height } = f.rect;
    const x = px + f.rect.x;
    const y = py + f.rect.y;
    const field = up.allocate();
    const common = {
      T: raw(textString(f.name)),
      TU: raw(textString(f.label)),
      Ff: f.required ? 2 : 0,
      Type: raw('/Annot'),
      Subtype: raw('/Widget'),
      Rect: [x, y, x + width, y + height],
      F: 4,
      P: page.ref,
    };
    if (f.type === 'checkbox') {
      const on = formXObject(up, width, height, checkMark(width, height));
      const off = formXObject(up, width, height, '');
      up.put(field, { ...common, FT: raw('/Btn'), V: raw('/Off'), AS: raw('/Off'), AP: { N: { Yes: on, Off: off } } });
    } else {
      const empty = formXObject(up, width, height, '/Tx BMC EMC');
      up.put(field, { ...common, FT: raw('/Tx'), DA: raw('(/Helv 10 Tf 0 g)'), AP: { N: empty } });
    }
    rev.addField(field, page, false);
  }
  // Keep another producer's default resources; add our font beside theirs.
  const form = doc.acroForm();
  const dr = form ? doc.dict(form.get('DR')) : undefined;
  const fonts = dr ? doc.dict(dr.get('Font')) : undefined;
  const helv = fonts ? withEntries(fonts, { Helv: font }) : { Helv: font };
  rev.setFormEntry('DR', dr ? withEntries(dr, { Font: helv }) : { Font: helv });
  if (!form?.has('DA')) rev.setFormEntry('DA', raw('(/Helv 0 Tf 0 g)'));
}

/** The lower-left corner of a page box ([x1 y1 x2 y2], normalised), or 0,0 when unreadable. */
function boxOrigin(box: unknown): [number, number] {
  if (!Array.isArray(box) || box.length !== 4 || !box.every((n) => typeof n === 'number')) return [0, 0];
  const [a, b, c, d] = box as number[];
  return [Math.min(a, c), Math.min(b, d)];
}
