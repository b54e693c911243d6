import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { browser } from 'wxt/browser';
import { languageFor, languageSetting, translator, type Language, type Translate } from './index';

const I18n = createContext<{ language: Language; t: Translate }>({ language: 'ja', t: translator('ja') });

/** Follows the language setting live (the options page may change it while a panel is open). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const ui = browser.i18n.getUILanguage();
  const [language, setLanguage] = useState<Language>(languageFor('auto', ui));
  useEffect(() => {
    void languageSetting.getValue().then((s) => setLanguage(languageFor(s, ui)));
    return languageSetting.watch((s) => setLanguage(languageFor(s ?? 'auto', ui)));
  }, [ui]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18n.Provider value={{ language, t: translator(language) }}>{children}</I18n.Provider>;
}

export function useI18n() {
  return useContext(I18n);
}
