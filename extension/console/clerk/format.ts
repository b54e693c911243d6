/** Dates, times and yen amounts as the clerk reads them, in the page's language. */
import type { Language } from '../../i18n';

const locale = (language: Language) => (language === 'ja' ? 'ja-JP' : 'en-GB');

export function formatTime(iso: string | null, language: Language): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(language), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatAmount(amount: number | null, language: Language): string {
  if (amount === null) return '—';
  return new Intl.NumberFormat(locale(language), { style: 'currency', currency: 'JPY' }).format(amount);
}
