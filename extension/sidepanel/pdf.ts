/**
 * pdf.js in the panel: the worker, CMaps and standard fonts come from the host's `pdfAssets` folder
 * (the extension's build copies them to `pdfjs/`, see wxt.config.ts; the server serves them for the
 * web page), never from a third party. WebAssembly stays off: neither the MV3 CSP nor the web page's CSP
 * allows it, and pdf.js uses its JavaScript decoders.
 */
import { getDocument, PDFWorker, type PDFDocumentLoadingTask } from 'pdfjs-dist';

let worker: PDFWorker | null = null;

/**
 * Starts pdf.js's worker (a 1.3 MB module to load and compile) ahead of the first document: the panel
 * calls it while the recipient types the access code. One worker serves every document, and it is ours,
 * handed to each `getDocument`: a loading task that made its own worker from `GlobalWorkerOptions.workerPort`
 * would own the shared one, so destroying it (a tab switch while a document loads) marked the worker as
 * being destroyed and the next document failed to open ("the worker is being destroyed").
 */
export function warmPdfWorker(assets: string): void {
  if (worker) return;
  worker = PDFWorker.create({ port: new Worker(new URL('pdf.worker.min.mjs', assets), { type: 'module' }) });
}

/** Open a PDF; `destroy()` the task when done with the document. */
export function openPdf(bytes: ArrayBuffer, assets: string): PDFDocumentLoadingTask {
  warmPdfWorker(assets);
  return getDocument({
    worker: worker ?? undefined,
    // pdf.js transfers the buffer to its worker: hand it a copy so the caller keeps the bytes.
    data: new Uint8Array(bytes.slice(0)),
    cMapUrl: new URL('cmaps/', assets).href,
    cMapPacked: true,
    standardFontDataUrl: new URL('standard_fonts/', assets).href,
    useWasm: false,
    enableXfa: false,
  });
}
