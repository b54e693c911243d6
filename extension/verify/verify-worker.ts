/**
 * The validation core off the page's main thread (pdf.js does the same with its parser): the page stays
 * responsive on a 100 MB file and shows progress — reading (bytes read of the file) and verifying
 * (bytes hashed so far; WebCrypto hashes each signed range in one call). Nothing here touches the
 * network: the file comes in as a Blob, the report goes back as plain data.
 */
import { openPdf } from '../../shared/pdf';
import { verifyPdf, type DigestFn } from '../../shared/verify';
import { inPlaceDigest } from './digest';
import type { VerifyRequest, WorkerReply } from './protocol';
import { readFileBytes } from './read-file';

const scope = self as unknown as { onmessage: ((e: MessageEvent<VerifyRequest>) => void) | null; postMessage(m: WorkerReply): void };

async function verify({ id, file, anchors }: VerifyRequest): Promise<void> {
  const post = (m: WorkerReply) => scope.postMessage(m);
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(file, (done) => post({ id, type: 'progress', phase: 'read', done, total: file.size }));
  } catch (e) {
    post({ id, type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const readMs = performance.now() - t0;
  let hashed = 0;
  const digest: DigestFn = async (alg, parts) => {
    const out = await hashInPlace(alg, parts);
    hashed += parts.reduce((n, p) => n + p.length, 0);
    post({ id, type: 'progress', phase: 'verify', done: hashed, total: bytes.length });
    return out;
  };
  post({ id, type: 'progress', phase: 'verify', done: 0, total: bytes.length });
  const report = await verifyPdf(bytes, { trustAnchors: anchors, digest });
  let revisionEnds: number[] = [];
  try {
    revisionEnds = openPdf(bytes).revisions.map((r) => r.end);
  } catch {
    // the report already says why the file cannot be read; nothing to view
  }
  post({ id, type: 'done', report, revisionEnds, timings: { readMs, verifyMs: performance.now() - t0 - readMs } });
}

const hashInPlace = inPlaceDigest();

// One file at a time: memory stays near one file's size however many are dropped.
let queue = Promise.resolve();
scope.onmessage = (e) => {
  queue = queue.then(() => verify(e.data));
};
