/** Where the panel stands, and how API errors map onto its screens. */
import type { CompleteResponse, DocumentsResponse, LinkState, PublicInfo } from '../../shared/api/recipient';
import type { Detail } from '../support/recorder';
import { RecipientApiError } from './api';

export type CodeProblem =
  | { kind: 'wrong-code'; attemptsLeft?: number }
  | { kind: 'rate-limited' }
  | { kind: 'session-expired' }
  | { kind: 'error'; message: string };

export type Screen =
  | { name: 'loading' }
  | { name: 'no-link' }
  | { name: 'untrusted'; link: string }
  | { name: 'unreachable' }
  | { name: 'access-code'; info: PublicInfo; problem?: CodeProblem }
  | { name: 'state'; state: Exclude<LinkState, 'ready'>; info?: PublicInfo }
  | { name: 'documents'; info: PublicInfo; session: string; documents: DocumentsResponse }
  | { name: 'done'; info: PublicInfo; result: CompleteResponse; session: string; documents: DocumentsResponse }
  | { name: 'rejected'; info: PublicInfo };

export type DocumentsScreen = Extract<Screen, { name: 'documents' }>;

/** The screen an error leads to, or null when the current screen should show it inline. */
export function screenForError(e: unknown, info?: PublicInfo): Screen | null {
  if (!(e instanceof RecipientApiError)) return info ? { name: 'access-code', info, problem: { kind: 'error', message: String(e) } } : { name: 'unreachable' };
  switch (e.code) {
    case 'unreachable':
      return { name: 'unreachable' };
    case 'locked':
      return { name: 'state', state: 'locked', info };
    case 'expired':
      return { name: 'state', state: 'expired', info };
    case 'already-completed':
      return { name: 'state', state: 'completed', info };
    case 'already-rejected':
    case 'envelope-rejected':
      return { name: 'state', state: 'rejected', info };
    case 'envelope-cancelled':
      return { name: 'state', state: 'cancelled', info };
    case 'not-your-turn':
      return { name: 'state', state: 'not-yet', info };
    case 'invalid-link':
      return { name: 'state', state: 'invalid', info };
    case 'wrong-access-code':
      if (e.attemptsLeft === 0) return { name: 'state', state: 'locked', info };
      return info ? { name: 'access-code', info, problem: { kind: 'wrong-code', attemptsLeft: e.attemptsLeft } } : null;
    case 'rate-limited':
      return info ? { name: 'access-code', info, problem: { kind: 'rate-limited' } } : null;
    case 'session-required':
      return info ? { name: 'access-code', info, problem: { kind: 'session-expired' } } : null;
    default:
      return null;
  }
}

export function screenForInfo(info: PublicInfo): Screen {
  return info.state === 'ready' ? { name: 'access-code', info } : { name: 'state', state: info.state, info };
}

/**
 * What a `panel.screen` event records about a screen: enough for the console to replay it from the
 * recorded API answers, nothing the recipient typed and no link.
 */
export function screenEvent(screen: Screen): Detail {
  const detail: Detail = { name: screen.name };
  if (screen.name === 'state') detail.state = screen.state;
  if (screen.name === 'access-code' && screen.problem) {
    detail.problem = screen.problem.kind;
    if (screen.problem.kind === 'wrong-code' && screen.problem.attemptsLeft !== undefined) detail.attemptsLeft = screen.problem.attemptsLeft;
  }
  if (screen.name === 'documents') detail.documents = screen.documents.documents.length;
  if (screen.name === 'done') detail.concluded = screen.result.concluded;
  return detail;
}
