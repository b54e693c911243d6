import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { languageFor, type Language, type LanguageSetting } from './translate';

export { languageFor, translator, type Language, type LanguageSetting, type MessageKey, type Translate } from './translate';

/** The user's choice in the options page; `auto` follows the browser's UI language. */
export const languageSetting = storage.defineItem<LanguageSetting>('local:language', { fallback: 'auto' });

export async function currentLanguage(): Promise<Language> {
  return languageFor(await languageSetting.getValue(), browser.i18n.getUILanguage());
}
