/** Plain-text renderings of a look-up and a timeline, for the CLI (the data comes ready from lookup/timeline). */
import type { Lang } from '../../shared/i18n/errors.js';
import type { Diagnosis, HelpdeskLookup, HelpdeskTimeline } from '../../shared/api/support.js';
import { jstTime } from './messages.js';

const L = (lang: Lang, ja: string, en: string) => (lang === 'ja' ? ja : en);

function diagnosisLines(d: Diagnosis, lang: Lang): string[] {
  const lines = [`  ${L(lang, '診断', 'diagnosis')}: ${d.headline.message}`];
  for (const r of d.recipients) {
    lines.push(`  ${r.current ? '→' : ' '} ${r.name} <${r.email}>  ${r.status}${r.role === 'cc' ? ' (cc)' : ''}${r.actions.length ? `  [${r.actions.join(', ')}]` : ''}`);
    for (const f of r.findings) lines.push(`      - ${f.message}`);
  }
  return lines;
}

export function renderLookup(l: HelpdeskLookup, lang: Lang): string {
  const lines: string[] = [];
  if (l.bundle) {
    const b = l.bundle;
    lines.push(
      `${L(lang, 'サポートコード', 'support code')} ${b.supportCode}  ${jstTime(Date.parse(b.createdAt), lang)}  ${b.bundle.browser}  ${b.bundle.adapter}  ${L(lang, '拡張機能', 'extension')} ${b.bundle.extensionVersion}`,
    );
    if (b.bundle.detection) lines.push(`  ${L(lang, '検出', 'detection')}: ${b.bundle.detection.result} (${b.bundle.detection.reasons.join('; ')})`);
    for (const call of b.bundle.apiCalls.filter((x) => x.status === 0 || x.status >= 400)) lines.push(`  ${call.at}  ${call.method} ${call.route} → ${call.status} ${call.errorCode ?? ''}`.trimEnd());
  }
  for (const e of l.envelopes) {
    lines.push(`${e.id}  ${e.title}  [${e.status}]${e.managementNumber ? `  ${e.managementNumber}` : ''}  (${e.matchedBy.join(', ')})`);
    lines.push(...diagnosisLines(e.diagnosis, lang));
  }
  if (!l.envelopes.length && !l.bundle) lines.push(L(lang, '（該当なし）', '(nothing found)'));
  return lines.join('\n');
}

export function renderTimeline(t: HelpdeskTimeline, lang: Lang): string {
  const lines = [`${t.envelope.id}  ${t.envelope.title}  [${t.envelope.status}]`, ...diagnosisLines(t.diagnosis, lang), ''];
  for (const e of t.entries) {
    const who = e.recipient ? `${e.recipient.name} <${e.recipient.email}>` : '';
    const from = [e.ip, e.userAgent].filter(Boolean).join(' ');
    lines.push(`${e.jst}  ${e.kind.padEnd(22)} ${who ? `${who}  ` : ''}${e.description}${from ? `  [${from}]` : ''}`);
  }
  return lines.join('\n');
}
