/**
 * The console's connection to one envelope server: who is signed in and a small client for the sender
 * and help-desk routes. The session token lives in this page's memory only (never storage.local), so
 * closing the console signs out; the server's origin must be on the extension's trust list.
 */
import { ApiError } from '../../shared/api/recipient';

export type ConsoleRole = 'admin' | 'sender' | 'helpdesk';

export interface ConsoleUser {
  id: string;
  name: string;
  email: string;
  role: ConsoleRole;
}

export interface ConsoleSession {
  /** e.g. `https://esign.example.lg.jp` */
  origin: string;
  token: string;
  user: ConsoleUser;
}

/** A failed call: the server's error code and message (already in the caller's language), or `unreachable`. */
export class ConsoleApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsoleApi {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete<T = unknown>(path: string): Promise<T>;
  /** The raw response of a GET (PDF downloads). Throws ConsoleApiError when not ok. */
  bytes(path: string): Promise<ArrayBuffer>;
  /** multipart POST with upload progress (fetch has none): `onProgress(sent, total)`. */
  upload<T = unknown>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void): Promise<T>;
}

async function errorOf(response: Response): Promise<ConsoleApiError> {
  const parsed = ApiError.safeParse(await response.json().catch(() => null));
  if (parsed.success) return new ConsoleApiError(parsed.data.error.code, response.status, parsed.data.error.message);
  return new ConsoleApiError(response.status >= 500 ? 'unreachable' : 'bad-response', response.status, response.statusText || String(response.status));
}

export function consoleApi(origin: string, token: string | null, language: () => string, doFetch: typeof fetch = (i, init) => fetch(i, init)): ConsoleApi {
  const headers = (extra: Record<string, string> = {}) => ({
    Accept: 'application/json',
    'Accept-Language': language(),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  async function call(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(origin + path, { ...init, credentials: 'omit', redirect: 'error' });
    } catch (e) {
      throw new ConsoleApiError('unreachable', 0, String((e as Error).message ?? e));
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
  const json = async <T>(r: Response) => (await r.json()) as T;
  return {
    get: async (path) => json(await call(path, { headers: headers() })),
    post: async (path, body) =>
      json(await call(path, { method: 'POST', headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) })),
    delete: async (path) => json(await call(path, { method: 'DELETE', headers: headers() })),
    bytes: async (path) => (await call(path, { headers: headers({ Accept: 'application/pdf, application/json;q=0.5' }) })).arrayBuffer(),
    upload: (path, form, onProgress) =>
      new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', origin + path);
        for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
        xhr.onerror = () => reject(new ConsoleApiError('unreachable', 0, 'network error'));
        xhr.onload = () => {
          const response = new Response(xhr.responseText, { status: xhr.status, headers: { 'Content-Type': xhr.getResponseHeader('content-type') ?? '' } });
          if (response.ok) void response.json().then(resolve, reject);
          else void errorOf(response).then(reject);
        };
        xhr.send(form);
      }),
  };
}

export interface Credentials {
  email: string;
  password: string;
  /** Six digits from the authenticator app, when the account has TOTP (the server answers `totp-required`). */
  totp?: string;
}

/** `POST /api/auth/login` → a session on `origin`. Errors as ConsoleApiError (`bad-credentials`, `totp-required`…). */
export async function signIn(origin: string, credentials: Credentials, language: () => string, doFetch?: typeof fetch): Promise<ConsoleSession> {
  const body = { email: credentials.email.trim(), password: credentials.password, ...(credentials.totp ? { totp: credentials.totp.trim() } : {}) };
  const { token, user } = await consoleApi(origin, null, language, doFetch).post<{ token: string; user: ConsoleUser }>('/api/auth/login', body);
  return { origin, token, user };
}

/** The client for a session; a call answered 401 (the session ended on the server) calls `onExpired`. */
export function sessionApi(session: ConsoleSession, language: () => string, onExpired: () => void, doFetch?: typeof fetch): ConsoleApi {
  const api = consoleApi(session.origin, session.token, language, doFetch);
  const watch = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (e instanceof ConsoleApiError && e.status === 401) onExpired();
      throw e;
    });
  return {
    get: <T,>(path: string) => watch(api.get<T>(path)),
    post: <T,>(path: string, body?: unknown) => watch(api.post<T>(path, body)),
    delete: <T,>(path: string) => watch(api.delete<T>(path)),
    bytes: (path) => watch(api.bytes(path)),
    upload: <T,>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void) => watch(api.upload<T>(path, form, onProgress)),
  };
}

/**
 * Closing or reloading the page ends the session on the server too (the token is gone from memory
 * anyway): a keepalive request outlives the page. Returns the remover.
 */
export function signOutOnClose(session: ConsoleSession, target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window, doFetch: typeof fetch = (i, init) => fetch(i, init)): () => void {
  const onHide = () =>
    void doFetch(`${session.origin}/api/auth/logout`, { method: 'POST', keepalive: true, credentials: 'omit', headers: { Authorization: `Bearer ${session.token}` } }).catch(() => undefined);
  target.addEventListener('pagehide', onHide);
  return () => target.removeEventListener('pagehide', onHide);
}
