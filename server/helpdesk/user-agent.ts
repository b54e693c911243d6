/** A user agent as a help-desk operator says it on the phone: `Edge 131 / Windows`, `Microsoft Office (link scanner)`. */
const SCANNERS: [RegExp, string][] = [
  [/ms-office|MSOffice|Microsoft Office|Microsoft URL Control/i, 'Microsoft Office / Defender'],
  [/safelinks|safe ?links/i, 'Microsoft Safe Links'],
  [/proofpoint/i, 'Proofpoint'],
  [/mimecast/i, 'Mimecast'],
  [/barracuda/i, 'Barracuda'],
  [/Google-Safety|GoogleImageProxy/i, 'Google'],
  [/HeadlessChrome/i, 'Headless Chrome'],
  [/python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|curl\/|wget\/|libwww|httpclient|node-fetch|undici|axios/i, 'HTTP library'],
];

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* .*Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function userAgentSummary(ua: string | null): string | null {
  if (!ua) return null;
  const scanner = SCANNERS.find(([re]) => re.test(ua));
  if (scanner) return `${scanner[1]} (link scanner)`;
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  for (const [re, name] of BROWSERS) {
    const m = re.exec(ua);
    if (m) return os ? `${name} ${m[1]} / ${os}` : `${name} ${m[1]}`;
  }
  return ua.slice(0, 60);
}
