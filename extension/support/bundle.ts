/**
 * The support bundle (「問い合わせ用情報」) built from a recorder: what the user's extension saw, redacted
 * already (recorder.ts), checked against the same schema the server uses and trimmed under the server's
 * 64 KB limit by dropping the oldest recorded answers first (the events and call lines stay: they are
 * the timeline the help desk reads).
 */
import { browser } from 'wxt/browser';
import { secretPaths, SupportBundle, type SupportBundle as Bundle } from '../../shared/api/support';
import type { Language } from '../../shared/api/recipient';
import { MAX_ENTRIES, type SupportRecorder } from './recorder';

/** The server refuses a bundle larger than this (server/routes/helpdesk.ts); leave room for headers. */
export const MAX_BUNDLE_BYTES = 64 * 1024 - 512;

/** `Chrome 131 / Windows`, `Edge 131 / macOS`, from the user agent (never the full string: it is a fingerprint). */
export function browserLabel(userAgent: string): string {
  const edge = /Edg\/(\d+)/.exec(userAgent);
  const chrome = /Chrom(?:e|ium)\/(\d+)/.exec(userAgent);
  const firefox = /Firefox\/(\d+)/.exec(userAgent);
  const name = edge ? `Edge ${edge[1]}` : chrome ? `Chrome ${chrome[1]}` : firefox ? `Firefox ${firefox[1]}` : 'unknown';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /CrOS/.test(userAgent)
      ? 'ChromeOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Mac OS X|Macintosh/.test(userAgent)
            ? 'macOS'
            : /Linux/.test(userAgent)
              ? 'Linux'
              : 'unknown';
  return `${name} / ${os}`;
}

/** The manifest's version; `web` for the signing page the server serves to browsers without the extension. */
function extensionVersion(): string {
  try {
    return (browser?.runtime?.getManifest?.()?.version ?? 'web').slice(0, 40);
  } catch {
    return 'web';
  }
}

const size = (bundle: Bundle) => new TextEncoder().encode(JSON.stringify(bundle)).length;

/** Drops recorded answers, oldest first, until the bundle fits; then the oldest call lines and events. */
export function trimToLimit(bundle: Bundle, limit = MAX_BUNDLE_BYTES): Bundle {
  const out: Bundle = { ...bundle, apiCalls: bundle.apiCalls.map((c) => ({ ...c })), events: [...bundle.events] };
  for (const call of out.apiCalls) {
    if (size(out) <= limit) return out;
    if (call.response !== undefined) delete call.response;
  }
  while (size(out) > limit && (out.apiCalls.length > 0 || out.events.length > 0)) {
    if (out.events.length >= out.apiCalls.length) out.events.shift();
    else out.apiCalls.shift();
  }
  return out;
}

export function buildSupportBundle(
  recorder: SupportRecorder,
  { page, language, userAgent = globalThis.navigator?.userAgent ?? '' }: { page: 'sidepanel' | 'verify'; language: Language; userAgent?: string },
): Bundle {
  const c = recorder.context;
  const bundle: Bundle = {
    extensionVersion: extensionVersion(),
    browser: browserLabel(userAgent),
    adapter: c.adapter ?? 'none',
    page,
    detection: c.detection ? { result: c.detection.result, reasons: c.detection.reasons.slice(0, 20).map((r) => r.slice(0, 200)) } : null,
    // Belt and braces: an entry that still looks like a secret is left out rather than refused whole.
    events: recorder.events.slice(-MAX_ENTRIES).filter((e) => secretPaths(e).length === 0),
    apiCalls: recorder.calls.slice(-MAX_ENTRIES).filter((c) => secretPaths(c).length === 0),
    ...(c.envelopeId && /^[0-9a-f]{32}$/.test(c.envelopeId) ? { envelopeId: c.envelopeId } : {}),
    ...(c.recipientId && /^[0-9a-f]{32}$/.test(c.recipientId) ? { recipientId: c.recipientId } : {}),
    ...(c.linkHash && /^[0-9a-f]{64}$/.test(c.linkHash) ? { linkHash: c.linkHash } : {}),
    language,
  };
  // The same schema the server checks, so what the user copies is what the server accepts.
  return SupportBundle.parse(trimToLimit(bundle));
}
