/**
 * The signing screens as a web page (`{PUBLIC_URL}/s/{token}`), for recipients without the extension:
 * the side panel's React screens with the web host, in the browser's language. The server bundles
 * this file with esbuild (server/web/bundle.ts) and serves it under `/web/`.
 */
import '../sidepanel/no-eval'; // first: before any module defines a zod schema
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LanguageProvider } from '../i18n/context';
import { languageFor, type Language } from '../i18n/translate';
import { App } from '../sidepanel/App';
import { PanelHostProvider } from '../sidepanel/host';
import '../sidepanel/style.css';
import './style.css';
import { linkOfPage, webHost } from './host';
import { InstallHint } from './InstallHint';

const browserLanguage = (): Language => languageFor('auto', navigator.language);

function WebPage({ host }: { host: ReturnType<typeof webHost> }) {
  const [language, setLanguage] = useState(browserLanguage);
  useEffect(() => {
    const follow = () => setLanguage(browserLanguage());
    addEventListener('languagechange', follow);
    return () => removeEventListener('languagechange', follow);
  }, []);
  return (
    <LanguageProvider language={language}>
      <PanelHostProvider host={host}>
        <InstallHint />
        <App link={linkOfPage()} />
      </PanelHostProvider>
    </LanguageProvider>
  );
}

const root = document.getElementById('root')!;
createRoot(root).render(<WebPage host={webHost(root)} />);
