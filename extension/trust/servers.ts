/**
 * The trust list: origins whose `/s/{token}` links get a button and which the extension talks to.
 * Three sources — the build (`ESIGN_TRUSTED_SERVERS`, in the manifest's host permissions), the
 * administrator (managed storage, `trustedServers`), and the user (options page, each one granted its
 * host permission at runtime).
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';

export const userServers = storage.defineItem<string[]>('local:trustedServers', { fallback: [] });

export function builtInServers(): string[] {
  return normalizeAll(__ESIGN_TRUSTED_SERVERS__, true);
}

/**
 * An origin a user may add: https only, no userinfo, path or query. (Plain http is accepted only for
 * localhost servers listed at build time, DESIGN.md §3.)
 */
export function normalizeServer(input: string, allowLocalHttp = false): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (allowLocalHttp && local && url.protocol === 'http:')) return url.origin;
  return null;
}

function normalizeAll(list: unknown, allowLocalHttp = false): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((s) => (typeof s === 'string' ? [normalizeServer(s, allowLocalHttp)].filter((o): o is string => !!o) : []));
}

export async function managedServers(): Promise<string[]> {
  try {
    const got = await browser.storage.managed.get('trustedServers');
    return normalizeAll(got.trustedServers);
  } catch {
    return []; // no policy (or managed storage unavailable)
  }
}

export interface TrustList {
  builtIn: string[];
  managed: string[];
  user: string[];
}

export async function loadTrustList(): Promise<TrustList> {
  const [managed, user] = await Promise.all([managedServers(), userServers.getValue()]);
  return { builtIn: builtInServers(), managed, user: normalizeAll(user) };
}

export function trustedOrigins(list: TrustList): string[] {
  return [...new Set([...list.builtIn, ...list.managed, ...list.user])];
}

export function originPattern(origin: string): string {
  return `${origin}/*`;
}

/**
 * Is `origin` on the trust list? Asks the slow source last: the first read of managed storage waits
 * for the browser's policy service (well over a second on a cold start).
 */
export async function trustsOrigin(origin: string): Promise<boolean> {
  if (builtInServers().includes(origin)) return true;
  if (normalizeAll(await userServers.getValue()).includes(origin)) return true;
  return (await managedServers()).includes(origin);
}

/**
 * Calls back with the trusted origins: at once with the built-in ones, again as the user's and the
 * administrator's lists arrive (`complete` once both have), and whenever one changes.
 */
export function watchTrustedOrigins(callback: (origins: string[], complete: boolean) => void): () => void {
  const list: TrustList = { builtIn: builtInServers(), managed: [], user: [] };
  let userLoaded = false;
  let managedLoaded = false;
  const emit = () => callback(trustedOrigins(list), userLoaded && managedLoaded);
  const reloadUser = () =>
    void userServers.getValue().then((u) => {
      list.user = normalizeAll(u);
      userLoaded = true;
      emit();
    });
  const reloadManaged = () =>
    void managedServers().then((m) => {
      list.managed = m;
      managedLoaded = true;
      emit();
    });
  emit();
  reloadUser();
  reloadManaged();
  const unwatch = userServers.watch(reloadUser);
  const onManaged = (_changes: unknown, area: string) => {
    if (area === 'managed') reloadManaged();
  };
  browser.storage.onChanged.addListener(onManaged);
  return () => {
    unwatch();
    browser.storage.onChanged.removeListener(onManaged);
  };
}
