/**
 * The side panel's host (extension/sidepanel/host.tsx) as a web page at `{PUBLIC_URL}/s/{token}`: the
 * recipient API is this page's own origin, pdf.js comes from the server (its folder is named by the
 * page, `data-pdfjs` on #root), and there is no verifier to hand PDFs to.
 */
import { parseSigningLink } from '../sidepanel/api';
import type { PanelHost } from '../sidepanel/host';
import { SupportRecorder } from '../support/recorder';

export function webHost(root: HTMLElement): PanelHost {
  return {
    kind: 'web',
    // The page talks to the server that served it, and only about a link of that server.
    trusts: async (link) => parseSigningLink(link)?.origin === location.origin,
    pdfAssets: new URL(root.dataset.pdfjs ?? '/web/pdfjs/', location.href).href,
    recorder: new SupportRecorder(),
  };
}

/** The signing link this page is: its own URL without query or fragment. */
export function linkOfPage(): string {
  return location.origin + location.pathname;
}
