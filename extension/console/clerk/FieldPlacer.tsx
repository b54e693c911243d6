/**
 * Fields drawn on the rendered pages: press, drag, release — the rectangle becomes a field on that
 * page (field-geometry.ts turns pixels into PDF points). Fields already placed show as labelled boxes;
 * clicking one selects it for the field list below.
 */
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useI18n } from '../../i18n/react';
import { openPdf } from '../../sidepanel/pdf';
import type { DraftDocument, DraftField, DraftRecipient } from './envelope-draft';
import { PDF_ASSETS } from './pdf-check';
import { bigEnough, canvasToPdfRect, dragRect, fitRectToPage, isRotated, pageSize, pdfToCanvasRect, type CanvasRect } from './field-geometry';

const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

const MAX_WIDTH = 760;

/** A colour per recipient, in signing order, so the clerk sees whose field is whose. */
export const recipientColour = (index: number) => ['#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#007b83'][index % 6]!;

interface Props {
  documents: DraftDocument[];
  recipients: DraftRecipient[];
  fields: DraftField[];
  selected: string | null;
  onSelect(key: string | null): void;
  onAdd(field: Pick<DraftField, 'document' | 'page' | 'rect'>): void;
  onMove(key: string, rect: DraftField['rect']): void;
}

/** Arrow keys move the selected field by 1 pt, 10 pt with Shift (PDF y grows upwards). */
const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
/** The size of a field added from the keyboard, in points. */
const DEFAULT_FIELD = { width: 160, height: 24 };

function usePdf(file: File | undefined): PDFDocumentProxy | null {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  useEffect(() => {
    setDoc(null);
    if (!file) return;
    let cancelled = false;
    let task: ReturnType<typeof openPdf> | null = null;
    void file.arrayBuffer().then((bytes) => {
      if (cancelled) return;
      task = openPdf(bytes, PDF_ASSETS);
      task.promise.then((d) => !cancelled && setDoc(d), () => undefined);
    });
    return () => {
      cancelled = true;
      void task?.destroy();
    };
  }, [file]);
  return doc;
}

export function FieldPlacer({ documents, recipients, fields, selected, onSelect, onAdd, onMove }: Props) {
  const { t } = useI18n();
  const ready = documents.filter((d) => d.check === 'ok' && d.pages && d.pages.length > 0);
  const [docKey, setDocKey] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const current = ready.find((d) => d.key === docKey) ?? ready[0];
  const pages = current?.pages ?? [];
  const pageNo = Math.min(Math.max(1, page), Math.max(1, pages.length));
  const geometry = pages[pageNo - 1];
  const pdf = usePdf(current?.file);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ from: { x: number; y: number }; rect: CanvasRect } | null>(null);
  const [moving, setMoving] = useState<{ key: string; x: number; y: number; dx: number; dy: number } | null>(null);

  // Selecting a field in the list shows its page.
  const selectedField = fields.find((f) => f.key === selected);
  useEffect(() => {
    if (selectedField) {
      setDocKey(selectedField.document);
      setPage(selectedField.page);
    }
  }, [selectedField?.key, selectedField?.document, selectedField?.page]);

  useEffect(() => {
    if (!pdf || !geometry || !canvasRef.current) return;
    let cancelled = false;
    let task: RenderTask | null = null;
    const canvas = canvasRef.current;
    canvas.removeAttribute('data-rendered');
    void (async () => {
      const p = await pdf.getPage(pageNo);
      if (cancelled) return;
      const available = Math.min(MAX_WIDTH, Math.max(240, (frameRef.current?.clientWidth ?? MAX_WIDTH) - 16));
      const s = available / p.getViewport({ scale: 1 }).width;
      const viewport = p.getViewport({ scale: s });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${viewport.width}px`;
      canvas.style.height = `${viewport.height}px`;
      setScale(s);
      task = p.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      await task.promise;
      if (!cancelled) canvas.setAttribute('data-rendered', `${current?.key}:${pageNo}`);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [pdf, pageNo, geometry, current?.key]);

  if (!current || !geometry) return <p className="help" data-testid="placer-empty">{t('console.placer.empty')}</p>;

  const rotated = isRotated(geometry);
  const size = pageSize(geometry);
  const box = scale ? { width: size.width * scale, height: size.height * scale } : null;
  const recipientIndex = (key: string) => recipients.findIndex((r) => r.key === key);

  const at = (e: PointerEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const down = (e: PointerEvent<HTMLDivElement>) => {
    if (rotated || !box || e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const from = at(e);
    setDrag({ from, rect: { left: from.x, top: from.y, width: 0, height: 0 } });
  };
  const moveTo = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag || !box) return;
    setDrag({ ...drag, rect: dragRect(drag.from, at(e), box) });
  };
  const up = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag || !box || !scale) return;
    const rect = canvasToPdfRect(dragRect(drag.from, at(e), box), geometry, scale);
    setDrag(null);
    if (bigEnough(rect)) onAdd({ document: current.key, page: pageNo, rect });
    else onSelect(null);
  };

  const here = fields.filter((f) => f.document === current.key && f.page === pageNo);
  return (
    <div className="placer" data-testid="field-placer">
      <p className="help">{t('console.placer.help')}</p>
      {ready.length > 1 && (
        <div className="tabs" role="tablist">
          {ready.map((d) => (
            <button key={d.key} type="button" role="tab" aria-selected={d.key === current.key} data-testid="placer-document" data-name={d.name} onClick={() => {
                setDocKey(d.key);
                setPage(1);
              }}
            >
              {d.name}
            </button>
          ))}
        </div>
      )}
      <div className="pdf-toolbar">
        <button type="button" data-testid="placer-prev" disabled={pageNo <= 1} aria-label={t('panel.prevPage')} onClick={() => setPage(pageNo - 1)}>
          ‹
        </button>
        <span data-testid="placer-page" aria-live="polite">
          {t('panel.page', { page: pageNo, pages: pages.length })}
        </span>
        <button type="button" data-testid="placer-next" disabled={pageNo >= pages.length} aria-label={t('panel.nextPage')} onClick={() => setPage(pageNo + 1)}>
          ›
        </button>
        <span className="spacer" />
        <button
          type="button"
          data-testid="placer-add"
          disabled={rotated}
          onClick={() =>
            onAdd({
              document: current.key,
              page: pageNo,
              rect: fitRectToPage({ x: (size.width - DEFAULT_FIELD.width) / 2, y: (size.height - DEFAULT_FIELD.height) / 2, ...DEFAULT_FIELD }, geometry),
            })
          }
        >
          {t('console.placer.add')}
        </button>
      </div>
      {rotated && (
        <p className="error" role="alert" data-testid="placer-rotated">
          {t('console.placer.rotated', { rotate: geometry.rotate })}
        </p>
      )}
      <div className="pdf-frame" ref={frameRef}>
        <div className="pdf-page" style={box ?? undefined}>
          <canvas ref={canvasRef} data-testid="placer-canvas" />
          <div
            className={`placer-overlay${rotated ? ' disabled' : ''}`}
            data-testid="field-canvas"
            data-page={pageNo}
            onPointerDown={down}
            onPointerMove={moveTo}
            onPointerUp={up}
            onPointerCancel={() => setDrag(null)}
          >
            {!rotated &&
              scale &&
              here.map((f) => {
                const r = pdfToCanvasRect(f.rect, geometry, scale);
                const colour = recipientColour(Math.max(0, recipientIndex(f.recipient)));
                const shift = moving?.key === f.key ? moving : null;
                const left = clamp(r.left + (shift?.dx ?? 0), 0, (box?.width ?? 0) - r.width);
                const top = clamp(r.top + (shift?.dy ?? 0), 0, (box?.height ?? 0) - r.height);
                return (
                  <button
                    key={f.key}
                    type="button"
                    className="field-box"
                    data-testid="field-box"
                    data-field-key={f.key}
                    aria-pressed={f.key === selected}
                    aria-label={t('console.placer.fieldBox', { label: f.label })}
                    style={{ left, top, width: r.width, height: r.height, borderColor: colour, color: colour }}
                    onPointerDown={(e) => {
                      e.stopPropagation();
                      if (e.button !== 0) return;
                      e.currentTarget.setPointerCapture(e.pointerId);
                      setMoving({ key: f.key, x: e.clientX, y: e.clientY, dx: 0, dy: 0 });
                    }}
                    onPointerMove={(e) => shift && setMoving({ ...shift, dx: e.clientX - shift.x, dy: e.clientY - shift.y })}
                    onPointerUp={() => {
                      setMoving(null);
                      onSelect(f.key);
                      // A press without a real move only selects.
                      if (shift && Math.abs(shift.dx) + Math.abs(shift.dy) > 3 && scale) onMove(f.key, canvasToPdfRect({ left, top, width: r.width, height: r.height }, geometry, scale));
                    }}
                    onPointerCancel={() => setMoving(null)}
                    onClick={() => onSelect(f.key)}
                    onKeyDown={(e) => {
                      const step = NUDGE[e.key];
                      if (!step) return;
                      e.preventDefault();
                      const by = e.shiftKey ? 10 : 1;
                      onMove(f.key, fitRectToPage({ ...f.rect, x: f.rect.x + step[0] * by, y: f.rect.y + step[1] * by }, geometry));
                    }}
                  >
                    {f.label}
                  </button>
                );
              })}
            {drag && <div className="drag-preview" data-testid="drag-preview" style={drag.rect} />}
          </div>
        </div>
      </div>
    </div>
  );
}
