/**
 * Where a field drawn on the rendered page lands in the PDF. The canvas shows the page's view box (pdf.js
 * `page.view`: the crop box clipped to the media box) at `scale` CSS pixels per point, y downwards; a
 * field's rectangle is in PDF points, y upwards, from the bottom-left corner of that box (FieldRect in
 * shared/api/recipient.ts, what the side panel highlights).
 *
 * Pages with /Rotate are refused: the AcroForm widget is drawn in unrotated user space, so its text
 * would show sideways to the reader (ISO 32000-1 §12.5.5 /MK /R would be needed), and the signer's
 * side panel highlights fields without rotation.
 */
import type { FieldRect } from '../../../shared/api/recipient';

export interface PageGeometry {
  /** [x0, y0, x1, y1] in user space, as pdf.js `page.view`. */
  viewBox: [number, number, number, number];
  /** /Rotate, normalised by pdf.js to 0, 90, 180 or 270. */
  rotate: number;
}

/** A rectangle on the rendered page, CSS pixels from its top-left corner. */
export interface CanvasRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Smallest field the placer accepts (points): a smaller drag is taken for a click. */
export const MIN_FIELD_POINTS = 6;

export const pageSize = (g: PageGeometry) => ({ width: g.viewBox[2] - g.viewBox[0], height: g.viewBox[3] - g.viewBox[1] });

export const isRotated = (g: PageGeometry) => ((g.rotate % 360) + 360) % 360 !== 0;

export class RotatedPageError extends Error {
  constructor(readonly rotate: number) {
    super(`page rotated by ${rotate}°`);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

/** A rectangle between two pointer positions (any drag direction), kept inside the rendered page. */
export function dragRect(from: { x: number; y: number }, to: { x: number; y: number }, bounds: { width: number; height: number }): CanvasRect {
  const x0 = clamp(Math.min(from.x, to.x), 0, bounds.width);
  const x1 = clamp(Math.max(from.x, to.x), 0, bounds.width);
  const y0 = clamp(Math.min(from.y, to.y), 0, bounds.height);
  const y1 = clamp(Math.max(from.y, to.y), 0, bounds.height);
  return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
}

/** Canvas pixels → PDF points (origin bottom-left of the view box), clipped to the page, to 0.01 pt. */
export function canvasToPdfRect(r: CanvasRect, page: PageGeometry, scale: number): FieldRect {
  if (isRotated(page)) throw new RotatedPageError(page.rotate);
  if (!(scale > 0)) throw new Error('scale must be positive');
  const { width: pw, height: ph } = pageSize(page);
  const left = clamp(r.left / scale, 0, pw);
  const right = clamp((r.left + r.width) / scale, 0, pw);
  const top = clamp(r.top / scale, 0, ph);
  const bottom = clamp((r.top + r.height) / scale, 0, ph);
  return { x: round2(left), y: round2(ph - bottom), width: round2(right - left), height: round2(bottom - top) };
}

/** PDF points → canvas pixels: how a placed field is drawn over the rendered page. */
export function pdfToCanvasRect(rect: FieldRect, page: PageGeometry, scale: number): CanvasRect {
  if (isRotated(page)) throw new RotatedPageError(page.rotate);
  const { height: ph } = pageSize(page);
  return { left: rect.x * scale, top: (ph - rect.y - rect.height) * scale, width: rect.width * scale, height: rect.height * scale };
}

/** Whether a drawn rectangle is big enough to be a field. */
export const bigEnough = (rect: FieldRect) => rect.width >= MIN_FIELD_POINTS && rect.height >= MIN_FIELD_POINTS;

/** A field moved to another page keeps its place, pulled inside that page if the page is smaller. */
export function fitRectToPage(rect: FieldRect, page: PageGeometry): FieldRect {
  const { width: pw, height: ph } = pageSize(page);
  const width = Math.min(rect.width, pw);
  const height = Math.min(rect.height, ph);
  return { x: round2(clamp(rect.x, 0, pw - width)), y: round2(clamp(rect.y, 0, ph - height)), width: round2(width), height: round2(height) };
}
