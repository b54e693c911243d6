/**
 * The client-side look at a PDF the clerk adds: is it a PDF, can pdf.js open it (no password), how many
 * pages and each page's view box and rotation (for the field placer). The server checks again and has
 * the last word (upload-check.ts); this only saves a round trip for the obvious cases.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { extensionUrl } from '../../extension-url';
import { openPdf } from '../../sidepanel/pdf';
import type { MessageKey } from '../../i18n';
import type { PageGeometry } from './field-geometry';

/** pdf.js's worker, CMaps and fonts as the extension's build ships them (wxt.config.ts). */
export const PDF_ASSETS = extensionUrl('/pdfjs/');

export type PdfCheck = { ok: true; pages: PageGeometry[] } | { ok: false; problem: MessageKey };

export function looksLikePdf(head: Uint8Array): boolean {
  // ISO 32000-1 §7.5.2: the header may follow some leading bytes; readers look in the first 1024.
  const text = new TextDecoder('latin1').decode(head.subarray(0, 1024));
  return text.includes('%PDF-');
}

export async function pageGeometry(doc: PDFDocumentProxy): Promise<PageGeometry[]> {
  const pages: PageGeometry[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const p = await doc.getPage(i);
    const [x0, y0, x1, y1] = p.view as [number, number, number, number];
    pages.push({ viewBox: [x0, y0, x1, y1], rotate: p.rotate });
  }
  return pages;
}

export async function checkPdf(file: Blob): Promise<PdfCheck> {
  if (file.size === 0) return { ok: false, problem: 'console.document.empty' };
  const bytes = await file.arrayBuffer();
  if (!looksLikePdf(new Uint8Array(bytes))) return { ok: false, problem: 'console.document.notPdf' };
  const task = openPdf(bytes, PDF_ASSETS);
  try {
    const doc = await task.promise;
    return { ok: true, pages: await pageGeometry(doc) };
  } catch (e) {
    return { ok: false, problem: (e as Error)?.name === 'PasswordException' ? 'console.document.encrypted' : 'console.document.unreadable' };
  } finally {
    void task.destroy();
  }
}
