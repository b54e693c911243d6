/**
 * Webmail link wrappers. Gmail rewrites clicks through `https://www.google.com/url?q=…` and Outlook
 * through Safe Links (`https://<region>.safelinks.protection.outlook.com/?url=…`). We unwrap only when
 * the wrapper's host really is Google's or Microsoft's: an attacker can build
 * `https://www.google.com.evil.example/url?q=<trusted link>` to borrow the trusted link's look.
 */

export type Wrapper = 'google' | 'safelinks';

export interface UnwrappedLink {
  /** The innermost URL, or null when the href is not a parseable absolute URL. */
  url: URL | null;
  /** Wrappers removed, outermost first. */
  wrappers: Wrapper[];
  /** The href pointed at a wrapper-looking path on a host that is not the real wrapper's. */
  fakeWrapper: boolean;
}

const GOOGLE_REDIRECT_HOSTS = new Set(['www.google.com', 'google.com', 'www.google.co.jp', 'google.co.jp']);
// Safe Links hosts: a region label under safelinks.protection.outlook.com (commercial cloud), or the
// government cloud's office365.us equivalent.
const SAFELINKS_HOST = /^[a-z0-9-]+\.safelinks\.protection\.(?:outlook\.com|office365\.us)$/;
const MAX_DEPTH = 4;

function parse(href: string): URL | null {
  try {
    return new URL(href.trim());
  } catch {
    return null;
  }
}

function unwrapOnce(url: URL): { inner: string; wrapper: Wrapper } | null {
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return null;
  if (GOOGLE_REDIRECT_HOSTS.has(url.hostname) && url.pathname === '/url') {
    const inner = url.searchParams.get('q') ?? url.searchParams.get('url');
    return inner ? { inner, wrapper: 'google' } : null;
  }
  if (SAFELINKS_HOST.test(url.hostname) && (url.pathname === '/' || url.pathname === '')) {
    const inner = url.searchParams.get('url');
    return inner ? { inner, wrapper: 'safelinks' } : null;
  }
  return null;
}

/** A wrapper shape (`/url?q=`, `?url=`) carrying an absolute URL, on any host. */
function looksLikeWrapper(url: URL): boolean {
  const inner = url.searchParams.get('q') ?? url.searchParams.get('url');
  return inner !== null && /^https?:\/\//i.test(inner.trim());
}

export function unwrapLink(href: string): UnwrappedLink {
  let url = parse(href);
  const wrappers: Wrapper[] = [];
  for (let depth = 0; url && depth < MAX_DEPTH; depth++) {
    const step = unwrapOnce(url);
    if (!step) break;
    wrappers.push(step.wrapper);
    url = parse(step.inner);
  }
  const fakeWrapper = url !== null && looksLikeWrapper(url) && unwrapOnce(url) === null;
  return { url, wrappers, fakeWrapper };
}

/** The URL a fake wrapper claims to lead to (for the warning text), if any. */
export function claimedInnerUrl(url: URL): URL | null {
  const inner = url.searchParams.get('q') ?? url.searchParams.get('url');
  return inner ? parse(inner) : null;
}
