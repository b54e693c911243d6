import { describe, expect, it } from 'vitest';
import { SIGNING_PATH as CONTRACT_SIGNING_PATH } from '../../shared/api/recipient';
import { judgeLink, resembles, SIGNING_PATH, type LinkVerdict } from '../../extension/links/trust';
import { unwrapLink } from '../../extension/links/unwrap';

const SERVER = 'https://esign.city.example.lg.jp';
const DEV = 'http://127.0.0.1:8787';
const TRUSTED = [SERVER, DEV];
const TOKEN = 'q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e';
const LINK = `${SERVER}/s/${TOKEN}`;
const enc = encodeURIComponent;
const google = (u: string) => `https://www.google.com/url?q=${enc(u)}&source=gmail&ust=1763760000000000&usg=AOvVaw3sQ0mJ1x`;
const safelinks = (u: string, region = 'jpn01') =>
  `https://${region}.safelinks.protection.outlook.com/?url=${enc(u)}&data=05%7C02%7Cuser%40example.com%7C1&sdata=abc%3D&reserved=0`;

function judge(href: string, text?: string): LinkVerdict {
  return judgeLink({ href, text }, TRUSTED);
}

function reason(href: string, text?: string) {
  const v = judge(href, text);
  return v.kind === 'suspicious' ? `${v.reason}/${v.strength}` : v.kind;
}

describe('a signing link on a trusted server', () => {
  it.each([
    ['the plain link', LINK],
    ['with a trailing slash', `${LINK}/`],
    ['with an upper-case host', `https://ESIGN.City.Example.LG.JP/s/${TOKEN}`],
    ['behind Gmail’s google.com/url redirect', google(LINK)],
    ['behind Outlook Safe Links', safelinks(LINK)],
    ['behind Safe Links in another region', safelinks(LINK, 'nam12')],
    ['behind Safe Links wrapping a Google redirect (forwarded mail)', safelinks(google(LINK))],
    ['on a local development server listed at build time', `${DEV}/s/${TOKEN}`],
  ])('is recognised %s', (_, href) => {
    const v = judge(href);
    expect(v.kind).toBe('signing');
    if (v.kind === 'signing') {
      expect(v.token).toBe(TOKEN);
      expect(v.link).toBe(`${v.origin}/s/${TOKEN}`);
    }
  });

  it('keeps the same token pattern as the API contract', () => {
    expect(SIGNING_PATH.source).toBe(CONTRACT_SIGNING_PATH.source);
  });
});

describe('a link that imitates a trusted server', () => {
  it.each([
    ['userinfo: trusted name before @', `https://esign.city.example.lg.jp@evil.example/s/${TOKEN}`, 'userinfo/claims-trusted'],
    ['userinfo with a fake port as password', `https://esign.city.example.lg.jp:443@evil.example/s/${TOKEN}`, 'userinfo/claims-trusted'],
    ['userinfo with an encoded @ in the name', `https://esign.city.example.lg.jp%40x@evil.example/s/${TOKEN}`, 'userinfo/claims-trusted'],
    ['plain http to the trusted host', `http://esign.city.example.lg.jp/s/${TOKEN}`, 'insecure/claims-trusted'],
    ['an odd port on the trusted host', `https://esign.city.example.lg.jp:8443/s/${TOKEN}`, 'port/claims-trusted'],
    ['another port on the local dev server', `http://127.0.0.1:9999/s/${TOKEN}`, 'port/claims-trusted'],
    ['https to the http-only dev server', `https://127.0.0.1:8787/s/${TOKEN}`, 'insecure/claims-trusted'],
    ['Cyrillic е (IDN homograph, becomes punycode)', `https://еsign.city.example.lg.jp/s/${TOKEN}`, 'punycode/signing-shaped'],
    ['an explicit punycode label', `https://xn--esgn-x3a.city.example.lg.jp/s/${TOKEN}`, 'punycode/signing-shaped'],
    ['the trusted name as a subdomain of another domain', `https://esign.city.example.lg.jp.evil.example/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['the trusted name with a suffix', `https://esign.city.example.lg.jp-verify.example/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['a trailing dot (a different origin)', `https://esign.city.example.lg.jp./s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['dots replaced by hyphens', `https://esign-city.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['transposed letters', `https://esgin.city.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['digit 1 for letter i', `https://esign.c1ty.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['rn for m', `https://esign.city.exarnple.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['several homoglyphs at once (1 for l/i, rn for m)', `https://esign.c1ty.exarnple.1g.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['another top-level domain', `https://esign.city.example.com/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['a missing letter', `https://esig.city.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['the trusted host in the path', `https://evil.example/esign.city.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['a backslash before @ (parsed as a path)', `https://evil.example\\@esign.city.example.lg.jp/s/${TOKEN}`, 'lookalike/claims-trusted'],
    ['a fake Google redirect host', `https://www.google.com.evil.example/url?q=${enc(LINK)}`, 'fake-wrapper/claims-trusted'],
    ['a Google redirect over plain http', `http://www.google.com/url?q=${enc(LINK)}`, 'fake-wrapper/claims-trusted'],
    ['a Google redirect with userinfo', `https://www.google.com@evil.example/url?q=${enc(LINK)}`, 'fake-wrapper/claims-trusted'],
    ['a fake Safe Links host', `https://jpn01.safelinks.protection.outlook.com.evil.example/?url=${enc(LINK)}`, 'fake-wrapper/claims-trusted'],
    ['Safe Links under the wrong parent domain', `https://jpn01.safelinks-protection-outlook.example/?url=${enc(LINK)}`, 'fake-wrapper/claims-trusted'],
    ['a real Google redirect to a lookalike', google(`https://esign-city.example.lg.jp/s/${TOKEN}`), 'lookalike/claims-trusted'],
    ['real Safe Links to plain http', safelinks(`http://esign.city.example.lg.jp/s/${TOKEN}`), 'insecure/claims-trusted'],
    ['link text naming the trusted server, href elsewhere', 'https://evil.example/login', 'text-mismatch/claims-trusted', `${LINK}`],
    ['link text with just the trusted host name', 'https://evil.example/a', 'text-mismatch/claims-trusted', 'esign.city.example.lg.jp'],
  ])('is caught: %s', (_, href, expected, text?: string) => {
    expect(reason(href, text)).toBe(expected);
  });
});

describe('a signing-shaped link elsewhere', () => {
  it.each([
    ['an /s/ link on an unknown server', `https://sign.evil.example/s/${TOKEN}`, 'untrusted-host/signing-shaped'],
    ['an /s/ link on an IP address', `https://203.0.113.7/s/${TOKEN}`, 'untrusted-host/signing-shaped'],
    ['a malformed token on the trusted server', `${SERVER}/s/short`, 'malformed-token/signing-shaped'],
    ['signing words on an unknown server', 'https://contracts.evil.example/sign?id=42', 'untrusted-host/plain'],
  ])('is suspicious: %s', (_, href, expected) => {
    expect(reason(href)).toBe(expected);
  });
});

describe('ordinary links', () => {
  it.each([
    ['the municipality’s own web site', 'https://www.city.example.lg.jp/privacy'],
    ['a help page on the trusted server', `${SERVER}/help`],
    ['a mailto link', 'mailto:soumu@city.example.lg.jp'],
    ['a javascript: link', 'javascript:alert(1)'],
    ['a relative link', '/s/abc'],
    ['an unparseable href', 'https://exa mple.com/%zz'],
    ['a Google redirect to an ordinary page', google('https://www.e-gov.go.jp/')],
  ])('are left alone: %s', (_, href) => {
    expect(judge(href).kind).toBe('other');
  });
});

describe('unwrapping', () => {
  it('removes nested wrappers outermost first', () => {
    const u = unwrapLink(safelinks(google(LINK)));
    expect(u.wrappers).toEqual(['safelinks', 'google']);
    expect(u.url?.href).toBe(LINK);
    expect(u.fakeWrapper).toBe(false);
  });
  it('does not follow a wrapper on a host that only looks like Google', () => {
    const u = unwrapLink(`https://google.com.evil.example/url?q=${enc(LINK)}`);
    expect(u.wrappers).toEqual([]);
    expect(u.url?.hostname).toBe('google.com.evil.example');
    expect(u.fakeWrapper).toBe(true);
  });
  it('stops after a few levels (wrapper loops)', () => {
    let href = LINK;
    for (let i = 0; i < 10; i++) href = google(href);
    expect(unwrapLink(href).wrappers.length).toBeLessThanOrEqual(4);
    expect(judge(href).kind).not.toBe('signing');
  });
});

describe('resemblance', () => {
  it('is not claimed between the same or unrelated hosts', () => {
    expect(resembles('esign.city.example.lg.jp', 'esign.city.example.lg.jp')).toBe(false);
    expect(resembles('www.github.com', 'esign.city.example.lg.jp')).toBe(false);
    expect(resembles('mail.city.example.lg.jp', 'esign.city.example.lg.jp')).toBe(false);
  });
});

it('an empty trust list recognises nothing as signing', () => {
  expect(judgeLink({ href: LINK }, []).kind).not.toBe('signing');
  expect(judgeLink({ href: LINK }, ['not a url']).kind).not.toBe('signing');
});
