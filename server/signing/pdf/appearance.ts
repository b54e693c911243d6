/** Small appearance streams and the standard font they use (ISO 32000-1 §12.5.5, §9.6.2.2). */
import type { PdfRef } from '../../../shared/pdf/index.js';
import type { IncrementalUpdate } from './incremental.js';
import { raw } from './serialize.js';

/** A WinAnsi Helvetica font object (one of the 14 standard fonts: nothing to embed). */
export function helvetica(update: IncrementalUpdate): PdfRef {
  const r = update.allocate();
  update.put(r, { Type: raw('/Font'), Subtype: raw('/Type1'), BaseFont: raw('/Helvetica'), Encoding: raw('/WinAnsiEncoding') });
  return r;
}

/** A form XObject of size w×h drawing `content`, with `fonts` as its font resources. */
export function formXObject(update: IncrementalUpdate, w: number, h: number, content: string, fonts: Record<string, PdfRef> = {}): PdfRef {
  const r = update.allocate();
  update.putStream(
    r,
    { Type: raw('/XObject'), Subtype: raw('/Form'), BBox: [0, 0, w, h], Resources: { Font: fonts } },
    Buffer.from(content, 'latin1'),
  );
  return r;
}

/** Escapes ASCII text for a PDF literal string in a content stream. */
export function literal(text: string): string {
  return '(' + text.replace(/[\\()]/g, (c) => '\\' + c) + ')';
}

/** A check mark stroked inside a w×h box (no font needed). */
export function checkMark(w: number, h: number): string {
  const p = (fx: number, fy: number) => `${(w * fx).toFixed(2)} ${(h * fy).toFixed(2)}`;
  return `q 0 G ${(Math.min(w, h) / 10).toFixed(2)} w 1 J 1 j ${p(0.2, 0.5)} m ${p(0.42, 0.25)} l ${p(0.8, 0.78)} l S Q`;
}
