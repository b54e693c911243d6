/**
 * Sign-in: one of the extension's trusted servers, email and password, and the authenticator code when
 * the server asks for it. The session comes back to the shell, which keeps it in memory only.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { useI18n } from '../i18n/react';
import { watchTrustedOrigins } from '../trust/servers';
import { ConsoleApiError, signIn, type ConsoleSession } from './session';

export function SignIn({ onSignedIn, notice }: { onSignedIn(session: ConsoleSession): void; notice: string | null }) {
  const { t, language } = useI18n();
  const [origins, setOrigins] = useState<string[] | null>(null);
  const [origin, setOrigin] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const totpInput = useRef<HTMLInputElement>(null);

  useEffect(
    () =>
      watchTrustedOrigins((list, complete) => {
        if (list.length || complete) setOrigins(list);
        setOrigin((o) => (o && list.includes(o) ? o : (list[0] ?? '')));
      }),
    [],
  );
  useEffect(() => {
    if (askTotp) totpInput.current?.focus();
  }, [askTotp]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!origin) return setError(t('console.login.noServer'));
    if (!email.trim() || !password) return setError(t('console.login.missing'));
    if (askTotp && !/^\d{6}$/.test(totp.trim())) return setError(t('console.login.totpFormat'));
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(origin, { email, password, totp: askTotp ? totp : undefined }, () => language));
    } catch (err) {
      if (err instanceof ConsoleApiError && err.code === 'totp-required') {
        setAskTotp(true);
        setError(err.message);
      } else if (err instanceof ConsoleApiError && err.code === 'unreachable') {
        setError(t('console.unreachable', { origin }));
      } else {
        setError(err instanceof Error ? err.message : String(err));
        if (askTotp) setTotp('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="console-login" onSubmit={(e) => void submit(e)} aria-labelledby="login-heading" noValidate>
      <h2 id="login-heading">{t('console.login.title')}</h2>
      {notice && (
        <p className="notice" role="status" data-testid="login-notice">
          {notice}
        </p>
      )}
      <label htmlFor="login-server">{t('console.login.server')}</label>
      {origins && origins.length === 0 ? (
        <p className="error" data-testid="login-no-server">
          {t('console.login.noServer')}{' '}
          <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
            {t('console.login.openOptions')}
          </a>
        </p>
      ) : (
        <select id="login-server" data-testid="login-server" value={origin} onChange={(e) => setOrigin(e.target.value)}>
          {(origins ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
      <label htmlFor="login-email">{t('console.login.email')}</label>
      <input id="login-email" data-testid="login-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="login-password">{t('console.login.password')}</label>
      <input id="login-password" data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {askTotp && (
        <>
          <label htmlFor="login-totp">{t('console.login.totp')}</label>
          <input
            id="login-totp"
            ref={totpInput}
            data-testid="login-totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
          />
        </>
      )}
      {error && (
        <p role="alert" className="error" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="login-submit" disabled={busy}>
        {busy ? t('console.login.signingIn') : t('console.login.submit')}
      </button>
    </form>
  );
}
