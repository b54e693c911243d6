/**
 * Opening the side panel for a signing link. `sidePanel.open()` must run in the user-gesture turn of
 * the banner click (WEBMAIL.md): `setOptions` is deliberately not awaited, and nothing is awaited
 * before `open()`.
 */
/** The webmail whose banner asked for the panel (`&adapter=`, recorded in the support bundle). */
export type WebmailAdapter = 'gmail' | 'outlook';

export function panelPath(link: string, tabId?: number, adapter?: WebmailAdapter, reasons?: string[]): string {
  const why = reasons?.length ? `&why=${encodeURIComponent(reasons.join(','))}` : '';
  return `sidepanel.html?link=${encodeURIComponent(link)}${tabId === undefined ? '' : `&tab=${tabId}`}${adapter ? `&adapter=${adapter}` : ''}${why}`;
}

export function adapterForOrigin(origin: string): WebmailAdapter | undefined {
  if (origin === 'https://mail.google.com') return 'gmail';
  if (/^https:\/\/outlook\./.test(origin)) return 'outlook';
  return undefined;
}

/** Told to an already-open panel of `tabId`, which switches to `link` (see sidepanel/retarget.ts). */
export interface PanelLinkMessage {
  type: 'esign:panel-link';
  tabId: number;
  link: string;
  /** The banner's detection reasons (webmail/detect.ts), carried into the new panel URL. */
  reasons?: string[];
}

export interface SidePanelApi {
  setOptions(options: { tabId?: number; path?: string; enabled?: boolean }): Promise<void>;
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
}

export function openPanel(sidePanel: SidePanelApi, tabId: number, link: string, adapter?: WebmailAdapter, reasons?: string[]): Promise<void> {
  void sidePanel.setOptions({ tabId, path: panelPath(link, tabId, adapter, reasons), enabled: true }).catch(() => undefined);
  return sidePanel.open({ tabId });
}
