/**
 * A panel already open for a tab follows the banner clicked next in that tab: the background tells
 * it the new link, and it reloads on it. Only this extension's background may say so.
 */
import type { PanelLinkMessage, WebmailAdapter } from '../background/panel';
import { panelPath } from '../background/panel';
import { DETECTION_REASON } from '../background/messages';

export function tabFromLocation(search: string): number | null {
  const raw = new URLSearchParams(search).get('tab');
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** `&adapter=` of the panel's URL: the webmail whose banner opened it. */
export function adapterFromLocation(search: string): WebmailAdapter | undefined {
  const raw = new URLSearchParams(search).get('adapter');
  return raw === 'gmail' || raw === 'outlook' ? raw : undefined;
}

/** Where the panel of `tabId`, showing `current`, should go on `message`; null to stay. */
export function retargetPath(
  message: unknown,
  sender: { id?: string; tab?: unknown; url?: string },
  ctx: { extensionId: string; tabId: number | null; current: string | null; adapter?: WebmailAdapter },
): string | null {
  if (sender.id !== ctx.extensionId || sender.tab !== undefined || ctx.tabId === null) return null;
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Partial<PanelLinkMessage>;
  if (m.type !== 'esign:panel-link' || m.tabId !== ctx.tabId || typeof m.link !== 'string' || m.link === ctx.current) return null;
  const reasons = Array.isArray(m.reasons) ? m.reasons.filter((r): r is string => typeof r === 'string' && DETECTION_REASON.test(r)).slice(0, 10) : undefined;
  return panelPath(m.link, ctx.tabId, ctx.adapter, reasons);
}

/** `&why=` of the panel's URL: the banner's detection reasons (short codes), or [] when absent. */
export function detectionReasonsFromLocation(search: string): string[] {
  const raw = new URLSearchParams(search).get('why');
  return raw ? raw.split(',').filter((r) => DETECTION_REASON.test(r)).slice(0, 10) : [];
}
