/** Each recipient of a sent envelope: where they stand, when they were asked, opened and finished; fixes for their link. */
import { useState } from 'react';
import type { EnvelopeView } from '../../../shared/api/sender';
import { useI18n } from '../../i18n/react';
import { formatTime } from './format';

type Recipient = EnvelopeView['recipients'][number];

interface Props {
  envelope: EnvelopeView;
  busy: boolean;
  onResend(r: Recipient): void;
  onUnlock(r: Recipient): void;
  onExtend(r: Recipient, days: number): void;
}

const EXTEND_DAYS = [3, 7, 14, 30];

export function RecipientStatusTable({ envelope, busy, onResend, onUnlock, onExtend }: Props) {
  const { t, language } = useI18n();
  const [days, setDays] = useState<Record<string, number>>({});
  const active = envelope.status === 'sent' || envelope.status === 'expired';
  return (
    <table className="recipient-table">
      <thead>
        <tr>
          <th>#</th>
          <th>{t('console.recipient.name')}</th>
          <th>{t('console.search.status')}</th>
          <th>{t('console.detail.notifiedAt')}</th>
          <th>{t('console.detail.openedAt')}</th>
          <th>{t('console.detail.finishedAt')}</th>
          <th>{t('console.detail.linkExpires')}</th>
          <th>{t('console.detail.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {envelope.recipients.map((r) => {
          const current = active && ['notified', 'opened', 'expired'].includes(r.status);
          const extendable = active && r.linkExpiresAt !== null && ['notified', 'opened', 'expired', 'locked'].includes(r.status);
          return (
            <tr key={r.id} data-testid="recipient-row" data-recipient-id={r.id} data-email={r.email}>
              <td>{r.position + 1}</td>
              <td>
                {r.name}
                <br />
                <span className="help">
                  {r.email} · {t(r.role === 'signer' ? 'console.recipient.signer' : 'console.recipient.cc')}
                </span>
              </td>
              <td>
                <span className={`status status-${r.status}`} data-testid="recipient-status" data-status={r.status}>
                  {t(`console.recipientStatus.${r.status}`)}
                </span>
                {r.failedAttempts > 0 && <div className="help">{t('console.detail.failedAttempts', { count: r.failedAttempts })}</div>}
                {r.rejectReason && <div className="help">{t('console.detail.rejectReason', { reason: r.rejectReason })}</div>}
              </td>
              <td>{formatTime(r.notifiedAt, language)}</td>
              <td>{formatTime(r.openedAt, language)}</td>
              <td>{formatTime(r.finishedAt, language)}</td>
              <td>{formatTime(r.linkExpiresAt, language)}</td>
              <td>
                <div className="row-actions">
                  {r.status === 'locked' && (
                    <button type="button" data-testid="recipient-unlock" disabled={busy} onClick={() => onUnlock(r)}>
                      {t('console.detail.unlock')}
                    </button>
                  )}
                  {current && (
                    <button type="button" data-testid="recipient-resend" disabled={busy} onClick={() => onResend(r)} title={t('console.detail.resendHelp')}>
                      {t('console.detail.resend')}
                    </button>
                  )}
                  {extendable && (
                    <span className="extend">
                      <select
                        aria-label={t('console.detail.extendDays')}
                        data-testid="recipient-extend-days"
                        value={days[r.id] ?? 7}
                        onChange={(e) => setDays({ ...days, [r.id]: Number(e.target.value) })}
                      >
                        {EXTEND_DAYS.map((d) => (
                          <option key={d} value={d}>
                            {t('console.detail.days', { days: d })}
                          </option>
                        ))}
                      </select>
                      <button type="button" data-testid="recipient-extend" disabled={busy} onClick={() => onExtend(r, days[r.id] ?? 7)}>
                        {t('console.detail.extend')}
                      </button>
                    </span>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
