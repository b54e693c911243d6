/** A failure the caller should see: a stable code, an HTTP status, parameters for the message. */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly params: Record<string, string | number | undefined> = {},
    readonly extra: { attemptsLeft?: number; missingFields?: string[]; state?: string } = {},
  ) {
    super(code);
    this.name = 'ApiFailure';
  }
}

export const fail = (code: string, status: number, params?: ApiFailure['params'], extra?: ApiFailure['extra']) =>
  new ApiFailure(code, status, params, extra);
