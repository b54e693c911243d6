import { useEffect, useState, type ReactNode } from 'react';
import { browser } from 'wxt/browser';
import { LanguageProvider } from './context';
import { languageFor, languageSetting, type Language } from './index';

export { useI18n } from './context';

/** Follows the language setting live (the options page may change it while a panel is open). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const ui = browser.i18n.getUILanguage();
  const [language, setLanguage] = useState<Language>(languageFor('auto', ui));
  useEffect(() => {
    void languageSetting.getValue().then((s) => setLanguage(languageFor(s, ui)));
    return languageSetting.watch((s) => setLanguage(languageFor(s ?? 'auto', ui)));
  }, [ui]);
  return <LanguageProvider language={language}>{children}</LanguageProvider>;
}
