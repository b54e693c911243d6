/**
 * The language React components read (`useI18n`), with no extension API: the extension's pages use
 * `I18nProvider` (./react.tsx, which follows the options page), the web signing page a
 * `LanguageProvider` that follows the browser.
 */
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { translator, type Language, type Translate } from './translate';

const I18n = createContext<{ language: Language; t: Translate }>({ language: 'ja', t: translator('ja') });

export function LanguageProvider({ language, children }: { language: Language; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18n.Provider value={{ language, t: translator(language) }}>{children}</I18n.Provider>;
}

export function useI18n() {
  return useContext(I18n);
}
