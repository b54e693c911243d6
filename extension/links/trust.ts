/**
 * Deciding on the link, not the sender (WEBMAIL.md): a signing link is exactly `{origin}/s/{token}` on
 * an origin of the trust list, after unwrapping Google/Microsoft redirectors. Anything that imitates
 * one — lookalike or punycode host, `trusted@evil` userinfo, plain http, an odd port, a fake
 * redirector, link text that names the trusted host while the href goes elsewhere — is suspicious.
 */
import { claimedInnerUrl, unwrapLink } from './unwrap';

/**
 * `SIGNING_PATH` of shared/api/recipient.ts, repeated so that content scripts do not bundle zod
 * (a unit test pins the two together).
 */
export const SIGNING_PATH = /^\/s\/([A-Za-z0-9_-]{43})\/?$/;

export type SuspicionReason =
  | 'userinfo'
  | 'insecure'
  | 'port'
  | 'punycode'
  | 'lookalike'
  | 'fake-wrapper'
  | 'text-mismatch'
  | 'malformed-token'
  | 'untrusted-host';

/**
 * `claims-trusted`: the link imitates a trusted server (always warn). `signing-shaped`: an `/s/…` link
 * on a server we do not trust (always warn). `plain`: an untrusted link with signing-ish wording, which
 * only matters inside a message that looks like a signing request.
 */
export type SuspicionStrength = 'claims-trusted' | 'signing-shaped' | 'plain';

export type LinkVerdict =
  | { kind: 'signing'; link: string; origin: string; token: string }
  | { kind: 'suspicious'; reason: SuspicionReason; strength: SuspicionStrength; host: string }
  | { kind: 'other' };

export interface LinkInput {
  href: string;
  /** The visible link text. */
  text?: string;
}

interface TrustedOrigin {
  origin: string;
  protocol: string;
  hostname: string;
  port: string;
}

function parseTrusted(origins: readonly string[]): TrustedOrigin[] {
  const out: TrustedOrigin[] = [];
  for (const o of origins) {
    try {
      const u = new URL(o);
      if (u.protocol === 'https:' || u.protocol === 'http:')
        out.push({ origin: u.origin, protocol: u.protocol, hostname: u.hostname, port: u.port });
    } catch {
      // a malformed entry trusts nothing
    }
  }
  return out;
}

const SIGNING_SHAPED = /^\/s\/[^/]+/;
const SIGNING_WORDS = /sign|署名|押印|契約|承認|確認|approve|review|contract/i;

/** Common character confusions in hostnames (homoglyphs that survive ASCII). */
function skeleton(host: string): string {
  return host
    .toLowerCase()
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/cl/g, 'd')
    .replace(/[0]/g, 'o')
    .replace(/[1il|]/g, 'l')
    .replace(/5/g, 's')
    .replace(/[-_.]/g, '');
}

function editDistance(a: string, b: string): number {
  // Damerau–Levenshtein (optimal string alignment): swaps like "esgin" count as one edit.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const SECOND_LEVEL = new Set(['co', 'or', 'ne', 'go', 'lg', 'ac', 'ed', 'gr', 'ad', 'com', 'net', 'org', 'gov']);

/** The host without its public suffix (roughly: the last label, and a generic second level). */
function withoutSuffix(host: string): string {
  const labels = host.split('.');
  labels.pop();
  if (labels.length > 1 && SECOND_LEVEL.has(labels[labels.length - 1])) labels.pop();
  return labels.join('.');
}

/** Does `host` imitate `trusted` without being it? */
export function resembles(host: string, trusted: string): boolean {
  if (host === trusted) return false;
  if (host.includes(trusted)) return true; // esign.example.jp.evil.test, esign.example.jp-login.test
  const core = withoutSuffix(trusted);
  if (core && core.includes('.') && host.includes(core)) return true; // esign.city.example.com for .jp
  if (core && withoutSuffix(host) === core) return true;
  if (skeleton(host) === skeleton(trusted)) return true; // esign-example.jp, esign.examp1e.jp
  return trusted.length >= 6 && editDistance(host, trusted) <= 2;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isPunycode(host: string): boolean {
  return host.split('.').some((label) => label.startsWith('xn--'));
}

/** The host that visible link text names, when it reads like a URL or a hostname. */
function hostInText(text: string | undefined): string | null {
  if (!text) return null;
  const m = /^\s*(?:https?:\/\/)?([^\s/:?#@]+\.[^\s/:?#@]{2,})(?:[:/?#]|\s*$)/i.exec(text);
  if (!m) return null;
  try {
    return new URL(`https://${m[1]}`).hostname;
  } catch {
    return null;
  }
}

function suspicious(reason: SuspicionReason, strength: SuspicionStrength, host: string): LinkVerdict {
  return { kind: 'suspicious', reason, strength, host };
}

export function judgeLink(input: LinkInput, trustList: readonly string[]): LinkVerdict {
  const trusted = parseTrusted(trustList);
  const { url, fakeWrapper } = unwrapLink(input.href);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return { kind: 'other' };

  const host = url.hostname;
  const signingShaped = SIGNING_SHAPED.test(url.pathname);
  const claimsTrustedHost = (h: string) => trusted.some((t) => t.hostname === h || resembles(h, t.hostname));

  if (fakeWrapper) {
    const inner = claimedInnerUrl(url);
    if (inner && (SIGNING_SHAPED.test(inner.pathname) || claimsTrustedHost(inner.hostname)))
      return suspicious('fake-wrapper', 'claims-trusted', host);
  }

  // https://esign.example.jp@evil.test/s/… shows the trusted name but goes to evil.test.
  if (url.username || url.password) {
    const shown = safeDecode(url.username).toLowerCase();
    if (signingShaped || claimsTrustedHost(shown) || claimsTrustedHost(host))
      return suspicious('userinfo', 'claims-trusted', host);
    return { kind: 'other' };
  }

  const exact = trusted.find((t) => t.origin === url.origin);
  if (exact) {
    if (!signingShaped) return { kind: 'other' };
    const m = SIGNING_PATH.exec(url.pathname);
    if (!m) return suspicious('malformed-token', 'signing-shaped', host);
    return { kind: 'signing', link: `${exact.origin}/s/${m[1]}`, origin: exact.origin, token: m[1] };
  }

  const sameHost = trusted.filter((t) => t.hostname === host);
  if (sameHost.length > 0) {
    if (sameHost.some((t) => t.protocol !== url.protocol)) return suspicious('insecure', 'claims-trusted', host);
    return suspicious('port', 'claims-trusted', host);
  }

  // https://evil.example/esign.city.example.lg.jp/s/… (also what `evil\@trusted` parses to)
  const rest = safeDecode(url.pathname + url.search).toLowerCase();
  if (trusted.some((t) => rest.includes(t.hostname))) return suspicious('lookalike', 'claims-trusted', host);

  if (isPunycode(host)) return suspicious('punycode', signingShaped ? 'signing-shaped' : 'plain', host);
  if (trusted.some((t) => resembles(host, t.hostname))) return suspicious('lookalike', 'claims-trusted', host);

  const shownHost = hostInText(input.text);
  if (shownHost && shownHost !== host && claimsTrustedHost(shownHost))
    return suspicious('text-mismatch', 'claims-trusted', host);

  if (signingShaped) return suspicious('untrusted-host', 'signing-shaped', host);
  if (SIGNING_WORDS.test(url.pathname) || SIGNING_WORDS.test(input.text ?? ''))
    return suspicious('untrusted-host', 'plain', host);
  return { kind: 'other' };
}
