/**
 * Opening the side panel for a signing link. `sidePanel.open()` must run in the user-gesture turn of
 * the banner click (WEBMAIL.md): `setOptions` is deliberately not awaited, and nothing is awaited
 * before `open()`.
 */
/** The webmail whose banner asked for the panel (`&adapter=`, recorded in the support bundle). */
export type WebmailAdapter = 'gmail' | 'outlook';

export function panelPath(link: string, tabId?: number, adapter?: WebmailAdapter): string {
  return `sidepanel.html?link=${encodeURIComponent(link)}${tabId === undefined ? '' : `&tab=${tabId}`}${adapter ? `&adapter=${adapter}` : ''}`;
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
}

export interface SidePanelApi {
  setOptions(options: { tabId?: number; path?: string; enabled?: boolean }): Promise<void>;
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
}

export function openPanel(sidePanel: SidePanelApi, tabId: number, link: string, adapter?: WebmailAdapter): Promise<void> {
  void sidePanel.setOptions({ tabId, path: panelPath(link, tabId, adapter), enabled: true }).catch(() => undefined);
  return sidePanel.open({ tabId });
}
