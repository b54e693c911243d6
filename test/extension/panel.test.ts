import { describe, expect, it, vi } from 'vitest';
import { parseSigningLink, recipientApi, RecipientApiError } from '../../extension/sidepanel/api';
import { completionPayload, initialValues, missingRequired } from '../../extension/sidepanel/fields';
import { screenForError, screenForInfo } from '../../extension/sidepanel/flow';
import type { PublicInfo, RecipientDocument } from '../../shared/api/recipient';

const TOKEN = 'q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e';
const LINK = `https://esign.city.example.lg.jp/s/${TOKEN}`;
const info: PublicInfo = {
  state: 'ready',
  senderOrganization: '○○市',
  senderName: '契約課',
  title: '請書',
  expiresAt: null,
  recipientName: '山田 太郎',
  language: 'ja',
  documentCount: 1,
};

function api(respond: (url: string, init: RequestInit) => Response) {
  const fetchSpy = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => respond(String(url), init ?? {}));
  return { fetchSpy, client: recipientApi(parseSigningLink(LINK)!, { language: () => 'ja', fetch: fetchSpy }) };
}

const error = (status: number, code: string, extra: object = {}) => Response.json({ error: { code, message: code, ...extra } }, { status });

describe('the recipient API client', () => {
  it('sends the access code once and keeps the session only in what it returns', async () => {
    const { fetchSpy, client } = api(() => Response.json({ session: 'sess-1', expiresAt: '2026-11-21T10:00:00.000Z' }));
    expect(await client.openSession('2580')).toBe('sess-1');
    const [url, init] = fetchSpy.mock.calls[0];
    expect(url).toBe(`https://esign.city.example.lg.jp/api/sign/${TOKEN}/session`);
    expect(init).toMatchObject({ method: 'POST', body: JSON.stringify({ accessCode: '2580' }), credentials: 'omit' });
    expect((init!.headers as Record<string, string>)['Accept-Language']).toBe('ja');
  });

  it('puts the session in the Authorization header of later calls', async () => {
    const { fetchSpy, client } = api(() => Response.json({ status: 'rejected' }));
    await client.reject('sess-1', '金額が違います');
    expect((fetchSpy.mock.calls[0][1]!.headers as Record<string, string>).Authorization).toBe('Bearer sess-1');
  });

  it('turns the error shape into RecipientApiError with its extra data, and network failures into unreachable', async () => {
    const wrong = api(() => error(401, 'wrong-access-code', { attemptsLeft: 3 })).client;
    await expect(wrong.openSession('0000')).rejects.toMatchObject({ code: 'wrong-access-code', status: 401, attemptsLeft: 3 });
    const down = recipientApi(parseSigningLink(LINK)!, { language: () => 'ja', fetch: async () => { throw new TypeError('Failed to fetch'); } });
    await expect(down.publicInfo()).rejects.toMatchObject({ code: 'unreachable' });
    const html = api(() => new Response('<html>502 Bad Gateway</html>', { status: 502 })).client;
    await expect(html.publicInfo()).rejects.toMatchObject({ code: 'unreachable', status: 502 });
    const odd = api(() => Response.json({ nope: true })).client;
    await expect(odd.publicInfo()).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('accepts only exact signing links', () => {
    expect(parseSigningLink(LINK)).toEqual({ origin: 'https://esign.city.example.lg.jp', token: TOKEN });
    expect(parseSigningLink(`https://a@esign.city.example.lg.jp/s/${TOKEN}`)).toBeNull();
    expect(parseSigningLink(`https://esign.city.example.lg.jp/s/short`)).toBeNull();
    expect(parseSigningLink(`javascript:alert(1)//s/${TOKEN}`)).toBeNull();
    expect(parseSigningLink('not a url')).toBeNull();
  });
});

describe('which screen the panel shows', () => {
  it.each<[number, string, object, string | null]>([
    [423, 'locked', {}, 'state:locked'],
    [410, 'expired', {}, 'state:expired'],
    [409, 'already-completed', {}, 'state:completed'],
    [409, 'already-rejected', {}, 'state:rejected'],
    [409, 'envelope-rejected', {}, 'state:rejected'],
    [409, 'envelope-cancelled', {}, 'state:cancelled'],
    [409, 'not-your-turn', {}, 'state:not-yet'],
    [404, 'invalid-link', {}, 'state:invalid'],
    [401, 'wrong-access-code', { attemptsLeft: 2 }, 'access-code:wrong-code'],
    [401, 'wrong-access-code', { attemptsLeft: 0 }, 'state:locked'],
    [429, 'rate-limited', {}, 'access-code:rate-limited'],
    [401, 'session-required', {}, 'access-code:session-expired'],
    [422, 'missing-required-fields', { missingFields: ['f1'] }, null],
  ])('%i %s → %s', (status, code, extra, expected) => {
    const e = new RecipientApiError(code, status, code, (extra as { attemptsLeft?: number }).attemptsLeft);
    const screen = screenForError(e, info);
    const name = screen === null ? null : screen.name === 'state' ? `state:${screen.state}` : screen.name === 'access-code' ? `access-code:${screen.problem?.kind}` : screen.name;
    expect(name).toBe(expected);
  });

  it('shows an unreachable server as such', () => {
    expect(screenForError(new RecipientApiError('unreachable', 0, 'x'))).toEqual({ name: 'unreachable' });
  });

  it('opens on the access code only when the link is ready', () => {
    expect(screenForInfo(info).name).toBe('access-code');
    expect(screenForInfo({ ...info, state: 'concluded' })).toMatchObject({ name: 'state', state: 'concluded' });
    expect(screenForInfo({ ...info, state: 'expired' })).toMatchObject({ name: 'state', state: 'expired' });
  });
});

describe('the recipient’s fields', () => {
  const field = (id: string, type: 'text' | 'date' | 'checkbox', required = true) => ({ id, documentId: 'd1', label: id, type, required, page: 1, rect: { x: 1, y: 1, width: 10, height: 10 }, value: null });
  const docs: RecipientDocument[] = [
    { id: 'd1', name: 'a.pdf', pageCount: 1, byteLength: 1, sha256: '', fields: [field('date', 'date'), field('agree', 'checkbox'), field('note', 'text', false)] },
  ];

  it('counts a required checkbox as filled only when checked, and trims text', () => {
    const values = initialValues(docs);
    expect(missingRequired(docs, values).map((f) => f.id)).toEqual(['date', 'agree']);
    values.date = '2026-11-21';
    values.agree = 'true';
    values.note = '  よろしくお願いします ';
    expect(missingRequired(docs, values)).toEqual([]);
    expect(completionPayload(docs, values)).toEqual({ date: '2026-11-21', agree: 'true', note: 'よろしくお願いします' });
  });
});
