/**
 * The console page: sign in to a trusted server, then the tabs the user's role allows — the clerk tab
 * (admin, sender) and the help-desk tab (admin, helpdesk). The session lives in this component's state
 * only: closing or reloading the page signs out.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/react';
import { ClerkTab } from './clerk/ClerkTab';
import { HelpdeskTab } from './helpdesk/HelpdeskTab';
import { sessionApi, signOutOnClose, type ConsoleRole, type ConsoleSession } from './session';
import { SignIn } from './SignIn';

type Tab = 'clerk' | 'helpdesk';

const TABS: Record<ConsoleRole, Tab[]> = { admin: ['clerk', 'helpdesk'], sender: ['clerk'], helpdesk: ['helpdesk'] };

export function ConsoleApp() {
  const { t } = useI18n();
  const [session, setSession] = useState<ConsoleSession | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const signedIn = (s: ConsoleSession) => {
    setNotice(null);
    setSession(s);
  };
  const expired = useCallback(() => {
    setSession(null);
    setNotice(t('console.sessionExpired'));
  }, [t]);

  return (
    <div className="console">
      <header className="console-header">
        <h1>{t('console.title')}</h1>
      </header>
      {session ? <SignedIn key={session.token} session={session} onSignOut={() => setSession(null)} onExpired={expired} /> : <SignIn onSignedIn={signedIn} notice={notice} />}
    </div>
  );
}

function SignedIn({ session, onSignOut, onExpired }: { session: ConsoleSession; onSignOut(): void; onExpired(): void }) {
  const { t, language } = useI18n();
  const tabs = TABS[session.user.role] ?? [];
  const [tab, setTab] = useState<Tab | undefined>(tabs[0]);
  const languageRef = useRef(language);
  languageRef.current = language;
  const api = useMemo(() => sessionApi(session, () => languageRef.current, onExpired), [session, onExpired]);
  useEffect(() => signOutOnClose(session), [session]);

  const signOut = () => {
    // The server forgets the token; the page forgets it either way.
    void api.post('/api/auth/logout').catch(() => undefined);
    onSignOut();
  };

  return (
    <>
      <div className="console-user">
        <span data-testid="console-user">
          {session.user.name}（{session.user.email}・{t(`console.role.${session.user.role}`)}）
        </span>
        <span className="help" data-testid="console-server">
          {session.origin}
        </span>
        <button type="button" data-testid="logout" onClick={signOut}>
          {t('console.logout')}
        </button>
      </div>
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" id={`tab-${x}`} aria-controls={`panel-${x}`} aria-selected={tab === x} data-testid={`tab-${x}`} onClick={() => setTab(x)}>
            {t(`console.tab.${x}`)}
          </button>
        ))}
      </div>
      {tabs.length === 0 && <p className="error">{t('console.noTabs')}</p>}
      {tab === 'clerk' && (
        <section role="tabpanel" id="panel-clerk" aria-labelledby="tab-clerk">
          <ClerkTab api={api} />
        </section>
      )}
      {tab === 'helpdesk' && (
        <section role="tabpanel" id="panel-helpdesk" aria-labelledby="tab-helpdesk">
          <HelpdeskTab session={session} />
        </section>
      )}
    </>
  );
}
