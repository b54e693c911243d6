/**
 * One page at a time (the side panel is narrow): canvas plus a selectable text layer, zoom and page
 * navigation, and a highlight over the field the checklist jumped to.
 */
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { TextLayer } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import type { FieldRect } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import { usePanelHost } from './host';
import { openPdf } from './pdf';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

export interface PdfViewProps {
  bytes: ArrayBuffer;
  page: number;
  onPageChange(page: number): void;
  highlight: { page: number; rect: FieldRect } | null;
  /** A replay: the page and zoom buttons are disabled too. */
  readOnly?: boolean;
}

export function PdfView({ bytes, page, onPageChange, highlight, readOnly = false }: PdfViewProps) {
  const { t } = useI18n();
  const { pdfAssets, recorder } = usePanelHost();
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zoom, setZoom] = useState(2); // index into ZOOMS: 100% of the panel width
  const [box, setBox] = useState<{ width: number; height: number; scale: number } | null>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    setDoc(null);
    setError(null);
    const started = performance.now();
    let task: ReturnType<typeof openPdf>;
    try {
      task = openPdf(bytes, pdfAssets);
    } catch (e) {
      // No worker to be had (a browser without module workers): say so instead of failing the panel.
      recorder.event('pdf.open', { ok: false });
      setError(String(e));
      return;
    }
    task.promise.then(
      (d) => {
        recorder.event('pdf.open', { ok: true, pages: d.numPages, bytes: bytes.byteLength }, performance.now() - started);
        if (!cancelled) setDoc(d);
      },
      (e: unknown) => {
        recorder.event('pdf.open', { ok: false, error: e instanceof Error ? e.name : 'error' }, performance.now() - started);
        if (!cancelled) setError(String(e));
      },
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [bytes, pdfAssets, recorder]);

  const pages = doc?.numPages ?? 0;
  const current = Math.min(Math.max(1, page), Math.max(1, pages));

  useEffect(() => {
    if (!doc || !canvasRef.current || !textRef.current || !frameRef.current) return;
    let cancelled = false;
    let task: RenderTask | null = null;
    let textLayer: TextLayer | null = null;
    const started = performance.now();
    void (async () => {
      const p = await doc.getPage(current);
      if (cancelled) return;
      const base = p.getViewport({ scale: 1 });
      const available = Math.max(200, (frameRef.current?.clientWidth ?? 600) - 16);
      const scale = (available / base.width) * ZOOMS[zoom];
      const viewport = p.getViewport({ scale });
      const canvas = canvasRef.current!;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      setBox({ width: viewport.width, height: viewport.height, scale });
      task = p.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      const container = textRef.current!;
      container.replaceChildren();
      container.removeAttribute('data-text-page');
      textLayer = new TextLayer({ textContentSource: p.streamTextContent(), container, viewport });
      const text = textLayer.render().then(() => !cancelled && textRef.current?.setAttribute('data-text-page', String(current)));
      await task.promise;
      recorder.event('pdf.render', { page: current, pages: doc.numPages }, performance.now() - started);
      if (!cancelled) canvas.setAttribute('data-rendered-page', String(current));
      await text;
    })().catch((e: unknown) => {
      if (!cancelled && !(e instanceof Error && e.name === 'RenderingCancelledException')) setError(String(e));
    });
    return () => {
      cancelled = true;
      task?.cancel();
      textLayer?.cancel();
      canvasRef.current?.removeAttribute('data-rendered-page');
    };
  }, [doc, current, zoom, recorder]);

  let mark: { left: number; top: number; width: number; height: number } | null = null;
  if (highlight && box && highlight.page === current) {
    const s = box.scale;
    const { x, y, width, height } = highlight.rect;
    mark = { left: x * s, top: box.height - (y + height) * s, width: width * s, height: height * s };
  }

  if (error) return <p role="alert" className="error">{t('panel.error', { message: error })}</p>;
  return (
    <div className="pdf">
      <div className="pdf-toolbar" role="toolbar" aria-label="PDF">
        <button type="button" onClick={() => onPageChange(current - 1)} disabled={readOnly || current <= 1} aria-label={t('panel.prevPage')} data-testid="page-prev">
          ‹
        </button>
        <span data-testid="page-indicator" aria-live="polite">
          {pages ? t('panel.page', { page: current, pages }) : t('panel.loading')}
        </span>
        <button type="button" onClick={() => onPageChange(current + 1)} disabled={readOnly || current >= pages} aria-label={t('panel.nextPage')} data-testid="page-next">
          ›
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => setZoom((z) => Math.max(0, z - 1))} disabled={readOnly || zoom === 0} aria-label={t('panel.zoomOut')} data-testid="zoom-out">
          −
        </button>
        <span aria-live="polite">{Math.round(ZOOMS[zoom] * 100)}%</span>
        <button type="button" onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={readOnly || zoom === ZOOMS.length - 1} aria-label={t('panel.zoomIn')} data-testid="zoom-in">
          +
        </button>
      </div>
      <div className="pdf-frame" ref={frameRef}>
        <div
          className="pdf-page"
          data-testid="pdf-page"
          style={
            {
              width: box?.width,
              height: box?.height,
              '--total-scale-factor': box?.scale ?? 1,
              '--scale-round-x': '1px',
              '--scale-round-y': '1px',
            } as React.CSSProperties
          }
        >
          <canvas ref={canvasRef} data-testid="pdf-canvas" />
          <div className="textLayer" ref={textRef} />
          {mark && <div className="field-highlight" data-testid="field-highlight" style={mark} />}
        </div>
      </div>
    </div>
  );
}
