/**
 * Public info for the banner, fetched by the background (content scripts never fetch): only from a
 * trusted origin we hold a host permission for, never document content, and only the fields the
 * banner shows.
 */
import { PublicInfo } from '../../shared/api/recipient';

export type BannerInfo = Pick<PublicInfo, 'state' | 'senderOrganization' | 'senderName' | 'title' | 'expiresAt'>;
export type PublicInfoResult = { ok: true; info: BannerInfo } | { ok: false; error: 'unreachable' | 'untrusted' | 'bad-response' };

export async function fetchPublicInfo(
  link: string,
  opts: { trusted: readonly string[]; hasPermission: (origin: string) => Promise<boolean>; language: string; fetch?: typeof fetch },
): Promise<PublicInfoResult> {
  const url = new URL(link);
  if (!opts.trusted.includes(url.origin) || !(await opts.hasPermission(url.origin))) return { ok: false, error: 'untrusted' };
  const token = url.pathname.split('/')[2];
  let response: Response;
  try {
    response = await (opts.fetch ?? fetch)(`${url.origin}/api/sign/${token}`, {
      headers: { Accept: 'application/json', 'Accept-Language': opts.language },
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { ok: false, error: 'unreachable' };
  }
  if (response.status === 404) {
    return { ok: true, info: { state: 'invalid', senderOrganization: '', senderName: '', title: '', expiresAt: null } };
  }
  const parsed = PublicInfo.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) return { ok: false, error: 'bad-response' };
  const { state, senderOrganization, senderName, title, expiresAt } = parsed.data;
  return { ok: true, info: { state, senderOrganization, senderName, title, expiresAt } };
}
