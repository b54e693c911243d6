/**
 * One file's verification report: the verdict, then one entry per revision (version) with the
 * Adobe-style lines, expandable details (certificate chain, times, the changes list) and the document
 * as that signature signed it. Renders the plain-data report only.
 */
import { lazy, Suspense, useId, useState } from 'react';
import type { Lang } from '../../shared/i18n/verify';
import type { Change, SignatureReport, VerificationReport } from '../../shared/verify';
import type { VerifyTranslate } from './messages';
import { changeNote, levelText, summaryLines, verdictText, versionHeading } from '../../shared/verify/summary';

const MAX_CHANGES_SHOWN = 50;
// pdf.js loads only when someone asks to see a signed version.
const SignedVersion = lazy(() => import('./SignedVersion').then((m) => ({ default: m.SignedVersion })));

export interface ReportPanelProps {
  name: string;
  report: VerificationReport;
  /** Byte end of each revision (index 0 = version 1): the prefix that version's signature signed. */
  revisionEnds: number[];
  elapsedMs?: number;
  /** Where the time went (shown to no one; the benchmark reads them). */
  timings?: { readMs: number; verifyMs: number };
  lang: Lang;
  t: VerifyTranslate;
  /** The first `end` bytes of the file, for "view signed version". */
  loadPrefix(end: number): Promise<ArrayBuffer>;
}

const VERDICT_TONE = { valid: 'good', 'valid-with-changes': 'good', 'unknown-trust': 'warn', invalid: 'bad', unsigned: 'plain' } as const;

export function ReportPanel({ name, report, revisionEnds, elapsedMs, timings, lang, t, loadPrefix }: ReportPanelProps) {
  const headingId = useId();
  return (
    <section
      className="verify-result"
      data-testid="verify-result"
      data-verdict={report.verdict}
      data-elapsed-ms={elapsedMs === undefined ? undefined : Math.round(elapsedMs)}
      data-read-ms={timings ? Math.round(timings.readMs) : undefined}
      data-verify-ms={timings ? Math.round(timings.verifyMs) : undefined}
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>{name}</h2>
      <p className={`verdict tone-${VERDICT_TONE[report.verdict]}`} data-testid="verify-verdict" role="status">
        {verdictText(report.verdict, lang)}
      </p>
      {report.problems.length > 0 && (
        <ul className="problems">
          {report.problems.map((p, i) => (
            <li key={i} className={p.severity === 'error' ? 'tone-bad' : 'tone-warn'}>
              {p.message[lang]}
            </li>
          ))}
        </ul>
      )}
      {report.revisions > 0 && (
        <p className="help">
          {t('revisionsCount', { n: report.revisions, pages: report.pageCount ?? '?' })}
          {elapsedMs !== undefined && ` · ${t('elapsed', { ms: Math.round(elapsedMs) })}`}
        </p>
      )}
      {report.signatures.length > 0 && (
        <ol className="revisions" aria-label={t('revisions')}>
          {report.signatures.map((s) => (
            <Revision key={`${s.revision}:${s.field}`} s={s} end={revisionEnds[s.revision - 1] ?? signedEnd(s)} lang={lang} t={t} loadPrefix={loadPrefix} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** Where the signed bytes end, from the ByteRange (when the revision table is unavailable). */
function signedEnd(s: SignatureReport): number | undefined {
  const br = s.byteRange;
  return br && br.length === 4 ? br[2] + br[3] : undefined;
}

function Revision({ s, end, lang, t, loadPrefix }: { s: SignatureReport; end: number | undefined; lang: Lang; t: VerifyTranslate; loadPrefix(end: number): Promise<ArrayBuffer> }) {
  const [open, setOpen] = useState(false);
  const [viewing, setViewing] = useState(false);
  const detailsId = useId();
  const lines = summaryLines(s, lang);
  return (
    <li className="revision" data-testid="verify-revision" data-revision={s.revision} data-kind={s.kind}>
      <h3>{versionHeading(s, lang)}</h3>
      <ul className="lines">
        {lines.map((l, i) => (
          <li key={i} className={`tone-${l.tone}`}>
            {l.text}
          </li>
        ))}
        {s.problems
          .filter((p) => p.severity !== 'info')
          .map((p, i) => (
            <li key={`p${i}`} className={p.severity === 'error' ? 'tone-bad' : 'tone-warn'}>
              {p.message[lang]}
            </li>
          ))}
      </ul>
      <div className="actions">
        <button type="button" aria-expanded={open} aria-controls={detailsId} data-testid="revision-details" onClick={() => setOpen((o) => !o)}>
          {open ? t('hideDetails') : t('details')}
        </button>
        {end !== undefined && (
          <button type="button" aria-expanded={viewing} data-testid="view-revision" onClick={() => setViewing((v) => !v)}>
            {viewing ? t('hideSigned') : t('viewSigned')}
          </button>
        )}
      </div>
      {open && <Details id={detailsId} s={s} lang={lang} t={t} />}
      {viewing && end !== undefined && (
        <Suspense fallback={<p className="help">…</p>}>
          <SignedVersion end={end} label={t('signedVersion', { n: s.revision, bytes: end })} loadPrefix={loadPrefix} />
        </Suspense>
      )}
    </li>
  );
}

function Details({ id, s, lang, t }: { id: string; s: SignatureReport; lang: Lang; t: VerifyTranslate }) {
  const changes = s.modificationsAfter.changes;
  return (
    <div id={id} className="details" data-testid="revision-details-body">
      <dl>
        <dt>{t('field')}</dt>
        <dd>{s.field}</dd>
        {s.certification && (
          <>
            <dt>{t('certification', { p: s.certification.permission })}</dt>
            <dd />
          </>
        )}
        <dt>{t('algorithm')}</dt>
        <dd>{[s.subFilter, s.digestAlgorithm, s.signatureAlgorithm].filter(Boolean).join(' · ') || '—'}</dd>
        {s.byteRange && (
          <>
            <dt>{t('byteRange')}</dt>
            <dd>
              <code>[{s.byteRange.join(' ')}]</code>
            </dd>
          </>
        )}
      </dl>
      {s.signer && (
        <>
          <h4>{t('signer')}</h4>
          <dl>
            <dt>{t('subject')}</dt>
            <dd>{s.signer.subject}</dd>
            <dt>{t('issuer')}</dt>
            <dd>{s.signer.issuer}</dd>
            <dt>{t('serial')}</dt>
            <dd>
              <code>{s.signer.serialNumber}</code>
            </dd>
            <dt>{t('validity')}</dt>
            <dd>
              {s.signer.notBefore} – {s.signer.notAfter}
            </dd>
          </dl>
        </>
      )}
      <h4>{t('chain')}</h4>
      {s.chain.length ? (
        <ol className="chain" data-testid="certificate-chain">
          {s.chain.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ol>
      ) : (
        <p className="help">{t('chainNone')}</p>
      )}
      <h4>{t('timestamps')}</h4>
      <dl>
        {s.signingTime && (
          <>
            <dt>{t('signingTime')}</dt>
            <dd>{s.signingTime}</dd>
          </>
        )}
        <dt>{t('timestampTime')}</dt>
        <dd>{s.timestampTime ? `${s.timestampTime} (${s.timestamp.status})` : t('timestampAbsent')}</dd>
        {s.timestamp.tsa && (
          <>
            <dt>{t('tsa')}</dt>
            <dd>
              {s.timestamp.tsa}
              {s.timestamp.trust ? ` (${s.timestamp.trust})` : ''}
            </dd>
          </>
        )}
        <dt>{t('trustTime')}</dt>
        <dd>
          {s.trustTime.at} ({s.trustTime.source})
        </dd>
      </dl>
      {!s.ltv.enabled && s.ltv.missing.length > 0 && <p className="help">{t('ltvMissing', { missing: s.ltv.missing.join(', ') })}</p>}
      <h4>{t('changes')}</h4>
      {changes.length === 0 ? (
        <p className="help">{t('noChanges')}</p>
      ) : (
        <ul className="changes" data-testid="changes-list">
          {changes.slice(0, MAX_CHANGES_SHOWN).map((c, i) => (
            <li
              key={i}
              data-signed={c.signed ? 'true' : undefined}
              className={c.level === 'other' ? 'tone-bad' : c.signed ? 'tone-good' : c.level === 'annotations' || c.level === 'form' ? 'tone-warn' : undefined}
            >
              {describeChange(c, lang)}
            </li>
          ))}
          {changes.length > MAX_CHANGES_SHOWN && <li>{t('moreChanges', { count: changes.length - MAX_CHANGES_SHOWN })}</li>}
        </ul>
      )}
    </div>
  );
}

function describeChange(c: Change, lang: Lang): string {
  const where = [c.page ? `p.${c.page}` : '', c.annotationType ?? '', c.rect ? `[${c.rect.join(' ')}]` : '', c.field ?? '', c.object !== undefined ? `obj ${c.object}` : '', c.detail ?? '']
    .filter(Boolean)
    .join(' ');
  return `v${c.revision} ${c.kind} (${levelText(c.level, lang)})${where ? `: ${where}` : ''}${changeNote(c, lang)}`;
}
