/**
 * The help desk's view of a support bundle: the side panel's screens as the user saw them, one step at
 * a time, drawn read-only by the panel's own renderer from the recorded answers, beside the list of
 * events and API calls (status, error code, time). Nothing here talks to a server.
 */
import { useEffect, useMemo, useState } from 'react';
import type { SupportBundle } from '../../shared/api/support';
import { useI18n } from '../i18n/context';
import { PanelView } from '../sidepanel/PanelView';
import { PLACEHOLDER, replayBundle, type ReplayLine } from './replay';

function clock(iso: string, language: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d);
  return `${time}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

function describeLine(line: ReplayLine): string {
  if (line.kind === 'call') return `${line.method} ${line.route}`;
  const detail = line.detail ? Object.entries(line.detail).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '';
  return detail ? `${line.type} ${detail}` : line.type;
}

export function ReplayViewer({ bundle, supportCode }: { bundle: SupportBundle; supportCode?: string | null }) {
  const { t, language } = useI18n();
  const replay = useMemo(() => replayBundle(bundle), [bundle]);
  const [index, setIndex] = useState(0);
  useEffect(() => setIndex(0), [replay]);
  const step = replay.steps[Math.min(index, replay.steps.length - 1)];
  const last = replay.steps.length - 1;

  // The lines up to this step are what had happened by then.
  const current = step
    ? replay.lines.findIndex((l) => (step.event !== null ? l.kind === 'event' && l.index === step.event : l.kind === 'call' && l.index === step.call))
    : -1;

  return (
    <section className="replay" data-testid="replay-viewer" aria-label={t('support.replay.title')}>
      <h3>
        {t('support.replay.title')}
        {supportCode ? ` — ${supportCode}` : ''}
      </h3>
      <dl className="replay-summary" data-testid="replay-summary">
        <dt>{t('support.replay.extension')}</dt>
        <dd>{bundle.extensionVersion}</dd>
        <dt>{t('support.replay.browser')}</dt>
        <dd>{bundle.browser}</dd>
        <dt>{t('support.replay.page')}</dt>
        <dd>
          {bundle.page ?? '—'} / {bundle.adapter} / {bundle.language}
        </dd>
        <dt>{t('support.replay.detection')}</dt>
        <dd>{bundle.detection ? `${bundle.detection.result}: ${bundle.detection.reasons.join(' · ') || '—'}` : '—'}</dd>
        {bundle.envelopeId && (
          <>
            <dt>{t('support.replay.envelope')}</dt>
            <dd>
              <code>{bundle.envelopeId}</code>
              {bundle.recipientId && (
                <>
                  {' / '}
                  <code>{bundle.recipientId}</code>
                </>
              )}
            </dd>
          </>
        )}
      </dl>
      <div className="replay-body">
        <div className="replay-panel">
          <div className="replay-nav">
            <button type="button" data-testid="replay-prev" disabled={!step || index <= 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>
              {t('support.replay.prev')}
            </button>
            <span data-testid="replay-step" aria-live="polite" data-step={step ? index + 1 : 0} data-screen={step?.screen.name ?? ''}>
              {step ? t('support.replay.step', { n: index + 1, total: replay.steps.length, time: clock(step.at, language) }) : t('support.replay.noScreens')}
            </span>
            <button type="button" data-testid="replay-next" disabled={!step || index >= last} onClick={() => setIndex((i) => Math.min(last, i + 1))}>
              {t('support.replay.next')}
            </button>
          </div>
          {step && (
            // Read-only twice over: the renderer's own flag, and a disabled fieldset around every control.
            <div className="replay-screen" data-testid="replay-screen" data-screen={step.screen.name}>
              <p className="help">{t('support.replay.readOnly', { redacted: PLACEHOLDER })}</p>
              <fieldset disabled className="replay-frame">
                <PanelView screen={step.screen} api={replay.api} readOnly />
              </fieldset>
            </div>
          )}
        </div>
        <ol className="replay-lines" data-testid="replay-lines">
          {replay.lines.map((line, i) => (
            <li
              key={`${line.kind}-${line.index}`}
              data-testid="replay-line"
              data-kind={line.kind}
              data-current={i === current || undefined}
              className={`${i <= current ? 'past' : 'future'}${line.kind === 'call' && (line.status === 0 || line.status >= 400) ? ' failed' : ''}`}
            >
              <time dateTime={line.at}>{clock(line.at, language)}</time> <span>{describeLine(line)}</span>
              {line.kind === 'call' && (
                <span className="call-result">
                  {' → '}
                  {line.status === 0 ? t('support.replay.noAnswer') : line.status}
                  {line.errorCode ? ` ${line.errorCode}` : ''} ({Math.round(line.ms)} ms)
                </span>
              )}
              {line.kind === 'event' && line.ms !== undefined && <span className="call-result"> ({Math.round(line.ms)} ms)</span>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
