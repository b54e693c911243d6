import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { totpCode } from '../../server/auth/users.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

const login = (body: unknown, lang = 'ja') => api(t).post('/api/auth/login', body, undefined, { 'accept-language': lang });

describe('sender sign-in', () => {
  it('signs in with a password, then requires TOTP once it is enabled', async () => {
    const bad = await login({ email: t.senderEmail, password: 'wrong password' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error.message).toContain('正しくありません');
    const ok = await login({ email: t.senderEmail, password: 'correct horse battery' });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    expect((await api(t).get('/api/me', token)).status).toBe(200);

    const { secret } = (await (await api(t).post('/api/auth/totp/setup', {}, token)).json()) as { secret: string };
    expect((await api(t).post('/api/auth/totp/enable', { secret, code: '000000' === totpCode(secret) ? '111111' : '000000' }, token)).status).toBe(401);
    expect((await api(t).post('/api/auth/totp/enable', { secret, code: totpCode(secret) }, token)).status).toBe(200);

    const needs = await login({ email: t.senderEmail, password: 'correct horse battery' }, 'en');
    expect(needs.status).toBe(401);
    expect(((await needs.json()) as { error: { code: string } }).error.code).toBe('totp-required');
    expect((await login({ email: t.senderEmail, password: 'correct horse battery', totp: totpCode(secret) })).status).toBe(200);

    expect((await api(t).post('/api/auth/logout', {}, token)).status).toBe(200);
    expect((await api(t).get('/api/me', token)).status).toBe(401);
  });

  it('issues API keys that work until revoked, and keeps other organisations out', async () => {
    const { key, id } = (await (await api(t).post('/api/api-keys', { name: 'batch' }, t.apiKey)).json()) as { key: string; id: string };
    expect(key).toMatch(/^ak_/);
    expect((await api(t).get('/api/envelopes', key)).status).toBe(200);
    const list = (await (await api(t).get('/api/api-keys', t.apiKey)).json()) as { keys: { id: string; prefix: string }[] };
    expect(JSON.stringify(list)).not.toContain(key);
    expect((await fetch(`${t.url}/api/api-keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.apiKey}` } })).status).toBe(200);
    expect((await api(t).get('/api/envelopes', key)).status).toBe(401);
    expect((await api(t).get('/api/envelopes', 'ak_' + 'x'.repeat(43))).status).toBe(401);
    expect((await api(t).get('/api/envelopes')).status).toBe(401);
  });
});
