/** Messages between the verify page and its worker (verify-worker.ts). */
import type { VerificationReport } from '../../shared/verify';

export interface VerifyRequest {
  id: number;
  /** A File from the drop zone or picker, or a Blob built from handed-over bytes. */
  file: Blob;
  /** Trust anchors, DER. */
  anchors: Uint8Array[];
}

export type VerifyProgress = { id: number; type: 'progress'; phase: 'read' | 'verify'; done: number; total: number };
export type VerifyDone = {
  id: number;
  type: 'done';
  report: VerificationReport;
  revisionEnds: number[];
  /** Reading the file into memory, and the validation core on the bytes in memory. */
  timings: { readMs: number; verifyMs: number };
};
export type VerifyFailed = { id: number; type: 'failed'; message: string };
export type WorkerReply = VerifyProgress | VerifyDone | VerifyFailed;
