import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { extensionUrl } from '../extension-url';
import { useI18n } from '../i18n/react';
import { languageSetting, type LanguageSetting } from '../i18n';
import { addTrustAnchor, base64, certificatesFrom, fingerprint, removeServerAnchors, removeTrustAnchor, trustAnchors, type TrustAnchor } from '../trust/anchors';
import { builtInServers, loadTrustList, managedServers, normalizeServer, originPattern, userServers, type TrustList } from '../trust/servers';
import { certificateSubject } from './certificate-name';
import { ensureServerRoots } from './server-roots';

const DOWNLOAD_PERMISSIONS = { permissions: ['downloads', 'notifications'] as ('downloads' | 'notifications')[] };

export function Options() {
  const { t } = useI18n();
  const [list, setList] = useState<TrustList>(() => ({ builtIn: builtInServers(), managed: [], user: [] }));
  const [server, setServer] = useState('');
  const [serverError, setServerError] = useState<string | null>(null);
  const [language, setLanguage] = useState<LanguageSetting>('auto');
  const [anchors, setAnchors] = useState<TrustAnchor[]>([]);
  const [anchorError, setAnchorError] = useState<string | null>(null);
  const [rootsFailed, setRootsFailed] = useState<string[]>([]);
  const [offerDownloads, setOfferDownloads] = useState(false);

  useEffect(() => {
    // Each source as it arrives: managed storage can take over a second on its first read.
    const loadUser = () => void userServers.getValue().then((user) => setList((l) => ({ ...l, user })));
    loadUser();
    void managedServers().then((managed) => setList((l) => ({ ...l, managed })));
    void languageSetting.getValue().then(setLanguage);
    void trustAnchors.getValue().then(setAnchors);
    void browser.permissions.contains(DOWNLOAD_PERMISSIONS).then(setOfferDownloads);
    const off = [userServers.watch(loadUser), trustAnchors.watch((a) => setAnchors(a ?? []))];
    return () => off.forEach((f) => f());
  }, []);

  // The root of each trusted server, fetched once and kept as a trust anchor.
  const origins = [...new Set([...list.builtIn, ...list.managed, ...list.user])];
  const originsKey = origins.join(' ');
  useEffect(() => {
    if (!originsKey) return;
    let cancelled = false;
    void ensureServerRoots(originsKey.split(' ')).then((failed) => !cancelled && setRootsFailed(failed));
    return () => {
      cancelled = true;
    };
  }, [originsKey]);

  const addServer = (e: FormEvent) => {
    e.preventDefault();
    const origin = normalizeServer(server);
    if (!origin) return setServerError(t('options.invalidServer'));
    setServerError(null);
    // permissions.request needs the user gesture: called before any await.
    void browser.permissions.request({ origins: [originPattern(origin)] }).then(async (granted) => {
      if (!granted) return setServerError(t('options.permissionDenied'));
      const current = await userServers.getValue();
      if (!current.includes(origin)) await userServers.setValue([...current, origin]);
      setServer('');
    });
  };

  const removeServer = async (origin: string) => {
    await userServers.setValue((await userServers.getValue()).filter((o) => o !== origin));
    const l = await loadTrustList();
    if (![...l.builtIn, ...l.managed].includes(origin)) {
      await removeServerAnchors(origin);
      await browser.permissions.remove({ origins: [originPattern(origin)] }).catch(() => false);
    }
  };

  const addAnchors = async (e: ChangeEvent<HTMLInputElement>) => {
    setAnchorError(null);
    for (const file of e.target.files ?? []) {
      const certs = certificatesFrom(new Uint8Array(await file.arrayBuffer()));
      if (certs.length === 0) setAnchorError(`${t('options.invalidAnchor')} (${file.name})`);
      for (const der of certs) {
        try {
          const name = certificateSubject(der) || file.name;
          await addTrustAnchor({ name, der: base64(der), fingerprint: await fingerprint(der), source: 'user' });
        } catch {
          setAnchorError(`${t('options.invalidAnchor')} (${file.name})`);
        }
      }
    }
    e.target.value = '';
  };

  const rows = [
    ...list.builtIn.map((o) => ({ origin: o, source: t('options.builtIn'), removable: false })),
    ...list.managed.map((o) => ({ origin: o, source: t('options.managed'), removable: false })),
    ...list.user.map((o) => ({ origin: o, source: t('options.user'), removable: true })),
  ];

  return (
    <main className="options">
      <h1>{t('options.title')}</h1>
      <p>
        <a href={extensionUrl('/console.html')} target="_blank" rel="noreferrer" data-testid="open-console">
          {t('console.open')}
        </a>
      </p>

      <section aria-labelledby="servers-heading">
        <h2 id="servers-heading">{t('options.servers')}</h2>
        <p className="help">{t('options.serversHelp')}</p>
        <ul data-testid="trusted-servers">
          {rows.length === 0 && <li>{t('options.none')}</li>}
          {rows.map((r) => (
            <li key={`${r.source}:${r.origin}`}>
              <code>{r.origin}</code> <span className="help">({r.source})</span>{' '}
              {r.removable && (
                <button type="button" onClick={() => void removeServer(r.origin)} aria-label={`${t('options.remove')} ${r.origin}`}>
                  {t('options.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
        <form onSubmit={addServer}>
          <label htmlFor="server-url">{t('options.serverUrl')}</label>{' '}
          <input id="server-url" data-testid="server-url" type="url" placeholder="https://esign.example.lg.jp" value={server} onChange={(e) => setServer(e.target.value)} />{' '}
          <button type="submit" data-testid="server-add">
            {t('options.add')}
          </button>
          {serverError && (
            <p role="alert" className="error">
              {serverError}
            </p>
          )}
        </form>
      </section>

      <section aria-labelledby="language-heading">
        <h2 id="language-heading">
          <label htmlFor="language">{t('options.language')}</label>
        </h2>
        <select
          id="language"
          data-testid="language"
          value={language}
          onChange={(e) => {
            const v = e.target.value as LanguageSetting;
            setLanguage(v);
            void languageSetting.setValue(v);
          }}
        >
          <option value="auto">{t('options.languageAuto')}</option>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </section>

      <section aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">
          <label>
            <input
              type="checkbox"
              data-testid="offer-downloads"
              checked={offerDownloads}
              onChange={(e) => {
                // permissions.request needs the user gesture: called before any await.
                const on = e.target.checked;
                void (on ? browser.permissions.request(DOWNLOAD_PERMISSIONS) : browser.permissions.remove(DOWNLOAD_PERMISSIONS).then(() => false)).then(setOfferDownloads);
              }}
            />{' '}
            {t('options.downloads')}
          </label>
        </h2>
        <p className="help">{t('options.downloadsHelp')}</p>
      </section>

      <section aria-labelledby="anchors-heading">
        <h2 id="anchors-heading">{t('options.anchors')}</h2>
        <p className="help">{t('options.anchorsHelp')}</p>
        <ul data-testid="trust-anchors">
          {anchors.length === 0 && <li>{t('options.none')}</li>}
          {anchors.map((a) => (
            <li key={a.fingerprint}>
              {a.name} {a.source === 'server' && a.server && <span className="help">({t('options.serverRoot', { origin: a.server })})</span>}{' '}
              <code className="help" title={t('options.fingerprint')} data-testid="anchor-fingerprint">
                SHA-256 {a.fingerprint}
              </code>{' '}
              {a.source === 'user' && (
                <button type="button" onClick={() => void removeTrustAnchor(a.fingerprint)} aria-label={`${t('options.remove')} ${a.name}`}>
                  {t('options.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {rootsFailed.length > 0 && (
          <p role="alert" className="error" data-testid="server-roots-failed">
            {t('options.rootFailed', { origins: rootsFailed.join(', ') })}
          </p>
        )}
        <label htmlFor="anchor-file">{t('options.addAnchor')}</label>{' '}
        <input id="anchor-file" data-testid="anchor-file" type="file" accept=".pem,.crt,.cer,.der" multiple onChange={(e) => void addAnchors(e)} />
        {anchorError && (
          <p role="alert" className="error">
            {anchorError}
          </p>
        )}
      </section>
    </main>
  );
}
