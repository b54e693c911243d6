/** Cancelling an envelope needs a reason: recipients already asked are told it. */
import { useState } from 'react';
import { useI18n } from '../../i18n/react';

export function CancelEnvelope({ busy, onCancel }: { busy: boolean; onCancel(reason: string): Promise<boolean> }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState(false);
  if (!open)
    return (
      <div className="actions">
        <button type="button" className="danger" data-testid="envelope-cancel" onClick={() => setOpen(true)}>
          {t('console.cancel.open')}
        </button>
      </div>
    );
  const confirm = async () => {
    if (!reason.trim()) return setProblem(true);
    setProblem(false);
    if (await onCancel(reason.trim())) setOpen(false);
  };
  return (
    <div className="dialog" role="group" aria-labelledby="cancel-heading" data-testid="cancel-dialog">
      <h3 id="cancel-heading">{t('console.cancel.title')}</h3>
      <p className="help">{t('console.cancel.help')}</p>
      <label htmlFor="cancel-reason">{t('console.cancel.reason')}</label>
      <textarea id="cancel-reason" data-testid="cancel-reason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
      {problem && (
        <p className="field-error" role="alert" data-testid="problem" data-at="cancel-reason">
          {t('console.cancel.reasonRequired')}
        </p>
      )}
      <div className="actions">
        <button type="button" className="danger" data-testid="cancel-confirm" disabled={busy} onClick={() => void confirm()}>
          {t('console.cancel.confirm')}
        </button>
        <button type="button" data-testid="cancel-back" onClick={() => setOpen(false)}>
          {t('console.cancel.back')}
        </button>
      </div>
    </div>
  );
}
