/**
 * The recipient routes of shared/api/recipient.ts, for one signing link. The session token lives in
 * the caller's memory only; nothing here persists anything.
 */
import {
  ApiError,
  CompleteResponse,
  DocumentsResponse,
  PublicInfo,
  RejectResponse,
  SessionResponse,
  SIGNING_PATH,
  type CompleteResponse as CompleteResult,
  type DocumentsResponse as Documents,
  type PublicInfo as Info,
} from '../../shared/api/recipient';
import './no-eval';
import type { z } from 'zod';

/** A failed call: an API error code, or `unreachable` / `bad-response` when there is no usable answer. */
export class RecipientApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly attemptsLeft?: number,
    readonly missingFields?: string[],
    readonly state?: string,
  ) {
    super(message);
  }
}

export interface SigningLink {
  origin: string;
  token: string;
}

export function parseSigningLink(link: string): SigningLink | null {
  try {
    const url = new URL(link);
    const m = SIGNING_PATH.exec(url.pathname);
    if (!m || url.username || url.password || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
    return { origin: url.origin, token: m[1] };
  } catch {
    return null;
  }
}

export interface RecipientApi {
  publicInfo(): Promise<Info>;
  openSession(accessCode: string): Promise<string>;
  documents(session: string): Promise<Documents>;
  /** `download` asks for the attachment and lets the server record the download in the audit log. */
  pdf(session: string, documentId: string, download?: boolean): Promise<ArrayBuffer>;
  complete(session: string, fields: Record<string, string>): Promise<CompleteResult>;
  reject(session: string, reason: string): Promise<void>;
}

/** `language()` is read per call: error messages come back in the language the panel shows now. */
export function recipientApi(link: SigningLink, opts: { language: () => string; fetch?: typeof fetch }): RecipientApi {
  const base = `${link.origin}/api/sign/${link.token}`;
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call(path: string, init: RequestInit & { session?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/pdf;q=0.9', 'Accept-Language': opts.language() };
    if (init.body) headers['Content-Type'] = 'application/json';
    if (init.session) headers.Authorization = `Bearer ${init.session}`;
    let response: Response;
    try {
      response = await doFetch(base + path, { ...init, headers, credentials: 'omit', redirect: 'error' });
    } catch (e) {
      throw new RecipientApiError('unreachable', 0, String(e));
    }
    if (response.ok) return response;
    const body = ApiError.safeParse(await response.json().catch(() => null));
    if (!body.success) throw new RecipientApiError(response.status >= 500 ? 'unreachable' : 'bad-response', response.status, response.statusText);
    const e = body.data.error;
    throw new RecipientApiError(e.code, response.status, e.message, e.attemptsLeft, e.missingFields, e.state);
  }

  async function json<T>(schema: z.ZodType<T>, response: Response): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new RecipientApiError('bad-response', response.status, parsed.error.message);
    return parsed.data;
  }

  return {
    async publicInfo() {
      return json(PublicInfo, await call(''));
    },
    async openSession(accessCode) {
      const r = await call('/session', { method: 'POST', body: JSON.stringify({ accessCode }) });
      return (await json(SessionResponse, r)).session;
    },
    async documents(session) {
      return json(DocumentsResponse, await call('/documents', { session }));
    },
    async pdf(session, documentId, download = false) {
      const r = await call(`/documents/${encodeURIComponent(documentId)}/pdf${download ? '?download=1' : ''}`, { session });
      return r.arrayBuffer();
    },
    async complete(session, fields) {
      const r = await call('/complete', { method: 'POST', session, body: JSON.stringify({ fields }) });
      return json(CompleteResponse, r);
    },
    async reject(session, reason) {
      await json(RejectResponse, await call('/reject', { method: 'POST', session, body: JSON.stringify({ reason }) }));
    },
  };
}
