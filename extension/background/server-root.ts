/**
 * The root certificate of a trusted signing server (`GET {server}/pki/root.pem`), fetched by the
 * background for the options page, which stores it once as a trust anchor (source 'server'). Only
 * extension pages may ask, only for a trusted origin we hold a host permission for.
 */
export interface ServerRootRequest {
  type: 'esign:server-root';
  origin: string;
}

export type ServerRootResult = { ok: true; pem: string } | { ok: false; error: 'untrusted' | 'unreachable' | 'bad-response' };

const MAX_PEM = 64 * 1024;

export function isServerRootRequest(message: unknown, sender: { id?: string; url?: string }, extensionId: string, extensionOrigin: string): message is ServerRootRequest {
  if (sender.id !== extensionId || !sender.url?.startsWith(extensionOrigin)) return false;
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return m.type === 'esign:server-root' && typeof m.origin === 'string' && Object.keys(m).length === 2;
}

export async function fetchServerRoot(
  origin: string,
  opts: { trusts: (origin: string) => Promise<boolean>; hasPermission: (origin: string) => Promise<boolean>; fetch?: typeof fetch },
): Promise<ServerRootResult> {
  let url: URL;
  try {
    url = new URL('/pki/root.pem', origin);
  } catch {
    return { ok: false, error: 'untrusted' };
  }
  if (url.origin !== origin || !(await opts.trusts(origin)) || !(await opts.hasPermission(origin))) return { ok: false, error: 'untrusted' };
  let response: Response;
  try {
    response = await (opts.fetch ?? fetch)(url.href, { credentials: 'omit', redirect: 'error', signal: AbortSignal.timeout(10_000) });
  } catch {
    return { ok: false, error: 'unreachable' };
  }
  const pem = response.ok ? await response.text().catch(() => '') : '';
  if (pem.length === 0 || pem.length > MAX_PEM || !pem.includes('-----BEGIN CERTIFICATE-----')) return { ok: false, error: 'bad-response' };
  return { ok: true, pem };
}
