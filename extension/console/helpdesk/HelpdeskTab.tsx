/**
 * The console's help-desk tab: one search box for whatever the caller reads out (envelope id,
 * management number, their email address, support code), the envelopes found with the diagnosis
 * headline, each envelope's timeline and fixes, and the support bundle — from a support-code look-up or
 * imported by paste or file — replayed read-only as the user saw it.
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { HelpdeskLookup, HelpdeskTimeline, SupportBundle } from '../../../shared/api/support';
import { useI18n } from '../../i18n/context';
import { ReplayViewer } from '../../support/ReplayViewer';
import { consoleApi, type ConsoleSession } from '../session';
import { importBundle } from './bundle-import';
import { EnvelopeTimeline, useProblemText } from './EnvelopeTimeline';
import './helpdesk.css';

interface ActiveBundle {
  bundle: SupportBundle;
  supportCode: string | null;
  source: 'lookup' | 'import';
  receivedAt?: string;
}

export function HelpdeskTab({ session }: { session: ConsoleSession }) {
  const { t, language } = useI18n();
  const languageRef = useRef(language);
  languageRef.current = language;
  const api = useMemo(() => consoleApi(session.origin, session.token, () => languageRef.current), [session]);
  const problemText = useProblemText();

  const [query, setQuery] = useState('');
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<HelpdeskLookup | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [timeline, setTimeline] = useState<HelpdeskTimeline | null>(null);
  const [active, setActive] = useState<ActiveBundle | null>(null);
  const [replaying, setReplaying] = useState(false);
  const [pasted, setPasted] = useState('');
  const [importProblem, setImportProblem] = useState<string | null>(null);

  const when = (iso: string) => new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Asia/Tokyo' }).format(new Date(iso));

  const loadTimeline = async (envelopeId: string) => {
    setTimeline(await api.get<HelpdeskTimeline>(`/api/helpdesk/envelopes/${encodeURIComponent(envelopeId)}/timeline`));
  };

  const search = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    if (!q) return;
    setSearching(true);
    setProblem(null);
    try {
      const answer = await api.get<HelpdeskLookup>(`/api/helpdesk/lookup?q=${encodeURIComponent(q)}`);
      setFound(answer);
      setTimeline(null);
      if (answer.bundle) {
        setActive({ bundle: answer.bundle.bundle as SupportBundle, supportCode: answer.bundle.supportCode, source: 'lookup', receivedAt: answer.bundle.createdAt });
        setReplaying(false);
      }
      // One envelope found: show it at once, as the caller is waiting on the phone.
      if (answer.envelopes.length === 1) await loadTimeline(answer.envelopes[0]!.id);
    } catch (err) {
      setProblem(problemText(err));
    } finally {
      setSearching(false);
    }
  };

  const openEnvelope = async (id: string) => {
    setProblem(null);
    try {
      await loadTimeline(id);
    } catch (err) {
      setProblem(problemText(err));
    }
  };

  const doImport = (text: string) => {
    const result = importBundle(text);
    if (!result.ok) {
      setImportProblem(result.problem === 'empty' ? t('support.helpdesk.importEmpty') : result.problem === 'not-json' ? t('support.helpdesk.importNotJson') : t('support.helpdesk.importInvalid', { detail: result.detail ?? '' }));
      return;
    }
    setImportProblem(null);
    setActive({ bundle: result.bundle, supportCode: result.supportCode, source: 'import' });
    setReplaying(false);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    setPasted(text);
    doImport(text);
  };

  return (
    <div className="helpdesk" data-testid="helpdesk-tab">
      <form className="helpdesk-search" onSubmit={(e) => void search(e)} role="search">
        <label htmlFor="helpdesk-query">{t('support.helpdesk.query')}</label>
        <div className="row">
          <input id="helpdesk-query" data-testid="helpdesk-query" type="search" value={query} maxLength={254} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
          <button type="submit" className="primary" data-testid="helpdesk-search" disabled={searching}>
            {searching ? t('support.helpdesk.searching') : t('support.helpdesk.search')}
          </button>
        </div>
      </form>
      {problem && (
        <p role="alert" className="error" data-testid="helpdesk-problem">
          {problem}
        </p>
      )}

      {found && (
        <section className="helpdesk-results" data-testid="helpdesk-results" aria-live="polite">
          {found.envelopes.length === 0 ? (
            !found.bundle && <p data-testid="helpdesk-no-results">{t('support.helpdesk.noResults', { query: found.query })}</p>
          ) : (
            <>
              <p className="help">{t('support.helpdesk.results', { count: found.envelopes.length })}</p>
              <ul>
                {found.envelopes.map((e) => (
                  <li key={e.id} data-testid="helpdesk-result" data-envelope-id={e.id} className={timeline?.envelope.id === e.id ? 'selected' : undefined}>
                    <div>
                      <strong>{e.title}</strong> <span className="status">{e.status}</span>
                      {e.managementNumber && <span className="help"> · {e.managementNumber}</span>}
                      <span className="help"> · {t('support.helpdesk.matchedBy', { how: e.matchedBy.map((m) => t(`support.helpdesk.match.${m}`)).join(', ') })}</span>
                    </div>
                    <div data-testid="helpdesk-headline" data-code={e.diagnosis.headline.code}>
                      {e.diagnosis.headline.message}
                    </div>
                    <button type="button" data-testid="helpdesk-open" onClick={() => void openEnvelope(e.id)}>
                      {t('support.helpdesk.open')}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      <details className="helpdesk-import" data-testid="bundle-import-section">
        <summary>{t('support.helpdesk.import')}</summary>
        <p className="help">{t('support.helpdesk.importHelp')}</p>
        <textarea data-testid="bundle-import" rows={5} value={pasted} onChange={(e) => setPasted(e.target.value)} spellCheck={false} aria-label={t('support.helpdesk.import')} />
        <div className="actions">
          <label className="file-button">
            {t('support.helpdesk.importFile')}
            <input
              data-testid="bundle-import-file"
              type="file"
              accept="application/json,.json,.txt"
              onChange={(e) => {
                void onFile(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </label>
          <button type="button" data-testid="bundle-import-submit" onClick={() => doImport(pasted)}>
            {t('support.helpdesk.importSubmit')}
          </button>
        </div>
        {importProblem && (
          <p role="alert" className="error" data-testid="bundle-import-problem">
            {importProblem}
          </p>
        )}
      </details>

      {active && (
        <section className="helpdesk-bundle" data-testid="helpdesk-bundle">
          <p>
            {active.source === 'lookup' && active.supportCode && active.receivedAt
              ? t('support.helpdesk.bundleFound', { code: active.supportCode, time: when(active.receivedAt) })
              : t('support.helpdesk.imported')}
          </p>
          <button type="button" data-testid="replay-open" onClick={() => setReplaying((r) => !r)} aria-expanded={replaying}>
            {replaying ? t('support.helpdesk.replayClose') : t('support.helpdesk.replayOpen')}
          </button>
          {replaying && <ReplayViewer bundle={active.bundle} supportCode={active.supportCode} />}
        </section>
      )}

      {timeline && <EnvelopeTimeline key={timeline.envelope.id} api={api} timeline={timeline} operatorEmail={session.user.email} onReload={() => loadTimeline(timeline.envelope.id)} />}
    </div>
  );
}
