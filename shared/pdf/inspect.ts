/**
 * Upload check: can this file be signed as it is? Refuses (never repairs) empty, non-PDF, truncated,
 * encrypted files, broken cross-references and files without pages. Bounded on hostile input.
 */
import { PdfError, type PdfErrorCode } from './errors.js';
import { openPdf, type PdfDocument } from './document.js';
import { PdfDict, PdfStream } from './objects.js';
import { Budget, Parser } from './parser.js';

export type UploadRefusal = 'empty' | 'not-pdf' | 'truncated' | 'encrypted' | 'broken-xref' | 'no-pages' | 'too-complex';

export type UploadInspection =
  | { ok: true; pageCount: number; xrefKind: 'table' | 'stream'; signatureCount: number }
  | { ok: false; code: UploadRefusal; message: { ja: string; en: string } };

const MESSAGES: Record<UploadRefusal, { ja: string; en: string }> = {
  empty: { ja: 'ファイルが空です。', en: 'The file is empty.' },
  'not-pdf': { ja: 'PDF ファイルではありません。', en: 'This is not a PDF file.' },
  truncated: { ja: 'PDF ファイルが途中で切れています。もう一度保存し直してください。', en: 'The PDF file is truncated. Please save it again.' },
  encrypted: {
    ja: '暗号化（パスワード保護）された PDF は受け付けられません。保護を解除してからアップロードしてください。',
    en: 'Encrypted (password-protected) PDFs cannot be accepted. Remove the protection and upload again.',
  },
  'broken-xref': {
    ja: 'PDF の相互参照表が壊れています。PDF 作成ソフトで保存し直してからアップロードしてください。',
    en: 'The PDF cross-reference table is broken. Re-save the file with your PDF software and upload again.',
  },
  'no-pages': { ja: 'PDF のページ構造が見つからないか壊れています。', en: 'The PDF page tree is missing or broken.' },
  'too-complex': { ja: 'PDF が大きすぎるか複雑すぎるため処理できません。', en: 'The PDF is too large or too complex to process.' },
};

function refuse(code: UploadRefusal): UploadInspection {
  return { ok: false, code, message: MESSAGES[code] };
}

function codeOf(e: unknown, fallback: UploadRefusal): UploadRefusal {
  if (!(e instanceof PdfError)) return fallback;
  const map: Partial<Record<PdfErrorCode, UploadRefusal>> = {
    'not-pdf': 'not-pdf',
    truncated: 'truncated',
    'broken-xref': 'broken-xref',
    encrypted: 'encrypted',
    'too-complex': 'too-complex',
    'too-large': 'too-complex',
  };
  return map[e.code] ?? fallback;
}

/** Every in-use entry of the current xref must point at `num gen obj` of that very object. */
function checkXrefTargets(doc: PdfDocument): boolean {
  const bytes = doc.bytes;
  const budget = new Budget(10_000_000, 0);
  for (const [num, e] of doc.xref()) {
    if (e.type !== 'offset') continue;
    if (num === 0 && e.offset === 0) continue;
    if (e.offset >= bytes.length) return false;
    const p = new Parser(bytes, e.offset, budget);
    if (p.readUint() !== num || p.readUint() !== e.gen || !p.acceptKeyword('obj')) return false;
  }
  return true;
}

/**
 * The file must end with `%%EOF` (then only end-of-line bytes or a little padding). Readers tolerate a
 * missing marker, but a file cut in its last bytes was never saved whole, and we append to it.
 */
function endsWithEof(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && end > bytes.length - 1024 && isTrailingWhitespace(bytes[end - 1]!)) end--;
  const marker = [0x25, 0x25, 0x45, 0x4f, 0x46]; // %%EOF
  if (end < marker.length) return false;
  return marker.every((b, i) => bytes[end - marker.length + i] === b);
}

function isTrailingWhitespace(b: number): boolean {
  return b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09 || b === 0x00;
}

export function inspectUpload(bytes: Uint8Array): UploadInspection {
  try {
    if (bytes.length === 0) return refuse('empty');
    let doc: PdfDocument;
    try {
      doc = openPdf(bytes, { maxTokens: 5_000_000 });
    } catch (e) {
      return refuse(codeOf(e, 'broken-xref'));
    }
    if (doc.isEncrypted) return refuse('encrypted');
    if (!endsWithEof(bytes)) return refuse('truncated');
    try {
      if (!checkXrefTargets(doc)) return refuse('broken-xref');
    } catch (e) {
      return refuse(codeOf(e, 'broken-xref'));
    }
    let pageCount: number;
    try {
      pageCount = doc.pageCount();
    } catch (e) {
      const c = codeOf(e, 'no-pages');
      return refuse(c === 'broken-xref' || c === 'too-complex' ? c : 'no-pages');
    }
    if (pageCount === 0) return refuse('no-pages');
    let signatureCount = 0;
    try {
      for (const f of doc.fields()) {
        if (f.type !== 'Sig') continue;
        const v = doc.resolve(f.dict.get('V'));
        if (v instanceof PdfDict || v instanceof PdfStream) signatureCount++;
      }
    } catch (e) {
      return refuse(codeOf(e, 'broken-xref'));
    }
    return { ok: true, pageCount, xrefKind: doc.xrefKind, signatureCount };
  } catch (e) {
    return refuse(codeOf(e, 'too-complex'));
  }
}
