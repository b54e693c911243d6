/**
 * The envelopes sent so far, searched by the 電子帳簿保存法 keys (transaction date range, counterparty,
 * amount range) plus title, status and management number.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { EnvelopeStatus } from '../../../shared/api/recipient';
import type { EnvelopeView } from '../../../shared/api/sender';
import { useI18n } from '../../i18n/react';
import type { ConsoleApi } from '../session';
import { formatAmount, formatTime } from './format';
import { emptySearch, searchQuery, type SearchForm } from './search-query';

type Summary = Pick<EnvelopeView, 'id' | 'title' | 'status' | 'transactionDate' | 'counterparty' | 'amount' | 'managementNumber' | 'createdAt'>;

export function EnvelopeSearch({ api, active, onOpen }: { api: ConsoleApi; active: boolean; onOpen(envelopeId: string): void }) {
  const { t, language } = useI18n();
  const [form, setForm] = useState<SearchForm>(emptySearch);
  const [results, setResults] = useState<Summary[] | null>(null);
  const [problem, setProblem] = useState<{ at: keyof SearchForm; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const lastQuery = useRef('');

  const run = useCallback(
    async (query: string) => {
      setBusy(true);
      setError(null);
      try {
        const r = await api.get<{ envelopes: Summary[] }>(`/api/envelopes${query ? `?${query}` : ''}`);
        setResults(r.envelopes);
        lastQuery.current = query;
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [api],
  );

  // Fresh results each time the list is shown (an envelope may have moved on meanwhile).
  useEffect(() => {
    if (active) void run(lastQuery.current);
  }, [active, run]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = searchQuery(form);
    if (!q.ok) return setProblem({ at: q.at, text: t(q.message) });
    setProblem(null);
    void run(q.query);
  };
  const field = (key: keyof SearchForm, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <div>
      <label htmlFor={`search-${key}`}>{label}</label>
      <input id={`search-${key}`} data-testid={`search-${kebab(key)}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} {...props} />
      {problem?.at === key && (
        <p className="field-error" role="alert" data-testid="problem" data-at={`search-${key}`}>
          {problem.text}
        </p>
      )}
    </div>
  );

  return (
    <section className="envelope-search" aria-labelledby="search-heading">
      <h2 id="search-heading">{t('console.search.title')}</h2>
      <form onSubmit={submit} className="search-form" data-testid="search-form" noValidate>
        <div className="grid4">
          {field('dateFrom', t('console.search.dateFrom'), { type: 'date' })}
          {field('dateTo', t('console.search.dateTo'), { type: 'date' })}
          {field('amountMin', t('console.search.amountMin'), { inputMode: 'numeric' })}
          {field('amountMax', t('console.search.amountMax'), { inputMode: 'numeric' })}
          {field('counterparty', t('console.form.counterparty'))}
          {field('title', t('console.form.title'))}
          {field('managementNumber', t('console.form.managementNumber'))}
          <div>
            <label htmlFor="search-status">{t('console.search.status')}</label>
            <select id="search-status" data-testid="search-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as SearchForm['status'] })}>
              <option value="">{t('console.search.anyStatus')}</option>
              {EnvelopeStatus.options.map((s) => (
                <option key={s} value={s}>
                  {t(`console.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" data-testid="search-submit" disabled={busy}>
            {t('console.search.submit')}
          </button>
          <button
            type="button"
            data-testid="search-reset"
            onClick={() => {
              setForm(emptySearch());
              setProblem(null);
              void run('');
            }}
          >
            {t('console.search.reset')}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error" data-testid="search-error">
          {error}
        </p>
      )}
      {results && (
        <>
          <p className="help" data-testid="search-count" aria-live="polite">
            {t('console.search.count', { count: results.length })}
          </p>
          {results.length > 0 && (
            <table className="envelope-table">
              <thead>
                <tr>
                  <th>{t('console.form.title')}</th>
                  <th>{t('console.search.status')}</th>
                  <th>{t('console.form.transactionDate')}</th>
                  <th>{t('console.form.counterparty')}</th>
                  <th>{t('console.form.amount')}</th>
                  <th>{t('console.form.managementNumber')}</th>
                  <th>{t('console.search.created')}</th>
                </tr>
              </thead>
              <tbody>
                {results.map((e) => (
                  <tr key={e.id} data-testid="envelope-row" data-envelope-id={e.id}>
                    <td>
                      <button type="button" className="link" data-testid="envelope-open" onClick={() => onOpen(e.id)}>
                        {e.title}
                      </button>
                    </td>
                    <td>
                      <span className={`status status-${e.status}`}>{t(`console.status.${e.status}`)}</span>
                    </td>
                    <td>{e.transactionDate ?? '—'}</td>
                    <td>{e.counterparty ?? '—'}</td>
                    <td className="number">{formatAmount(e.amount, language)}</td>
                    <td>{e.managementNumber ?? '—'}</td>
                    <td>{formatTime(e.createdAt, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
