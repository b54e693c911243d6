/**
 * Upload checks (issue 2): a real PDF, not encrypted, cross-reference intact, page count known — on the
 * one PDF reader in shared/pdf. A refusal names the file and the reason, in the caller's language.
 */
import { inspectUpload } from '../../shared/pdf/index.js';
import type { Lang } from '../../shared/i18n/errors.js';
import { fail } from '../errors.js';
import { checkUpload as checkSignable, DocumentRefusedError } from '../signing/index.js';

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export function checkUpload(file: UploadedFile, lang: Lang, maxPages: number): { pageCount: number } {
  let result: ReturnType<typeof inspectUpload>;
  try {
    result = inspectUpload(file.bytes);
  } catch {
    throw fail('bad-pdf', 422, { file: file.name, reason: lang === 'ja' ? 'PDF として読み取れません' : 'it cannot be read as a PDF' });
  }
  if (!result.ok) throw fail('bad-pdf', 422, { file: file.name, reason: result.message[lang] });
  // What the signer cannot append to (a certified document forbidding changes) is refused now too.
  try {
    checkSignable(file.bytes);
  } catch (err) {
    if (err instanceof DocumentRefusedError) throw fail('bad-pdf', 422, { file: file.name, reason: err.messages[lang] });
    throw err;
  }
  if (result.pageCount > maxPages) {
    throw fail('bad-pdf', 422, {
      file: file.name,
      reason: lang === 'ja' ? `ページ数が多すぎます（${result.pageCount} ページ、上限 ${maxPages} ページ）` : `too many pages (${result.pageCount}; the limit is ${maxPages})`,
    });
  }
  return { pageCount: result.pageCount };
}
