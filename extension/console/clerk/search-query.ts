/** The 電子帳簿保存法 search form as plain data and the query string of `GET /api/envelopes`. */
import type { EnvelopeStatus } from '../../../shared/api/recipient';
import type { MessageKey } from '../../i18n';
import { parseAmount } from './envelope-draft';

export interface SearchForm {
  dateFrom: string;
  dateTo: string;
  counterparty: string;
  amountMin: string;
  amountMax: string;
  title: string;
  status: EnvelopeStatus | '';
  managementNumber: string;
}

export const emptySearch = (): SearchForm => ({ dateFrom: '', dateTo: '', counterparty: '', amountMin: '', amountMax: '', title: '', status: '', managementNumber: '' });

export type SearchResult = { ok: true; query: string } | { ok: false; at: keyof SearchForm; message: MessageKey };

export function searchQuery(f: SearchForm): SearchResult {
  const q = new URLSearchParams();
  const min = f.amountMin.trim() ? parseAmount(f.amountMin) : undefined;
  const max = f.amountMax.trim() ? parseAmount(f.amountMax) : undefined;
  if (min === null) return { ok: false, at: 'amountMin', message: 'console.problem.amount' };
  if (max === null) return { ok: false, at: 'amountMax', message: 'console.problem.amount' };
  if (min !== undefined && max !== undefined && min > max) return { ok: false, at: 'amountMax', message: 'console.problem.range' };
  if (f.dateFrom && f.dateTo && f.dateFrom > f.dateTo) return { ok: false, at: 'dateTo', message: 'console.problem.range' };
  if (f.dateFrom) q.set('dateFrom', f.dateFrom);
  if (f.dateTo) q.set('dateTo', f.dateTo);
  if (f.counterparty.trim()) q.set('counterparty', f.counterparty.trim());
  if (min !== undefined) q.set('amountMin', String(min));
  if (max !== undefined) q.set('amountMax', String(max));
  if (f.title.trim()) q.set('title', f.title.trim());
  if (f.status) q.set('status', f.status);
  if (f.managementNumber.trim()) q.set('managementNumber', f.managementNumber.trim());
  return { ok: true, query: q.toString() };
}
