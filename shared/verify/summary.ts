/**
 * The Adobe-style lines of one signature ("Version 1: signed by …", "The signature is valid", …) in
 * either language, for every renderer of a report: the verify CLI prints them, the verify page lays
 * them out. Plain data in, plain strings out.
 */
import { PANEL, formatMessage, type Lang } from '../i18n/verify.js';
import type { Change, SignatureReport } from './report.js';

export type Tone = 'good' | 'warn' | 'bad' | 'plain';
export interface SummaryLine {
  tone: Tone;
  text: string;
}

function t(lang: Lang, key: { ja: string; en: string }, params: Record<string, string | number> = {}): string {
  return formatMessage(key, lang, params);
}

export function signerLabel(s: SignatureReport, lang: Lang): string {
  if (!s.signer) return t(lang, PANEL.unknownSigner);
  const name = s.signer.name ?? s.signer.subject;
  const extra = [s.signer.email ? `<${s.signer.email}>` : '', s.signer.organization ? `(${s.signer.organization})` : ''].filter(Boolean).join(' ');
  return extra ? `${name} ${extra}` : name;
}

/** "Version 1: signed by …" */
export function versionHeading(s: SignatureReport, lang: Lang): string {
  const kind = t(lang, s.kind === 'timestamp' ? PANEL.kindTimestamp : PANEL.kindSignature);
  return t(lang, PANEL.version, { n: s.revision, who: signerLabel(s, lang), kind });
}

export function signatureIsValid(s: SignatureReport): boolean {
  return s.integrity === 'valid' && s.coverage !== 'nonstandard' && !s.problems.some((p) => p.severity === 'error');
}

/** Every form-level change after the signature was made and signed by a later signer. */
function onlySignedChanges(s: SignatureReport): boolean {
  return s.modificationsAfter.changes.every((c) => c.level !== 'form' || c.signed);
}

export function summaryLines(s: SignatureReport, lang: Lang): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const valid = signatureIsValid(s);
  lines.push({
    tone: valid ? 'good' : 'bad',
    text: t(lang, valid ? PANEL.signatureValid : s.integrity === 'unsupported' ? PANEL.signatureUnsupported : PANEL.signatureInvalid),
  });
  const m = s.modificationsAfter;
  if (m.level === 'none') lines.push({ tone: 'good', text: t(lang, PANEL.unchanged) });
  else if (m.level === 'other') lines.push({ tone: 'bad', text: t(lang, PANEL.changedDisallowed) });
  else if (m.level === 'form' && onlySignedChanges(s)) lines.push({ tone: 'good', text: t(lang, PANEL.changedBySigners) });
  else lines.push({ tone: m.level === 'lta' ? 'good' : 'warn', text: t(lang, PANEL.changedAllowed, { level: t(lang, PANEL.levels[m.level]) }) });
  if (s.coverage === 'whole') lines.push({ tone: 'plain', text: t(lang, PANEL.coverageWhole) });
  else if (s.coverage === 'revision') lines.push({ tone: 'plain', text: t(lang, PANEL.coverageRevision) });
  const source = { timestamp: PANEL.sourceTimestamp, claimed: PANEL.sourceClaimed, given: PANEL.sourceGiven, now: PANEL.sourceNow }[s.trustTime.source];
  if (s.trust === 'trusted') lines.push({ tone: 'good', text: t(lang, PANEL.trusted, { at: s.trustTime.at, source: t(lang, source) }) });
  else if (s.trust === 'untrusted') lines.push({ tone: 'bad', text: t(lang, PANEL.untrusted) });
  else lines.push({ tone: 'warn', text: t(lang, PANEL.trustUnknown) });
  if (s.timestampTime) {
    const status = s.timestamp.status === 'valid' ? t(lang, PANEL.valid) : t(lang, PANEL.invalid);
    lines.push({
      tone: s.timestamp.status === 'valid' ? 'good' : 'bad',
      text: t(lang, PANEL.embeddedTimestamp, { time: s.timestampTime, status: s.timestamp.tsa ? `${status}, TSA: ${s.timestamp.tsa}` : status }),
    });
  } else if (s.signingTime) lines.push({ tone: 'plain', text: t(lang, PANEL.noTimestamp, { time: s.signingTime }) });
  lines.push({ tone: s.ltv.enabled ? 'good' : 'plain', text: t(lang, s.ltv.enabled ? PANEL.ltvEnabled : PANEL.ltvNotEnabled) });
  if (s.reason) lines.push({ tone: 'plain', text: `${t(lang, PANEL.reason)}: ${s.reason}` });
  if (s.location) lines.push({ tone: 'plain', text: `${t(lang, PANEL.location)}: ${s.location}` });
  return lines;
}

export function verdictText(verdict: keyof typeof PANEL.verdict, lang: Lang): string {
  return t(lang, PANEL.verdict[verdict]);
}

export function levelText(level: keyof typeof PANEL.levels, lang: Lang): string {
  return t(lang, PANEL.levels[level]);
}

/** A note after a listed change: "made and signed by a later signer" for changes a later signature covers. */
export function changeNote(c: Change, lang: Lang): string {
  return c.signed ? ` — ${t(lang, PANEL.changeSigned)}` : '';
}
