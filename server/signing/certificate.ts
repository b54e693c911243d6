/**
 * The conclusion certificate (締結証明書) of an envelope, as a PDF in Japanese: documents with their
 * certificate IDs, page counts and SHA-256 of the final PDFs, management number, sender, and every
 * operation from the audit log (time in JST, IP, method, actor). Text uses the embedded Noto Sans CJK
 * JP subset. The service then signs and timestamps it like any document.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { PdfRef } from '../../shared/pdf/index.js';
import { notoSansJp } from './font/noto-cjk.js';
import { jstDateTime } from './jst.js';
import { CidFontSubset } from './font/cid-subset.js';
import { NewPdf } from './pdf/new-pdf.js';
import { raw, textString } from './pdf/serialize.js';
import type { ConclusionCertificateInput } from './service.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/** Audit actions (server/audit/log.ts) as the certificate names them. */
const ACTIONS: Record<string, string> = {
  'envelope.created': '作成',
  'envelope.sent': '送信',
  'envelope.cancelled': '取消',
  'envelope.expired': '期限切れ',
  'envelope.concluded': '締結',
  'envelope.expiry-extended': '有効期限の延長',
  'mail.queued': 'メール送信予約',
  'mail.sent': 'メール送信',
  'mail.failed': 'メール送信失敗',
  'link.opened': 'リンクを開く',
  'link.resent': 'リンク再送',
  'access-code.failed': 'アクセスコード誤り',
  'access-code.accepted': 'アクセスコード認証',
  'recipient.locked': 'ロック',
  'recipient.unlocked': 'ロック解除',
  'recipient.expired': '期限切れ',
  'document.viewed': '文書の閲覧',
  'document.downloaded': '文書のダウンロード',
  'field.filled': '入力項目の記入',
  'recipient.completed': '承認（署名）',
  'recipient.rejected': '却下',
  'signing.applied': '電子署名の付与',
  'helpdesk.sandbox-copied': 'ヘルプデスクによるテスト用の複製',
  'helpdesk.sandbox-of': 'テスト用の複製として作成',
};

/** `2026-11-21 09:30:00 (JST)`. */
const jst = (d: Date) => `${jstDateTime(d)} (JST)`;

class Layout {
  readonly pages: string[][] = [[]];
  y = A4[1] - MARGIN;
  constructor(readonly font: CidFontSubset) {}

  private ensure(h: number) {
    if (this.y - h < MARGIN) {
      this.pages.push([]);
      this.y = A4[1] - MARGIN;
    }
  }

  text(x: number, s: string, size: number) {
    this.pages[this.pages.length - 1].push(`BT 1 0 0 1 ${x.toFixed(2)} ${this.y.toFixed(2)} Tm ${this.font.show(s, size)} ET`);
  }

  private wrap(s: string, size: number, max: number): string[] {
    const out: string[] = [];
    let rest = Array.from(s);
    do {
      let n = rest.length;
      while (n > 1 && this.font.width(rest.slice(0, n).join(''), size) > max) n--;
      out.push(rest.slice(0, n).join(''));
      rest = rest.slice(n);
    } while (rest.length);
    return out;
  }

  /** A line of text (wrapped to the page width), then moves down. */
  line(s: string, size = 9, indent = 0) {
    for (const part of this.wrap(s, size, A4[0] - 2 * MARGIN - indent)) {
      this.ensure(size * 1.5);
      this.y -= size * 1.5;
      this.text(MARGIN + indent, part, size);
    }
  }

  /** Label and value on one row (the value wrapped in its column). */
  row(label: string, value: string, size = 9) {
    const x = MARGIN + 110;
    const parts = this.wrap(value, size, A4[0] - MARGIN - x);
    this.ensure(size * 1.6 + size * 1.4 * (parts.length - 1));
    this.y -= size * 1.6;
    this.text(MARGIN, label, size);
    parts.forEach((part, i) => {
      if (i) this.y -= size * 1.4;
      this.text(x, part, size);
    });
  }

  gap(h: number) {
    this.y -= h;
  }

  rule() {
    this.ensure(6);
    this.y -= 4;
    this.pages[this.pages.length - 1].push(`q 0.6 G 0.5 w ${MARGIN} ${this.y.toFixed(2)} m ${A4[0] - MARGIN} ${this.y.toFixed(2)} l S Q`);
  }
}

export async function buildConclusionCertificate(input: ConclusionCertificateInput): Promise<Uint8Array> {
  const font = new CidFontSubset(notoSansJp());
  const L = new Layout(font);
  L.line('締結証明書', 18);
  L.gap(6);
  L.line('本書は、以下の電子契約が当サービス上で締結されたことを証明します。', 9);
  L.rule();
  L.row('件名', input.title);
  L.row('管理番号', input.managementNumber ?? '—');
  L.row('封筒 ID', input.envelopeId);
  L.row('差出人', `${input.senderOrganization}　${input.senderName} <${input.senderEmail}>`);
  L.row('締結日時', jst(input.concludedAt));
  L.gap(8);
  L.line('文書', 12);
  L.rule();
  input.documents.forEach((d, i) => {
    L.row(`文書 ${i + 1}`, d.name);
    L.row('締結証明書 ID', d.certificateId);
    L.row('ページ数', String(d.pageCount));
    L.row('SHA-256', d.sha256);
    L.gap(4);
  });
  L.gap(8);
  L.line('操作履歴', 12);
  L.rule();
  for (const op of input.operations) {
    const action = ACTIONS[op.action] ?? op.action;
    L.line(`${jst(op.at)}　${action}`, 9);
    L.line(`実行者: ${op.actor}　IP アドレス: ${op.ip ?? '—'}　方法: ${op.method}`, 8, 14);
  }
  L.gap(10);
  L.rule();
  L.line('この証明書は電子署名とタイムスタンプ（PAdES）で保護されています。文書の SHA-256 は最終版 PDF のハッシュ値です。', 7.5);

  const footers = L.pages.map((_, i) => `BT 1 0 0 1 ${A4[0] - MARGIN - 40} 30 Tm ${font.show(`${i + 1} / ${L.pages.length}`, 8)} ET`);
  const pdf = new NewPdf();
  const catalog = pdf.allocate();
  const pagesRef = pdf.allocate();
  const fonts = font.write(pdf); // after all text is laid out: the subset is complete
  const kids: PdfRef[] = [];
  L.pages.forEach((ops, i) => {
    const content = pdf.allocate();
    const footer = footers[i];
    pdf.putStream(content, { Filter: raw('/FlateDecode') }, deflateSync(Buffer.from(['0 g', ...ops, footer].join('\n'), 'latin1')));
    const page = pdf.allocate();
    pdf.put(page, {
      Type: raw('/Page'),
      Parent: pagesRef,
      MediaBox: [0, 0, A4[0], A4[1]],
      Resources: { Font: fonts },
      Contents: content,
    });
    kids.push(page);
  });
  pdf.put(pagesRef, { Type: raw('/Pages'), Kids: kids, Count: kids.length });
  const info = pdf.allocate();
  pdf.put(info, {
    Title: raw(textString(`締結証明書 ${input.title}`)),
    Producer: raw(textString('esign-witness')),
  });
  pdf.put(catalog, { Type: raw('/Catalog'), Pages: pagesRef, Lang: raw(textString('ja-JP')) });
  const id = createHash('sha256').update(input.envelopeId).digest().subarray(0, 16);
  return pdf.toBytes(catalog, info, id);
}
