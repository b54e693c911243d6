/**
 * Replays a support bundle: the screens the user's side panel showed, in order and with their times,
 * rebuilt from the `panel.screen` events and the redacted answers the recorder kept (public info,
 * documents, error codes with attempts left). A bundle without screen events (an older extension, or
 * the events were trimmed away) is replayed from the API calls alone.
 *
 * The replay's RecipientApi answers every call from the recording and never touches the network; its
 * PDFs are placeholders with the recorded page count whose pages say the content is redacted.
 */
import {
  CompleteResponse,
  DocumentsResponse,
  PublicInfo,
  type CompleteResponse as CompleteResult,
  type DocumentsResponse as Documents,
  type LinkState,
  type PublicInfo as Info,
} from '../../shared/api/recipient';
import type { SupportApiCall, SupportBundle, SupportEvent } from '../../shared/api/support';
import { RecipientApiError, type RecipientApi } from '../sidepanel/api';
import { screenForError, screenForInfo, type CodeProblem, type Screen } from '../sidepanel/flow';
import { REDACTED } from './recorder';

/** What the replay shows where the recording holds nothing (a redacted or dropped value). */
export const PLACEHOLDER = REDACTED;
/** The session the replayed panel holds: the real one never leaves the user's browser. */
export const REPLAY_SESSION = '{session}';

export interface ReplayStep {
  at: string;
  screen: Screen;
  /** Index in `bundle.events` of the `panel.screen` event, or null when rebuilt from a call. */
  event: number | null;
  /** Index in `bundle.apiCalls` of the call that led to this screen, when one did. */
  call: number | null;
}

/** One line of the list beside the replayed panel: an event or an API call, in time order. */
export type ReplayLine =
  | { kind: 'event'; index: number; at: string; type: string; ms?: number; detail?: SupportEvent['detail'] }
  | { kind: 'call'; index: number; at: string; method: string; route: string; status: number; errorCode?: string; ms: number };

export interface Replay {
  steps: ReplayStep[];
  lines: ReplayLine[];
  api: RecipientApi;
}

type CallKind = 'info' | 'session' | 'documents' | 'pdf' | 'complete' | 'reject' | 'other';

/** Which recipient route a recorded call was (routes are recorded with `{token}` for the token). */
export function callKind(call: Pick<SupportApiCall, 'method' | 'route'>): CallKind {
  const m = /^\/api\/sign\/[^/]+(\/.*)?$/.exec(call.route);
  if (!m) return 'other';
  const rest = m[1] ?? '';
  if (rest === '' && call.method === 'GET') return 'info';
  if (rest === '/session' && call.method === 'POST') return 'session';
  if (rest === '/documents' && call.method === 'GET') return 'documents';
  if (/^\/documents\/[^/]+\/pdf$/.test(rest)) return 'pdf';
  if (rest === '/complete' && call.method === 'POST') return 'complete';
  if (rest === '/reject' && call.method === 'POST') return 'reject';
  return 'other';
}

const ok = (c: SupportApiCall) => c.status >= 200 && c.status < 300;

function placeholderInfo(state: LinkState = 'ready'): Info {
  return { state, senderOrganization: PLACEHOLDER, senderName: PLACEHOLDER, title: PLACEHOLDER, expiresAt: null, recipientName: PLACEHOLDER, language: 'ja', documentCount: 0 };
}

/** The recorded public info, with placeholders for whatever the recording lacks. */
function infoFrom(call: SupportApiCall): Info | null {
  if (!ok(call) || !call.response || typeof call.response !== 'object' || Array.isArray(call.response)) return null;
  const parsed = PublicInfo.safeParse({ ...placeholderInfo(), ...call.response });
  return parsed.success ? parsed.data : null;
}

function documentsFrom(call: SupportApiCall, info: Info | null): Documents {
  const parsed = DocumentsResponse.safeParse(call.response);
  if (parsed.success) return parsed.data;
  // The answer was too large to keep: as many placeholder documents as the public info announced.
  const count = Math.max(1, info?.documentCount ?? 1);
  return {
    envelopeId: PLACEHOLDER,
    recipientId: PLACEHOLDER,
    title: info?.title ?? PLACEHOLDER,
    message: PLACEHOLDER,
    documents: Array.from({ length: count }, (_, i) => ({ id: `document-${i + 1}`, name: `${PLACEHOLDER} ${i + 1}`, pageCount: 1, byteLength: 0, sha256: '', fields: [] })),
  };
}

interface RecordedError {
  code?: string;
  attemptsLeft?: number;
  missingFields?: string[];
  state?: string;
}

/** The error a failed call carried, as the live panel's API client would have thrown it. */
export function errorOf(call: SupportApiCall): RecipientApiError {
  if (call.status === 0) return new RecipientApiError('unreachable', 0, call.errorCode ?? 'network-error');
  const body = call.response && typeof call.response === 'object' && !Array.isArray(call.response) ? (call.response as { error?: RecordedError }).error : undefined;
  const code = call.errorCode ?? body?.code ?? (call.status >= 500 ? 'unreachable' : 'bad-response');
  return new RecipientApiError(
    code,
    call.status,
    PLACEHOLDER,
    typeof body?.attemptsLeft === 'number' ? body.attemptsLeft : undefined,
    Array.isArray(body?.missingFields) ? body.missingFields.filter((f): f is string => typeof f === 'string') : undefined,
    typeof body?.state === 'string' ? body.state : undefined,
  );
}

/** What the recording tells up to a moment: the latest public info and documents. */
interface Known {
  info: Info | null;
  documents: Documents | null;
  completed: CompleteResult | null;
}

function learn(known: Known, call: SupportApiCall) {
  const kind = callKind(call);
  if (kind === 'info') known.info = infoFrom(call) ?? known.info;
  if (kind === 'documents' && ok(call)) known.documents = documentsFrom(call, known.info);
  if (kind === 'complete' && ok(call)) {
    const parsed = CompleteResponse.safeParse(call.response);
    known.completed = parsed.success ? parsed.data : { status: 'completed', next: null, concluded: true };
  }
}

/** The screen one failed or successful call leads to, as the live panel decides it (sidepanel/flow.ts). */
function screenAfterCall(call: SupportApiCall, known: Known): Screen | null {
  const kind = callKind(call);
  const info = known.info ?? undefined;
  if (!ok(call)) {
    if (kind === 'other' || kind === 'pdf') return null;
    return screenForError(errorOf(call), info);
  }
  switch (kind) {
    case 'info':
      return known.info ? screenForInfo(known.info) : null;
    case 'documents':
      return { name: 'documents', info: info ?? placeholderInfo(), session: REPLAY_SESSION, documents: known.documents! };
    case 'complete':
      return { name: 'done', info: info ?? placeholderInfo(), result: known.completed!, session: REPLAY_SESSION, documents: known.documents ?? documentsFrom(call, known.info) };
    case 'reject':
      return { name: 'rejected', info: info ?? placeholderInfo() };
    default:
      return null;
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The screen a `panel.screen` event names, filled from what the recording knew at that moment. */
function screenOfEvent(event: SupportEvent, known: Known, lastCall: SupportApiCall | null): Screen | null {
  const d = event.detail ?? {};
  const name = str(d.name);
  const info = known.info ?? placeholderInfo();
  const fromCall = lastCall && !ok(lastCall) ? screenForError(errorOf(lastCall), known.info ?? undefined) : null;
  switch (name) {
    case 'loading':
    case 'no-link':
    case 'unreachable':
      return { name };
    case 'untrusted':
      return { name, link: PLACEHOLDER };
    case 'access-code': {
      const kind = str(d.problem);
      let problem: CodeProblem | undefined;
      if (kind === 'wrong-code') {
        const attempts = typeof d.attemptsLeft === 'number' ? d.attemptsLeft : fromCall?.name === 'access-code' && fromCall.problem?.kind === 'wrong-code' ? fromCall.problem.attemptsLeft : undefined;
        problem = { kind: 'wrong-code', ...(attempts !== undefined ? { attemptsLeft: attempts } : {}) };
      } else if (kind === 'rate-limited' || kind === 'session-expired') problem = { kind };
      else if (kind === 'error') problem = { kind: 'error', message: PLACEHOLDER };
      else if (!kind && fromCall?.name === 'access-code') problem = fromCall.problem;
      return { name, info, ...(problem ? { problem } : {}) };
    }
    case 'state': {
      const state = str(d.state) ?? (fromCall?.name === 'state' ? fromCall.state : undefined) ?? known.info?.state;
      if (!state || state === 'ready') return null;
      return { name, state: state as Exclude<LinkState, 'ready'>, info: known.info ?? undefined };
    }
    case 'documents':
      return { name, info, session: REPLAY_SESSION, documents: known.documents ?? documentsFrom({ at: event.at, method: 'GET', route: '/', status: 200, ms: 0 }, known.info) };
    case 'done':
      return { name, info, session: REPLAY_SESSION, result: known.completed ?? { status: 'completed', next: null, concluded: false }, documents: known.documents ?? documentsFrom({ at: event.at, method: 'GET', route: '/', status: 200, ms: 0 }, known.info) };
    case 'rejected':
      return { name, info };
    default:
      return null;
  }
}

export function replayLines(bundle: Pick<SupportBundle, 'events' | 'apiCalls'>): ReplayLine[] {
  const lines: ReplayLine[] = [
    ...bundle.events.map((e, index): ReplayLine => ({ kind: 'event', index, at: e.at, type: e.type, ms: e.ms, detail: e.detail })),
    ...bundle.apiCalls.map((c, index): ReplayLine => ({ kind: 'call', index, at: c.at, method: c.method, route: c.route, status: c.status, errorCode: c.errorCode, ms: c.ms })),
  ];
  // A call counts when its answer came (start + duration): that is what the next screen depends on. On
  // a tie the call goes first, since the screen it led to was recorded after the answer.
  const when = (l: ReplayLine) => Date.parse(l.at) + (l.kind === 'call' ? l.ms : 0);
  return lines.sort((a, b) => when(a) - when(b) || (a.kind === b.kind ? a.index - b.index : a.kind === 'call' ? -1 : 1));
}

/** The screens in the order the user saw them. */
export function replaySteps(bundle: Pick<SupportBundle, 'events' | 'apiCalls'>): ReplayStep[] {
  const lines = replayLines(bundle);
  const useEvents = bundle.events.some((e) => e.type === 'panel.screen');
  const known: Known = { info: null, documents: null, completed: null };
  const steps: ReplayStep[] = [];
  let lastCall: { call: SupportApiCall; index: number } | null = null;
  for (const line of lines) {
    if (line.kind === 'call') {
      const call = bundle.apiCalls[line.index];
      learn(known, call);
      if (callKind(call) !== 'pdf' && callKind(call) !== 'other') lastCall = { call, index: line.index };
      if (!useEvents) {
        const screen = screenAfterCall(call, known);
        if (screen) steps.push({ at: call.at, screen, event: null, call: line.index });
      }
    } else if (useEvents && line.type === 'panel.screen') {
      const screen = screenOfEvent(bundle.events[line.index], known, lastCall?.call ?? null);
      if (screen) steps.push({ at: line.at, screen, event: line.index, call: lastCall?.index ?? null });
    }
  }
  return steps;
}

/**
 * A RecipientApi that answers from the recording: each method replays, in order, the calls of its
 * route (the last one again once they run out); nothing goes to the network.
 */
export function replayApi(bundle: Pick<SupportBundle, 'apiCalls'>): RecipientApi {
  const byKind = new Map<CallKind, SupportApiCall[]>();
  for (const c of bundle.apiCalls) byKind.set(callKind(c), [...(byKind.get(callKind(c)) ?? []), c]);
  const cursor = new Map<CallKind, number>();
  const next = (kind: CallKind): SupportApiCall | null => {
    const list = byKind.get(kind) ?? [];
    if (list.length === 0) return null;
    const i = cursor.get(kind) ?? 0;
    cursor.set(kind, i + 1);
    return list[Math.min(i, list.length - 1)];
  };
  const known: Known = { info: null, documents: null, completed: null };
  for (const c of bundle.apiCalls) learn(known, c);
  const notRecorded = () => new RecipientApiError('not-recorded', 0, PLACEHOLDER);
  const answer = <T>(kind: CallKind, value: (c: SupportApiCall) => T): Promise<T> => {
    const call = next(kind);
    if (!call) return Promise.reject(notRecorded());
    return ok(call) ? Promise.resolve(value(call)) : Promise.reject(errorOf(call));
  };
  return {
    publicInfo: () => answer('info', (c) => infoFrom(c) ?? placeholderInfo()),
    openSession: () => answer('session', () => REPLAY_SESSION),
    documents: () => answer('documents', (c) => documentsFrom(c, known.info)),
    async pdf(_session, documentId) {
      const doc = known.documents?.documents.find((d) => d.id === documentId);
      return redactedPdf(doc?.pageCount ?? 1);
    },
    complete: () => answer('complete', (c) => CompleteResponse.safeParse(c.response).data ?? { status: 'completed' as const, next: null, concluded: false }),
    reject: () => answer('reject', () => undefined),
  };
}

export function replayBundle(bundle: Pick<SupportBundle, 'events' | 'apiCalls'>): Replay {
  return { steps: replaySteps(bundle), lines: replayLines(bundle), api: replayApi(bundle) };
}

/** UTF-16BE hex of a text, for a Type0 font with the UniJIS-UCS2-H CMap. */
function ucs2Hex(text: string): string {
  return [...text].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
}

/**
 * A PDF of `pages` A4 pages, each saying 「内容は伏せられています / Content redacted」, written by hand
 * (a few hundred bytes per page). The Japanese line uses a non-embedded Adobe-Japan1 font (ISO 32000-1
 * §9.7.5.2, predefined CMap UniJIS-UCS2-H), which pdf.js draws with its CMaps and a system font.
 */
export function redactedPdf(pages: number): ArrayBuffer {
  const count = Math.max(1, Math.min(Math.floor(pages) || 1, 5000));
  const objects: string[] = [];
  // 1 catalog, 2 pages, 3 Japanese font, 4 its descendant, 5 Helvetica, 6 content, then one page each.
  const kids = Array.from({ length: count }, (_, i) => `${7 + i} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${count} >>`);
  objects.push('<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5 /Encoding /UniJIS-UCS2-H /DescendantFonts [4 0 R] >>');
  objects.push('<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> /DW 1000 >>');
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const content = `0.6 g 40 380 515 90 re f 1 g BT /F1 24 Tf 60 430 Td <${ucs2Hex('内容は伏せられています')}> Tj ET BT /F2 20 Tf 60 395 Td (Content redacted) Tj ET`;
  objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  for (let i = 0; i < count; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 5 0 R >> >> /Contents 6 0 R >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  // Every character above is ASCII, so string offsets are byte offsets.
  return new TextEncoder().encode(out).buffer as ArrayBuffer;
}
