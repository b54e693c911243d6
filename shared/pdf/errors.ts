/** Typed reader errors: callers turn the code into a verdict or an upload refusal. */
export type PdfErrorCode =
  | 'not-pdf'
  | 'truncated'
  | 'broken-xref'
  | 'bad-object'
  | 'missing-object'
  | 'encrypted'
  | 'too-complex'
  | 'too-large'
  | 'unsupported-filter'
  | 'decode-error';

export class PdfError extends Error {
  constructor(
    readonly code: PdfErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'PdfError';
  }
}

export function isPdfError(e: unknown): e is PdfError {
  return e instanceof PdfError;
}

/** Work limits (hostile input): callers that otherwise tolerate read errors must let these through. */
export function isLimitError(e: unknown): boolean {
  return e instanceof PdfError && (e.code === 'too-complex' || e.code === 'too-large');
}

/** Rethrow work-limit errors; swallow the rest (the caller's "unreadable" path). */
export function rethrowLimit(e: unknown): void {
  if (isLimitError(e)) throw e;
}
