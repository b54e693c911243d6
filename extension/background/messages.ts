/**
 * Messages from content scripts are untrusted (DESIGN.md §4): a compromised or spoofed page can send
 * anything. Every message is checked for who sent it (this extension, a top-level webmail frame in a
 * tab), its exact shape, and a link that is a signing link on a trusted server.
 */
import { judgeLink, SIGNING_PATH } from '../links/trust';

/** Origins our content scripts run on (the `matches` of gmail.content and outlook.content). */
export const WEBMAIL_ORIGINS = [
  'https://mail.google.com',
  'https://outlook.live.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.cloud.microsoft',
] as const;

export const MAX_LINK_LENGTH = 2048;

export type ContentMessage =
  | { type: 'esign:open-panel'; link: string; reasons?: string[] }
  | { type: 'esign:public-info'; link: string };

export interface ValidSender {
  tabId: number;
  origin: string;
}

export interface MessageSender {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number };
}

export type Validation =
  | { ok: true; message: ContentMessage; sender: ValidSender; link: string; origin: string }
  | { ok: false; reason: string };

const TYPES = new Set<string>(['esign:open-panel', 'esign:public-info']);

/** Detection reasons a banner may pass along (webmail/detect.ts): short codes, never a URL. */
export const DETECTION_REASON = /^[a-z]{1,20}:[a-z0-9/]{1,20}$/;
const MAX_REASONS = 10;

function validReasons(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_REASONS && value.every((r) => typeof r === 'string' && DETECTION_REASON.test(r));
}

function senderOrigin(sender: MessageSender): string | null {
  try {
    return sender.origin ?? (sender.url ? new URL(sender.url).origin : null);
  } catch {
    return null;
  }
}

/**
 * @param trusted the trusted origins, or null while they are still loading: then only the sender and
 *   shape are checked, and the panel (which checks again) decides.
 */
export function validateContentMessage(
  message: unknown,
  sender: MessageSender,
  extensionId: string,
  trusted: readonly string[] | null,
): Validation {
  if (sender.id !== extensionId) return { ok: false, reason: 'foreign-sender' };
  const tabId = sender.tab?.id;
  if (typeof tabId !== 'number' || tabId < 0) return { ok: false, reason: 'not-from-tab' };
  if (sender.frameId !== 0) return { ok: false, reason: 'not-top-frame' };
  const origin = senderOrigin(sender);
  if (!origin || !(WEBMAIL_ORIGINS as readonly string[]).includes(origin)) return { ok: false, reason: 'not-webmail' };

  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { ok: false, reason: 'shape' };
  const keys = Object.keys(message);
  const { type, link, reasons } = message as Record<string, unknown>;
  const withReasons = keys.length === 3 && keys.includes('reasons') && type === 'esign:open-panel';
  if ((keys.length !== 2 && !withReasons) || typeof type !== 'string' || !TYPES.has(type)) return { ok: false, reason: 'shape' };
  if (withReasons && !validReasons(reasons)) return { ok: false, reason: 'shape' };
  if (typeof link !== 'string' || link.length === 0 || link.length > MAX_LINK_LENGTH) return { ok: false, reason: 'shape' };

  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { ok: false, reason: 'shape' };
  }
  if (trusted) {
    const verdict = judgeLink({ href: link }, trusted);
    if (verdict.kind !== 'signing' || verdict.link !== link) return { ok: false, reason: 'untrusted-link' };
  } else if (!SIGNING_PATH.test(url.pathname) || url.pathname.endsWith('/') || url.search || url.hash || url.username || url.password) {
    return { ok: false, reason: 'untrusted-link' };
  }
  return {
    ok: true,
    message: (withReasons ? { type, link, reasons } : { type, link }) as ContentMessage,
    sender: { tabId, origin },
    link,
    origin: url.origin,
  };
}
