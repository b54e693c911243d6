/**
 * What the help desk needs to see what a user saw (issue 6): the last 200 events with timings and the
 * last 200 API calls with status, error code and a redacted copy of the JSON answer, so a bundle can be
 * replayed read-only in the console. Recording is in memory only; nothing is stored or sent until the
 * user presses 「問い合わせ用情報をコピー」.
 *
 * Redaction happens here, when a call is recorded, not later: link tokens become `{token}`, keys that
 * name a secret (session, access code, …) are dropped, and content the user typed or the sender wrote
 * (field values, the envelope message) becomes `{redacted}`. The server refuses a bundle that still
 * carries anything token-shaped (shared/api/support.ts), so a slip here fails loudly instead of leaking.
 */
import { redactTokens, SECRET_KEY, type SupportApiCall, type SupportEvent } from '../../shared/api/support';

export const MAX_ENTRIES = 200;
/** A recorded answer larger than this is replaced by `{ "_truncated": bytes }`. */
export const MAX_RESPONSE_CHARS = 4096;
export const REDACTED = '{redacted}';

export type Detail = Record<string, string | number | boolean | null>;
export type RecordedEvent = SupportEvent;
export type RecordedCall = SupportApiCall;

/** Keys whose values are content (typed by the recipient or written by the sender), not diagnostics. */
const CONTENT_KEY = /^(message|value|values|fields?Values|reason|comment)$/i;

/** A JSON value with secrets dropped, tokens replaced and content blanked. */
export function redactJson(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return CONTENT_KEY.test(key) && value !== '' ? REDACTED : redactTokens(value).slice(0, 500);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return CONTENT_KEY.test(key) && value !== null ? REDACTED : value;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => redactJson(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) || k.length > 60) continue;
      out[k] = redactJson(v, k);
    }
    return out;
  }
  return null;
}

function boundedDetail(detail: Detail | undefined): Detail | undefined {
  if (!detail) return undefined;
  const out: Detail = {};
  for (const [k, v] of Object.entries(detail).slice(0, 30)) {
    if (SECRET_KEY.test(k) || k.length > 60) continue;
    out[k] = typeof v === 'string' ? (CONTENT_KEY.test(k) && v ? REDACTED : redactTokens(v).slice(0, 500)) : v;
  }
  return out;
}

export interface SupportContext {
  envelopeId?: string;
  recipientId?: string;
  /** SHA-256 hex of the link token (never the token). */
  linkHash?: string;
  adapter?: 'gmail' | 'outlook' | 'none';
  detection?: { result: 'sign' | 'warning' | 'none'; reasons: string[] } | null;
}

export class SupportRecorder {
  readonly events: RecordedEvent[] = [];
  readonly calls: RecordedCall[] = [];
  context: SupportContext = {};
  private listeners = new Set<() => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  event(type: string, detail?: Detail, ms?: number): void {
    push(this.events, { at: new Date(this.now()).toISOString(), type: type.slice(0, 80), ...(ms !== undefined ? { ms: Math.max(0, Math.round(ms)) } : {}), ...(detail ? { detail: boundedDetail(detail) } : {}) });
    this.changed();
  }

  apiCall(call: Omit<RecordedCall, 'route'> & { route: string }): void {
    push(this.calls, { ...call, route: redactTokens(call.route).slice(0, 300) });
    this.changed();
  }

  setContext(patch: SupportContext): void {
    this.context = { ...this.context, ...patch };
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    for (const l of this.listeners) l();
  }
}

function push<T>(list: T[], item: T) {
  list.push(item);
  if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
}

function methodOf(init?: RequestInit): 'GET' | 'POST' | 'DELETE' {
  const m = (init?.method ?? 'GET').toUpperCase();
  return m === 'POST' || m === 'DELETE' ? m : 'GET';
}

/**
 * A `fetch` that records every call into `recorder`: the path with tokens redacted, status, error code,
 * time, and a redacted copy of a JSON answer (`{ "_pdf": bytes }` for a PDF). The caller still gets the
 * untouched response.
 */
export function recordingFetch(recorder: SupportRecorder, base: typeof fetch = (i, init) => fetch(i, init)): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let route = '/';
    try {
      route = new URL(url).pathname;
    } catch {
      /* relative or odd: keep '/' */
    }
    const started = performance.now();
    const at = new Date(Date.now()).toISOString();
    const method = methodOf(init);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (e) {
      recorder.apiCall({ at, method, route, status: 0, errorCode: 'network-error', ms: performance.now() - started });
      throw e;
    }
    const ms = performance.now() - started;
    const type = response.headers.get('content-type') ?? '';
    let recorded: RecordedCall["response"];
    let errorCode: string | undefined;
    if (type.includes('application/json')) {
      const body: unknown = await response.clone().json().catch(() => undefined);
      const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
      if (typeof code === 'string') errorCode = code.slice(0, 80);
      if (body !== undefined) {
        const redacted = redactJson(body) as RecordedCall["response"];
        const text = JSON.stringify(redacted);
        recorded = text.length > MAX_RESPONSE_CHARS ? { _truncated: text.length } : redacted;
      }
    } else if (type.includes('application/pdf')) {
      recorded = { _pdf: Number(response.headers.get('content-length') ?? 0) || null };
    }
    recorder.apiCall({ at, method, route, status: response.status, ...(errorCode ? { errorCode } : {}), ms: Math.round(ms), ...(recorded !== undefined ? { response: recorded } : {}) });
    return response;
  };
}
