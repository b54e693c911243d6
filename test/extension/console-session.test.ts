import { describe, expect, it, vi } from 'vitest';
import { ConsoleApiError, sessionApi, signIn, signOutOnClose, type ConsoleSession } from '../../extension/console/session';

const ORIGIN = 'https://esign.city.example.lg.jp';
const user = { id: 'u1', name: '契約担当', email: 'clerk@city.example.lg.jp', role: 'sender' as const };
const error = (status: number, code: string, message = code) => Response.json({ error: { code, message } }, { status });

describe('console sign-in', () => {
  it('posts email and password (no TOTP unless given) and returns the session for that server', async () => {
    const fetchSpy = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => Response.json({ token: 'tok', user }));
    const session = await signIn(ORIGIN, { email: ' Clerk@City.example.lg.jp ', password: 'pw' }, () => 'ja', fetchSpy as typeof fetch);
    expect(session).toEqual({ origin: ORIGIN, token: 'tok', user });
    const [url, init] = fetchSpy.mock.calls[0];
    expect(url).toBe(`${ORIGIN}/api/auth/login`);
    expect(JSON.parse(init!.body as string)).toEqual({ email: 'Clerk@City.example.lg.jp', password: 'pw' });
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit' });
  });

  it('sends the TOTP code when given, and surfaces the server’s totp-required answer with its message', async () => {
    const fetchSpy = vi.fn(async () => error(401, 'totp-required', '確認コード（認証アプリの6桁）を入力してください。'));
    const failed = signIn(ORIGIN, { email: 'a@b.jp', password: 'pw' }, () => 'ja', fetchSpy as typeof fetch);
    await expect(failed).rejects.toBeInstanceOf(ConsoleApiError);
    await expect(failed).rejects.toMatchObject({ code: 'totp-required', status: 401, message: '確認コード（認証アプリの6桁）を入力してください。' });
    const ok = vi.fn(async (_u: RequestInfo | URL, _i?: RequestInit) => Response.json({ token: 't', user }));
    await signIn(ORIGIN, { email: 'a@b.jp', password: 'pw', totp: '123456' }, () => 'ja', ok as typeof fetch);
    expect(JSON.parse(ok.mock.calls[0][1]!.body as string)).toMatchObject({ totp: '123456' });
  });
});

describe('a signed-in session', () => {
  const session: ConsoleSession = { origin: ORIGIN, token: 'tok', user };

  it('sends the token and the page language, and signs out the page when the server says the session is gone', async () => {
    const onExpired = vi.fn();
    const responses = [Response.json({ envelopes: [] }), error(403, 'forbidden'), error(401, 'unauthorized')];
    const fetchSpy = vi.fn(async (_u: RequestInfo | URL, _i?: RequestInit) => responses.shift()!);
    const api = sessionApi(session, () => 'en', onExpired, fetchSpy as typeof fetch);
    await api.get('/api/envelopes');
    const headers = fetchSpy.mock.calls[0][1]!.headers as Record<string, string>;
    expect(headers).toMatchObject({ Authorization: 'Bearer tok', 'Accept-Language': 'en' });
    await expect(api.post('/api/users', {})).rejects.toMatchObject({ code: 'forbidden' });
    expect(onExpired).not.toHaveBeenCalled();
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(onExpired).toHaveBeenCalledTimes(1);
  });
});

describe('closing the console page', () => {
  it('ends the session on the server with a request that outlives the page, until the remover is called', () => {
    const target = new EventTarget();
    const fetchSpy = vi.fn(async (_u: RequestInfo | URL, _i?: RequestInit) => Response.json({ ok: true }));
    const remove = signOutOnClose({ origin: ORIGIN, token: 'tok', user }, target as unknown as Window, fetchSpy as typeof fetch);
    target.dispatchEvent(new Event('pagehide'));
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    const [url, init] = fetchSpy.mock.calls[0];
    expect(url).toBe(`${ORIGIN}/api/auth/logout`);
    expect(init).toMatchObject({ method: 'POST', keepalive: true, headers: { Authorization: 'Bearer tok' } });
    remove();
    target.dispatchEvent(new Event('pagehide'));
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});
