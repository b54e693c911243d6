/**
 * What the signing screens need from where they run. The same React screens run in the extension's
 * side panel (extension/entrypoints/sidepanel/host.ts) and as the web page the server serves at
 * `/s/{token}` for recipients without the extension (extension/web/host.ts); nothing under
 * extension/sidepanel/ touches an extension API directly.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { SupportRecorder, type SupportContext } from '../support/recorder';

export interface HandedOffFile {
  name: string;
  bytes: ArrayBuffer;
}

export interface PanelHost {
  kind: 'extension' | 'web' | 'none';
  /** May the panel talk to this signing link's server at all? Asked before any request. */
  trusts(link: string): Promise<boolean>;
  /** Follows the banner clicked next while the panel shows `current`; returns the unsubscribe. */
  followRetarget?(current: string | null): () => void;
  /** Opens the local verifier, handing it `files` if given. Extension only: absent on the web. */
  openVerifier?(files?: HandedOffFile[]): Promise<void>;
  /** Absolute URL of the folder with pdf.js's `pdf.worker.min.mjs`, `cmaps/` and `standard_fonts/`. */
  pdfAssets: string;
  /** One per panel: what happened, for 「問い合わせ用情報をコピー」. */
  recorder: SupportRecorder;
  /** The webmail whose banner opened the panel, when it was one. */
  adapter?: NonNullable<SupportContext['adapter']>;
  /** Why the banner took the mail for a signing request (webmail/detect.ts), when a banner opened the panel. */
  detectionReasons?: string[];
}

const Host = createContext<PanelHost | null>(null);

let fallback: PanelHost | null = null;

/**
 * Without a provider (a replay in the console, a test): trusts nothing, offers no verifier, records
 * into a recorder nobody reads, and finds pdf.js under `/pdfjs/` of the page's origin, which is where
 * the extension's build puts it.
 */
function defaultHost(): PanelHost {
  fallback ??= {
    kind: 'none',
    trusts: async () => false,
    pdfAssets: new URL('/pdfjs/', location.href).href,
    recorder: new SupportRecorder(),
  };
  return fallback;
}

export function PanelHostProvider({ host, children }: { host: PanelHost; children: ReactNode }) {
  return <Host.Provider value={host}>{children}</Host.Provider>;
}

export function usePanelHost(): PanelHost {
  return useContext(Host) ?? defaultHost();
}
