import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import type { PublicInfo } from '../../shared/api/recipient';
import { judgeLink } from '../links/trust';
import { useI18n } from '../i18n/react';
import { originPattern, trustsOrigin } from '../trust/servers';
import { parseSigningLink, recipientApi, type RecipientApi } from './api';
import { Documents } from './Documents';
import { screenForError, screenForInfo, type Screen } from './flow';
import { warmPdfWorker } from './pdf';
import { retargetPath, tabFromLocation } from './retarget';
import { AccessCode, Concluded, Header, SignedDocuments, StateScreen } from './screens';

/** The signing link this panel is for: `sidepanel.html?link={encoded signing URL}` (DESIGN.md §3). */
export function linkFromLocation(search: string): string | null {
  return new URLSearchParams(search).get('link');
}

/** Exactly `{origin}/s/{token}` on a trusted origin we hold the host permission for. */
async function isTrusted(link: string): Promise<boolean> {
  const origin = parseSigningLink(link)?.origin;
  if (!origin) return false;
  const verdict = judgeLink({ href: link }, [origin]);
  if (verdict.kind !== 'signing' || verdict.link !== link || !(await trustsOrigin(origin))) return false;
  return browser.permissions.contains({ origins: [originPattern(origin)] });
}

export function App({ link }: { link: string | null }) {
  const { t, language } = useI18n();
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const signing = useMemo(() => (link ? parseSigningLink(link) : null), [link]);
  const languageRef = useRef(language);
  languageRef.current = language;
  const api: RecipientApi | null = useMemo(() => (signing ? recipientApi(signing, { language: () => languageRef.current }) : null), [signing]);

  const load = useCallback(async () => {
    if (!link || !signing || !api) return setScreen({ name: 'no-link' });
    setScreen({ name: 'loading' });
    if (!(await isTrusted(link))) return setScreen({ name: 'untrusted', link });
    try {
      setScreen(screenForInfo(await api.publicInfo()));
    } catch (e) {
      setScreen(screenForError(e) ?? { name: 'unreachable' });
    }
  }, [link, signing, api]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (screen.name === 'access-code') warmPdfWorker();
  }, [screen.name]);

  useEffect(() => {
    const tabId = tabFromLocation(location.search);
    const onMessage = (message: unknown, sender: { id?: string; tab?: unknown }) => {
      const path = retargetPath(message, sender, { extensionId: browser.runtime.id, tabId, current: link });
      if (path) location.replace(`/${path}`);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, [link]);

  const fail = useCallback((e: unknown, info: PublicInfo) => {
    const next = screenForError(e, info);
    if (next) setScreen(next);
    return next !== null;
  }, []);

  const submitCode = async (info: PublicInfo, code: string) => {
    if (!api) return;
    try {
      const session = await api.openSession(code);
      const documents = await api.documents(session);
      setScreen({ name: 'documents', info, session, documents });
    } catch (e) {
      if (!fail(e, info)) setScreen({ name: 'access-code', info, problem: { kind: 'error', message: String((e as Error).message ?? e) } });
    }
  };

  return (
    <main className="panel" aria-busy={screen.name === 'loading'}>
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
          <button type="button" onClick={() => void load()}>
            {t('panel.retry')}
          </button>
        </div>
      )}
      {screen.name === 'access-code' && (
        <>
          <Header info={screen.info} />
          <AccessCode problem={screen.problem} onSubmit={(code) => submitCode(screen.info, code)} />
        </>
      )}
      {screen.name === 'state' && (
        <>
          {screen.info && <Header info={screen.info} />}
          <StateScreen state={screen.state} />
          {screen.state === 'concluded' && <Concluded />}
        </>
      )}
      {screen.name === 'documents' && api && (
        <>
          <Header info={screen.info} compact />
          <Documents
            api={api}
            info={screen.info}
            session={screen.session}
            documents={screen.documents}
            onCompleted={(result) => setScreen({ name: 'done', info: screen.info, result, session: screen.session, documents: screen.documents })}
            onRejected={() => setScreen({ name: 'rejected', info: screen.info })}
            onError={(e) => fail(e, screen.info)}
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
              {api && <SignedDocuments api={api} session={screen.session} documents={screen.documents} />}
            </>
          )}
        </section>
      )}
      {screen.name === 'rejected' && (
        <section data-testid="rejected-done" role="status">
          <h2>{t('panel.rejected')}</h2>
        </section>
      )}
    </main>
  );
}
