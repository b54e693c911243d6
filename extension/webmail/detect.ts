/**
 * From an open message to a decision: a signing request on a trusted server (banner with a button), a
 * signing-looking message whose link is not trusted (warning, no button), or nothing.
 */
import { judgeLink, type SuspicionReason } from '../links/trust';
import type { MessageLink, OpenMessage, WebmailAdapter } from './adapter';

export type Detection =
  | {
      kind: 'sign';
      link: string;
      origin: string;
      /**
       * Why this is a signing request, as short codes for the support bundle (never the link itself):
       * `subject:signing|other`, `link:direct|unwrapped`, `link:{n}/{count}`.
       */
      reasons: string[];
    }
  | { kind: 'warning'; reason: SuspicionReason; host: string };

// 署名依頼 / 確認依頼 / 押印依頼 / 電子契約 / signature request / please sign …
const SIGNING_SUBJECT =
  /署名|押印|確認依頼|承認依頼|電子契約|契約締結|signature|e-?sign|sign(?:ing)?\s+request|please\s+sign|review\s+and\s+sign/i;

export function isSigningSubject(subject: string): boolean {
  return SIGNING_SUBJECT.test(subject);
}

export function detectMessage(
  message: { subject: string; links: MessageLink[] },
  trusted: readonly string[],
): Detection | null {
  const signingSubject = isSigningSubject(message.subject);
  let warning: Detection | null = null;
  for (const [i, link] of message.links.entries()) {
    const v = judgeLink(link, trusted);
    if (v.kind === 'signing') {
      const reasons = [`subject:${signingSubject ? 'signing' : 'other'}`, `link:${v.link === link.href ? 'direct' : 'unwrapped'}`, `link:${i + 1}/${message.links.length}`];
      return { kind: 'sign', link: v.link, origin: v.origin, reasons };
    }
    if (v.kind !== 'suspicious' || warning) continue;
    if (v.strength !== 'plain' || signingSubject) warning = { kind: 'warning', reason: v.reason, host: v.host };
  }
  return warning;
}

export interface BannerHandle {
  readonly host: Element;
  update(detection: Detection): void;
  remove(): void;
}

export interface WatchOptions {
  adapter: WebmailAdapter;
  document: Document;
  trusted: () => readonly string[];
  mount: (anchor: OpenMessage['anchor'], detection: Detection, message: OpenMessage) => BannerHandle;
  /** Trailing debounce of DOM mutations before a scan… */
  debounceMs?: number;
  /** …but never later than this after the first pending mutation (a mailbox that never settles). */
  maxWaitMs?: number;
}

export interface MailboxWatcher {
  /** Scan now (also called on navigation and when the trust list changes). */
  scan(): void;
  stop(): void;
  /** Mutation batches seen, scans run, and the time spent in each (for the benchmark). */
  readonly stats: { batches: number; scans: number; scanMs: number; observerMs: number };
}

function sameDetection(a: Detection, b: Detection): boolean {
  return a.kind === 'sign' && b.kind === 'sign'
    ? a.link === b.link
    : a.kind === 'warning' && b.kind === 'warning' && a.reason === b.reason && a.host === b.host;
}

/**
 * One MutationObserver on the body, debounced; no polling (WEBMAIL.md). The observer callback only
 * arms a timer, so a burst of mutations (new mail, list re-renders) costs one scan.
 */
export function watchMailbox(opts: WatchOptions): MailboxWatcher {
  const { adapter, document: doc, debounceMs = 30, maxWaitMs = 100 } = opts;
  const banners = new Map<Element, { detection: Detection; handle: BannerHandle }>();
  const stats = { batches: 0, scans: 0, scanMs: 0, observerMs: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scanning = false;
  let pendingSince = 0;

  function scan() {
    const t0 = performance.now();
    clearTimeout(timer);
    pendingSince = 0;
    scanning = true;
    try {
      const trusted = opts.trusted();
      const seen = new Set<Element>();
      for (const message of adapter.openMessages(doc)) {
        const anchorEl = message.anchor.before ?? message.anchor.parent;
        const detection = detectMessage(message, trusted);
        const existing = banners.get(anchorEl);
        if (!detection) continue;
        seen.add(anchorEl);
        if (existing && existing.handle.host.isConnected) {
          if (!sameDetection(existing.detection, detection)) {
            existing.handle.update(detection);
            existing.detection = detection;
          }
          continue;
        }
        existing?.handle.remove();
        banners.set(anchorEl, { detection, handle: opts.mount(message.anchor, detection, message) });
      }
      for (const [anchorEl, { handle }] of banners) {
        if (!seen.has(anchorEl)) {
          handle.remove();
          banners.delete(anchorEl);
        }
      }
    } finally {
      // Our own insertions queue mutation records; drop them so a banner does not trigger a rescan.
      observer.takeRecords();
      scanning = false;
      stats.scans++;
      stats.scanMs += performance.now() - t0;
    }
  }

  const observer = new MutationObserver(() => {
    if (scanning) return;
    stats.batches++;
    const now = performance.now();
    if (!pendingSince) pendingSince = now;
    clearTimeout(timer);
    timer = setTimeout(scan, Math.max(0, Math.min(debounceMs, pendingSince + maxWaitMs - now)));
    stats.observerMs += performance.now() - now;
  });
  observer.observe(doc.body, { childList: true, subtree: true });
  scan();

  return {
    scan,
    stats,
    stop() {
      observer.disconnect();
      clearTimeout(timer);
      for (const { handle } of banners.values()) handle.remove();
      banners.clear();
    },
  };
}
