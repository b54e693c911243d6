/**
 * A field's rectangle counts from the page's crop box (shared/api/recipient.ts FieldRect), as the console
 * draws it and the side panel highlights it: on a page whose crop box does not start at 0,0 the widget's
 * /Rect must be shifted by the box's corner.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { prepareDocument } from '../../server/signing/prepare.js';

async function croppedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([600, 800]);
  page.setCropBox(50, 100, 400, 500);
  page.drawText('cropped page', { x: 80, y: 400, size: 12 });
  return doc.save({ useObjectStreams: false });
}

const field = { id: 'f1', name: 'date_1', label: '署名日', type: 'text' as const, required: true, page: 1, rect: { x: 10, y: 20, width: 120, height: 18 }, recipientId: 'r1' };

describe('field placement on a cropped page', () => {
  it('pdf-lib path: /Rect is the crop box corner plus the field rectangle', async () => {
    const out = await prepareDocument({ pdf: await croppedPdf(), documentId: 'd1', certificateId: 'a'.repeat(32), fields: [field] });
    const loaded = await PDFDocument.load(out);
    const widget = loaded.getForm().getTextField('date_1').acroField.getWidgets()[0];
    const r = widget.getRectangle();
    expect([r.x, r.y, r.width, r.height]).toEqual([60, 120, 120, 18]);
    // Not an artefact of pdf-lib's reading: the raw array says the same.
    const raw = widget.dict.lookup(PDFName.of('Rect'), PDFArray).asArray().map((n) => (n as PDFNumber).asNumber());
    expect(raw).toEqual([60, 120, 180, 138]);
    expect(loaded.getPage(0).node).toBeInstanceOf(PDFDict);
  });
});
