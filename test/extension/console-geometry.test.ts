import { PDFDocument } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import {
  bigEnough,
  canvasToPdfRect,
  dragRect,
  fitRectToPage,
  pdfToCanvasRect,
  RotatedPageError,
  type PageGeometry,
} from '../../extension/console/clerk/field-geometry';

const A4: PageGeometry = { viewBox: [0, 0, 595.3, 841.89], rotate: 0 };
/** A page whose crop box does not start at the origin (a scanned page trimmed by the scanner). */
const CROPPED: PageGeometry = { viewBox: [36, 72, 436, 672], rotate: 0 };

describe('field rectangles: canvas pixels to PDF points', () => {
  it('turns a drag on an A4 page at 1.5× into points from the bottom-left corner', () => {
    const rect = canvasToPdfRect({ left: 150, top: 300, width: 300, height: 45 }, A4, 1.5);
    expect(rect).toEqual({ x: 100, y: 841.89 - 230, width: 200, height: 30 });
  });

  it('measures from the crop box, not from the media box origin', () => {
    // 2 px per point; 20 px from the left edge of the view box = 10 pt; bottom edge at 400 px = 200 pt down.
    const rect = canvasToPdfRect({ left: 20, top: 360, width: 100, height: 40 }, CROPPED, 2);
    expect(rect).toEqual({ x: 10, y: 600 - 200, width: 50, height: 20 });
  });

  it('agrees with pdf.js on a real cropped page (viewport.convertToPdfPoint, minus the crop box corner)', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([600, 800]);
    page.setCropBox(40, 90, 500, 650);
    const task = getDocument({ data: await doc.save(), useWorkerFetch: false });
    const pdf = await task.promise;
    const p = await pdf.getPage(1);
    const scale = 1.37;
    const viewport = p.getViewport({ scale });
    const geometry: PageGeometry = { viewBox: p.view as PageGeometry['viewBox'], rotate: p.rotate };
    expect(geometry.viewBox).toEqual([40, 90, 540, 740]);
    const drawn = { left: 61, top: 133, width: 177, height: 29 };
    const [ux0, uy0] = viewport.convertToPdfPoint(drawn.left, drawn.top + drawn.height) as [number, number];
    const [ux1, uy1] = viewport.convertToPdfPoint(drawn.left + drawn.width, drawn.top) as [number, number];
    const rect = canvasToPdfRect(drawn, geometry, scale);
    expect(rect.x).toBeCloseTo(ux0 - 40, 1);
    expect(rect.y).toBeCloseTo(uy0 - 90, 1);
    expect(rect.width).toBeCloseTo(ux1 - ux0, 1);
    expect(rect.height).toBeCloseTo(uy1 - uy0, 1);
    await task.destroy();
  });

  it('draws a placed field back where it was drawn', () => {
    for (const [page, scale] of [[A4, 1.27], [CROPPED, 0.8]] as const) {
      const drawn = { left: 33.5, top: 101.25, width: 120, height: 24 };
      const back = pdfToCanvasRect(canvasToPdfRect(drawn, page, scale), page, scale);
      expect(back.left).toBeCloseTo(drawn.left, 1);
      expect(back.top).toBeCloseTo(drawn.top, 1);
      expect(back.width).toBeCloseTo(drawn.width, 1);
      expect(back.height).toBeCloseTo(drawn.height, 1);
    }
  });

  it('keeps a rectangle dragged past the page edge inside the page', () => {
    const bounds = { width: 893, height: 1263 };
    const r = dragRect({ x: 850, y: 1200 }, { x: 990, y: 1400 }, bounds);
    expect(r).toEqual({ left: 850, top: 1200, width: 43, height: 63 });
    const pdf = canvasToPdfRect(r, A4, 1.5);
    expect(pdf.x + pdf.width).toBeLessThanOrEqual(595.3);
    expect(pdf.y).toBe(0);
  });

  it('accepts a drag in any direction', () => {
    expect(dragRect({ x: 200, y: 90 }, { x: 50, y: 10 }, { width: 500, height: 500 })).toEqual({ left: 50, top: 10, width: 150, height: 80 });
  });

  it('refuses rotated pages clearly instead of placing the field sideways', () => {
    const rotated: PageGeometry = { viewBox: [0, 0, 595.3, 841.89], rotate: 90 };
    expect(() => canvasToPdfRect({ left: 0, top: 0, width: 50, height: 50 }, rotated, 1)).toThrow(RotatedPageError);
    expect(() => pdfToCanvasRect({ x: 0, y: 0, width: 50, height: 50 }, rotated, 1)).toThrow(RotatedPageError);
  });

  it('takes a tiny drag for a click, not a field', () => {
    expect(bigEnough(canvasToPdfRect({ left: 10, top: 10, width: 4, height: 30 }, A4, 1))).toBe(false);
    expect(bigEnough(canvasToPdfRect({ left: 10, top: 10, width: 40, height: 12 }, A4, 1))).toBe(true);
  });

  it('pulls a field moved to a smaller page inside it', () => {
    const small: PageGeometry = { viewBox: [0, 0, 420, 595], rotate: 0 };
    expect(fitRectToPage({ x: 500, y: 780, width: 100, height: 30 }, small)).toEqual({ x: 320, y: 565, width: 100, height: 30 });
    expect(fitRectToPage({ x: 10, y: 20, width: 100, height: 30 }, small)).toEqual({ x: 10, y: 20, width: 100, height: 30 });
  });
});
