/**
 * pdf.js inside the extension: the worker, CMaps and standard fonts come from the build (wxt.config.ts
 * copies them to `pdfjs/`), never from the network. WebAssembly stays off under the MV3 CSP
 * and pdf.js uses its JavaScript decoders.
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import { extensionUrl } from '../extension-url';

let configured = false;

/**
 * Starts pdf.js's worker (a 1.3 MB module to load and compile) ahead of the first document: the panel
 * calls it while the recipient types the access code. One worker serves every document.
 */
export function warmPdfWorker(): void {
  if (configured) return;
  GlobalWorkerOptions.workerPort = new Worker(extensionUrl('/pdfjs/pdf.worker.min.mjs'), { type: 'module' });
  configured = true;
}

/** Open a PDF; `destroy()` the task when done with the document. */
export function openPdf(bytes: ArrayBuffer): PDFDocumentLoadingTask {
  warmPdfWorker();
  return getDocument({
    // pdf.js transfers the buffer to its worker: hand it a copy so the caller keeps the bytes.
    data: new Uint8Array(bytes.slice(0)),
    cMapUrl: extensionUrl('/pdfjs/cmaps/'),
    cMapPacked: true,
    standardFontDataUrl: extensionUrl('/pdfjs/standard_fonts/'),
    useWasm: false,
    enableXfa: false,
  });
}
