/**
 * Whether the signed PDFs go into the completion mail or behind a download link: ≤ 20 files and
 * ≤ 6 MB in all, ≤ 2 MB for Japanese mobile carrier addresses, whose mailboxes refuse larger mail.
 */
const CARRIER_DOMAINS = ['docomo.ne.jp', 'ezweb.ne.jp', 'i.softbank.jp', 'softbank.ne.jp', 'rakumail.jp', 'ymobile.ne.jp'];

export const MAX_ATTACHED_FILES = 20;
export const MAX_ATTACHED_BYTES = 6 * 1024 * 1024;
export const MAX_CARRIER_BYTES = 2 * 1024 * 1024;

export function isCarrierAddress(email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return CARRIER_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function attachmentLimit(email: string): number {
  return isCarrierAddress(email) ? MAX_CARRIER_BYTES : MAX_ATTACHED_BYTES;
}

export function canAttach(email: string, fileSizes: number[]): boolean {
  const total = fileSizes.reduce((a, b) => a + b, 0);
  return fileSizes.length <= MAX_ATTACHED_FILES && total <= attachmentLimit(email);
}
