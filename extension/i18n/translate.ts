/**
 * Choosing the language and filling in the strings, with no extension API: the side panel's screens
 * also run as a plain web page (`/s/{token}`, extension/web/), where there is no `browser`.
 */
import { en, ja, type MessageKey } from './messages';

export type Language = 'ja' | 'en';
export type LanguageSetting = Language | 'auto';
export type { MessageKey };

export function languageFor(setting: LanguageSetting, uiLanguage: string): Language {
  if (setting !== 'auto') return setting;
  return uiLanguage.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const table = language === 'ja' ? ja : en;
  return (key, vars) => table[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}
