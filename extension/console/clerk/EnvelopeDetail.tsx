/**
 * One envelope: its bookkeeping keys, documents, and each recipient's status and times; the clerk's
 * actions (resend a link, unlock, extend, cancel with a reason) and, once concluded, the signed PDFs and
 * the conclusion certificate (締結証明書).
 */
import { useCallback, useEffect, useState } from 'react';
import type { EnvelopeView } from '../../../shared/api/sender';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/react';
import { saveFile } from '../../sidepanel/save-file';
import type { ConsoleApi } from '../session';
import { CancelEnvelope } from './CancelEnvelope';
import { sizeText } from './DocumentList';
import { formatAmount, formatTime } from './format';
import { RecipientStatusTable } from './RecipientStatusTable';

interface Props {
  api: ConsoleApi;
  envelopeId: string;
  justSent: boolean;
  onBack(): void;
}

export function EnvelopeDetail({ api, envelopeId, justSent, onBack }: Props) {
  const { t, language } = useI18n();
  const [envelope, setEnvelope] = useState<EnvelopeView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(justSent ? t('console.detail.sent') : null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setEnvelope(await api.get<EnvelopeView>(`/api/envelopes/${encodeURIComponent(envelopeId)}`));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, envelopeId]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Runs a clerk action; the envelope is read again afterwards so the screen shows what the server did. */
  const act = async (run: () => Promise<unknown>, done: MessageKey, vars?: Record<string, string | number>) => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await run();
      // Read first, then say it is done: the notice never stands beside the state from before the action.
      await load();
      setNotice(t(done, vars));
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      await load();
      return false;
    } finally {
      setBusy(false);
    }
  };

  const download = (path: string, name: string) =>
    act(async () => saveFile(name, await api.bytes(path)), 'console.detail.downloaded', { name });

  if (!envelope)
    return (
      <section className="envelope-detail" data-testid="envelope-detail-loading">
        <button type="button" data-testid="detail-back" onClick={onBack}>
          {t('console.detail.back')}
        </button>
        {error ? (
          <p role="alert" className="error" data-testid="detail-error">
            {error}
          </p>
        ) : (
          <p>{t('panel.loading')}</p>
        )}
      </section>
    );

  const concluded = envelope.status === 'completed';
  const base = `/api/envelopes/${encodeURIComponent(envelope.id)}`;
  return (
    <section className="envelope-detail" data-testid="envelope-detail" data-envelope-id={envelope.id} aria-labelledby="detail-title">
      <div className="actions">
        <button type="button" data-testid="detail-back" onClick={onBack}>
          {t('console.detail.back')}
        </button>
        <button type="button" data-testid="detail-refresh" disabled={busy} onClick={() => void load()}>
          {t('console.detail.refresh')}
        </button>
      </div>
      <h2 id="detail-title" data-testid="detail-title">
        {envelope.title}{' '}
        <span className={`status status-${envelope.status}`} data-testid="envelope-status" data-status={envelope.status}>
          {t(`console.status.${envelope.status}`)}
        </span>
      </h2>
      {notice && (
        <p className="notice" role="status" data-testid="detail-notice">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="detail-error">
          {error}
        </p>
      )}
      <dl>
        <dt>{t('console.form.transactionDate')}</dt>
        <dd data-testid="detail-date">{envelope.transactionDate ?? '—'}</dd>
        <dt>{t('console.form.counterparty')}</dt>
        <dd data-testid="detail-counterparty">{envelope.counterparty ?? '—'}</dd>
        <dt>{t('console.form.amount')}</dt>
        <dd data-testid="detail-amount">{formatAmount(envelope.amount, language)}</dd>
        <dt>{t('console.form.managementNumber')}</dt>
        <dd data-testid="detail-management-number">{envelope.managementNumber ?? '—'}</dd>
        <dt>{t('console.detail.sender')}</dt>
        <dd>
          {envelope.sender.organization} {envelope.sender.name}
        </dd>
        <dt>{t('console.search.created')}</dt>
        <dd>{formatTime(envelope.createdAt, language)}</dd>
        <dt>{t('console.detail.sentAt')}</dt>
        <dd>{formatTime(envelope.sentAt, language)}</dd>
        <dt>{t('console.detail.finishedAt')}</dt>
        <dd>{formatTime(envelope.finishedAt, language)}</dd>
        {envelope.cancelReason && (
          <>
            <dt>{t('console.detail.cancelReason')}</dt>
            <dd data-testid="detail-cancel-reason">{envelope.cancelReason}</dd>
          </>
        )}
      </dl>
      {envelope.message && <p className="message">{envelope.message}</p>}

      <h3>{t('console.form.documents')}</h3>
      <ul className="document-list">
        {envelope.documents.map((d) => (
          <li key={d.id} data-testid="detail-document" data-document-id={d.id}>
            {d.name} <span className="help">{t('console.document.pages', { pages: d.pageCount })} · {sizeText(d.size)} · {t('console.detail.certificateId', { id: d.certificateId })}</span>{' '}
            <button type="button" data-testid="download-document" disabled={busy} onClick={() => void download(`${base}/documents/${encodeURIComponent(d.id)}/pdf`, d.name)}>
              {concluded ? t('console.detail.downloadSigned') : t('console.detail.downloadCurrent')}
            </button>
          </li>
        ))}
      </ul>
      {concluded && (
        <button type="button" data-testid="download-certificate" disabled={busy} onClick={() => void download(`${base}/certificate`, t('console.detail.certificateFile', { id: envelope.id.slice(0, 8) }))}>
          {t('console.detail.downloadCertificate')}
        </button>
      )}

      <h3>{t('console.form.recipients')}</h3>
      <RecipientStatusTable
        envelope={envelope}
        busy={busy}
        onResend={(r) => void act(() => api.post(`${base}/recipients/${encodeURIComponent(r.id)}/resend`), 'console.detail.resent', { name: r.name })}
        onUnlock={(r) => void act(() => api.post(`${base}/recipients/${encodeURIComponent(r.id)}/unlock`), 'console.detail.unlocked', { name: r.name })}
        onExtend={(r, days) => void act(() => api.post(`${base}/recipients/${encodeURIComponent(r.id)}/extend`, { days }), 'console.detail.extended', { name: r.name, days })}
      />

      {['draft', 'sent', 'expired'].includes(envelope.status) && (
        <CancelEnvelope busy={busy} onCancel={(reason) => act(() => api.post(`${base}/cancel`, { reason }), 'console.detail.cancelled')} />
      )}
    </section>
  );
}
