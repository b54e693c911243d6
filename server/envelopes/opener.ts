/**
 * Tells a mail scanner's fetch of a signing link from a person's browser, for the help desk's timeline.
 * Scanners (Microsoft Defender Safe Links, Proofpoint, Mimecast, Barracuda, Google's link checks) fetch
 * every link in a mail within seconds of delivery, usually without cookies or Accept-Language, often
 * with a library's User-Agent. It only labels; it never changes what the link does.
 */
const SCANNER_UA = [
  /bot|crawler|spider|preview|scanner|safelinks|safe ?links/i,
  /proofpoint|mimecast|barracuda|trendmicro|symantec|forcepoint|fireeye|cisco|sophos|zscaler/i,
  /python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|curl\/|wget\/|libwww|httpclient|node-fetch|undici|axios/i,
  /Microsoft Office|MSOffice|ms-office|Outlook-iOS|Microsoft URL Control/i,
  /Google-Safety|GoogleImageProxy|HeadlessChrome/i,
];

export type Opener = { kind: 'browser' | 'extension' | 'scanner'; reasons: string[] };

export function classifyOpener(headers: { userAgent?: string | null; acceptLanguage?: string | null; extension?: boolean }): Opener {
  const ua = headers.userAgent ?? '';
  const reasons: string[] = [];
  if (!ua) reasons.push('no user agent');
  const match = SCANNER_UA.find((re) => re.test(ua));
  if (match) reasons.push(`user agent matches ${match.source.split('|')[0]}`);
  if (!headers.acceptLanguage) reasons.push('no accept-language');
  if (reasons.length > 0 && (match || !ua || !/Mozilla\/5\.0/.test(ua))) return { kind: 'scanner', reasons };
  if (headers.extension) return { kind: 'extension', reasons: ['esign extension'] };
  return { kind: 'browser', reasons };
}
