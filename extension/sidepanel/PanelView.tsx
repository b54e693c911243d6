/**
 * The panel's screens, drawn from a `Screen` and nothing else: the controller (./App.tsx) feeds it the
 * live screens; the console's help-desk tab feeds it screens rebuilt from a support bundle, read-only.
 * It needs `<I18nProvider>` (or `LanguageProvider`) around it; a `PanelHostProvider` is optional.
 */
import type { CompleteResponse, PublicInfo } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import type { RecipientApi } from './api';
import { Documents } from './Documents';
import type { DocumentsScreen, Screen } from './flow';
import { AccessCode, Concluded, Header, SignedDocuments, StateScreen } from './screens';

export interface PanelViewProps {
  screen: Screen;
  /** A replay passes one whose `pdf()` returns a placeholder PDF. */
  api: RecipientApi | null;
  /** A replay: every input and button disabled, no API call but `api.pdf()`. */
  readOnly?: boolean;
  onSubmitCode?(info: PublicInfo, code: string): Promise<void>;
  onRetry?(): void;
  /** The recipient completed from the documents screen `from`. */
  onCompleted?(from: DocumentsScreen, result: CompleteResponse): void;
  /** The recipient rejected from the documents screen `from`. */
  onRejected?(from: DocumentsScreen): void;
  /** An API error on the documents screen; true when it moved the panel to another screen. */
  onError?(e: unknown, info: PublicInfo): boolean;
}

const nothing = async () => undefined;

export function PanelView({ screen, api, readOnly = false, onSubmitCode, onRetry, onCompleted, onRejected, onError }: PanelViewProps) {
  const { t } = useI18n();
  return (
    <div className="panel-view" data-testid="panel-view" data-screen={screen.name} data-read-only={readOnly || undefined}>
      <h1 className="brand">{t('panel.title')}</h1>
      {screen.name === 'loading' && <p data-testid="loading">{t('panel.loading')}</p>}
      {screen.name === 'no-link' && <p data-testid="no-link">{t('panel.noLink')}</p>}
      {screen.name === 'untrusted' && (
        <p role="alert" className="error" data-testid="untrusted-link">
          {t('panel.untrusted')} ({new URL(screen.link, 'invalid:/').host})
        </p>
      )}
      {screen.name === 'unreachable' && (
        <div role="alert" className="error" data-testid="unreachable">
          <p>{t('panel.unreachable')}</p>
          <button type="button" disabled={readOnly || !onRetry} onClick={() => onRetry?.()}>
            {t('panel.retry')}
          </button>
        </div>
      )}
      {screen.name === 'access-code' && (
        <>
          <Header info={screen.info} />
          <AccessCode
            problem={screen.problem}
            readOnly={readOnly}
            onSubmit={(code) => (onSubmitCode && !readOnly ? onSubmitCode(screen.info, code) : nothing())}
          />
        </>
      )}
      {screen.name === 'state' && (
        <>
          {screen.info && <Header info={screen.info} />}
          <StateScreen state={screen.state} />
          {screen.state === 'concluded' && <Concluded readOnly={readOnly} />}
        </>
      )}
      {screen.name === 'documents' && api && (
        <>
          <Header info={screen.info} compact />
          <Documents
            // A new documents screen (after a new session) starts afresh.
            key={screen.session}
            api={api}
            info={screen.info}
            session={screen.session}
            documents={screen.documents}
            readOnly={readOnly}
            onCompleted={(result) => onCompleted?.(screen, result)}
            onRejected={() => onRejected?.(screen)}
            onError={(e) => onError?.(e, screen.info) ?? false}
          />
        </>
      )}
      {screen.name === 'done' && (
        <section data-testid="done" role="status">
          <h2>{t('panel.done')}</h2>
          {screen.result.next ? (
            <p data-testid="next-signer">{t('panel.next', { name: screen.result.next.name })}</p>
          ) : (
            <>
              <p>{t('panel.concluded')}</p>
              {api && <SignedDocuments api={api} session={screen.session} documents={screen.documents} readOnly={readOnly} />}
            </>
          )}
        </section>
      )}
      {screen.name === 'rejected' && (
        <section data-testid="rejected-done" role="status">
          <h2>{t('panel.rejected')}</h2>
        </section>
      )}
    </div>
  );
}
