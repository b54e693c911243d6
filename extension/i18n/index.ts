import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { en, ja, type MessageKey } from './messages';

export type Language = 'ja' | 'en';
export type LanguageSetting = Language | 'auto';
export type { MessageKey };

/** The user's choice in the options page; `auto` follows the browser's UI language. */
export const languageSetting = storage.defineItem<LanguageSetting>('local:language', { fallback: 'auto' });

export function languageFor(setting: LanguageSetting, uiLanguage: string): Language {
  if (setting !== 'auto') return setting;
  return uiLanguage.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export async function currentLanguage(): Promise<Language> {
  return languageFor(await languageSetting.getValue(), browser.i18n.getUILanguage());
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const table = language === 'ja' ? ja : en;
  return (key, vars) => table[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}
