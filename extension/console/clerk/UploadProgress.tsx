import { useI18n } from '../../i18n/react';

export interface Upload {
  sent: number;
  total: number;
  /** `processing`: every byte is out, the server checks and prepares the documents. */
  phase: 'uploading' | 'processing';
}

const kb = (n: number) => Math.max(1, Math.round(n / 1024)).toLocaleString();

export function UploadProgress({ upload }: { upload: Upload }) {
  const { t } = useI18n();
  const percent = upload.total > 0 ? Math.min(100, Math.round((upload.sent / upload.total) * 100)) : 0;
  const label = upload.phase === 'processing' ? t('console.upload.processing') : t('console.upload.sending', { sent: kb(upload.sent), total: kb(upload.total) });
  return (
    <div className="upload" data-testid="upload-status" aria-live="polite">
      <div
        className={`progress${upload.phase === 'processing' ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={t('console.upload.label')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="upload-progress"
        data-phase={upload.phase}
      >
        <div className="bar" style={upload.phase === 'processing' ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="help">{label}</p>
    </div>
  );
}
