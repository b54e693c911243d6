import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DocumentsResponse, LinkState, PublicInfo } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import type { RecipientApi } from './api';
import type { CodeProblem } from './flow';
import { usePanelHost } from './host';
import { saveFile } from './save-file';

export function Header({ info, compact = false }: { info: PublicInfo; compact?: boolean }) {
  const { t, language } = useI18n();
  const expires = info.expiresAt
    ? new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(info.expiresAt))
    : t('panel.noExpiry');
  return (
    <section className="info" data-testid="public-info" aria-label={info.title}>
      <h2 data-testid="envelope-title">{info.title}</h2>
      {!compact && (
        <dl>
          <dt>{t('panel.from')}</dt>
          <dd data-testid="sender">
            {info.senderOrganization} {info.senderName}
          </dd>
          <dt>{t('panel.recipient')}</dt>
          <dd>{info.recipientName}</dd>
          <dt>{t('panel.expires')}</dt>
          <dd data-testid="expires">{expires}</dd>
          <dt>{t('panel.documentTitle')}</dt>
          <dd>{t('panel.documents', { count: info.documentCount })}</dd>
        </dl>
      )}
    </section>
  );
}

export function AccessCode({ problem, onSubmit, readOnly = false }: { problem?: CodeProblem; onSubmit(code: string): Promise<void>; readOnly?: boolean }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    if (problem) setCode('');
  }, [problem]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim() || busy || readOnly) return;
    setBusy(true);
    try {
      await onSubmit(code.trim());
    } finally {
      setBusy(false);
    }
  };
  let message: string | null = null;
  if (problem?.kind === 'wrong-code')
    message = problem.attemptsLeft !== undefined ? t('panel.wrongCode', { attempts: problem.attemptsLeft }) : t('panel.wrongCodeNoCount');
  else if (problem?.kind === 'rate-limited') message = t('panel.rateLimited');
  else if (problem?.kind === 'session-expired') message = t('panel.sessionExpired');
  else if (problem?.kind === 'error') message = t('panel.error', { message: problem.message });
  return (
    <form className="access-code" onSubmit={submit} aria-describedby="access-code-help">
      <label htmlFor="access-code">{t('panel.accessCode')}</label>
      <p id="access-code-help" className="help">
        {t('panel.accessCodeHelp')}
      </p>
      {message && (
        <p role="alert" className="error" data-testid="access-code-error" data-attempts-left={problem?.kind === 'wrong-code' ? problem.attemptsLeft : undefined}>
          {message}
        </p>
      )}
      <input
        id="access-code"
        ref={input}
        data-testid="access-code"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={200}
        disabled={readOnly}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        aria-invalid={problem?.kind === 'wrong-code'}
      />
      <button type="submit" data-testid="access-code-submit" disabled={readOnly || busy || !code.trim()}>
        {t('panel.accessCodeSubmit')}
      </button>
    </form>
  );
}

export function StateScreen({ state }: { state: Exclude<LinkState, 'ready'> }) {
  const { t } = useI18n();
  return (
    <p role="status" className={state === 'concluded' || state === 'completed' ? 'notice' : 'error'} data-testid="state-screen" data-state={state}>
      {t(`panel.state.${state}`)}
    </p>
  );
}

/** The envelope is concluded and the link no longer opens: the verifier checks PDFs the user has. */
export function Concluded({ readOnly = false }: { readOnly?: boolean }) {
  const { t } = useI18n();
  const host = usePanelHost();
  if (!host.openVerifier) return null;
  const open = host.openVerifier;
  return (
    <button
      type="button"
      data-testid="open-verifier"
      disabled={readOnly}
      onClick={() => {
        host.recorder.event('verifier.open', { files: 0 });
        void open();
      }}
    >
      {t('panel.verify')}
    </button>
  );
}

/**
 * This completion concluded the envelope: while the session lasts, the signed PDFs can be downloaded,
 * or handed to the local verifier (extension only).
 */
export function SignedDocuments({ api, session, documents, readOnly = false }: { api: RecipientApi; session: string; documents: DocumentsResponse; readOnly?: boolean }) {
  const { t } = useI18n();
  const host = usePanelHost();
  const [problem, setProblem] = useState<string | null>(null);
  const fetchAll = () => Promise.all(documents.documents.map(async (d) => ({ name: d.name, bytes: await api.pdf(session, d.id, true) })));
  const download = async () => {
    host.recorder.event('download.signed', { files: documents.documents.length });
    try {
      for (const f of await fetchAll()) saveFile(f.name, f.bytes);
    } catch (e) {
      setProblem(t('panel.error', { message: (e as Error).message }));
    }
  };
  const openVerifier = host.openVerifier;
  const verify = async () => {
    if (!openVerifier) return;
    host.recorder.event('verifier.open', { files: documents.documents.length });
    try {
      await openVerifier(await fetchAll());
    } catch (e) {
      setProblem(t('panel.error', { message: (e as Error).message }));
    }
  };
  return (
    <div className="actions">
      {openVerifier && (
        <button type="button" className="primary" data-testid="open-verifier" disabled={readOnly} onClick={() => void verify()}>
          {t('panel.verify')}
        </button>
      )}
      <button type="button" className={openVerifier ? undefined : 'primary'} data-testid="download-signed" disabled={readOnly} onClick={() => void download()}>
        {t('panel.downloadSigned')}
      </button>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </div>
  );
}
