/**
 * Mail texts, per recipient language (Japanese first). Everything a user typed (names, titles, messages,
 * reasons) is escaped in the HTML part. No access code ever appears in any mail.
 */
export type Lang = 'ja' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `2026-11-30 18:00 (JST)` — municipalities read times in Japan time whatever the server's zone. */
export function formatJst(ms: number, lang: Lang): string {
  const d = new Date(ms + 9 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return lang === 'ja' ? `${s}（日本時間）` : `${s} (JST)`;
}

function html(paragraphs: (string | { link: string } | { quote: string })[]): string {
  const body = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`
        : 'link' in p
          ? `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`
          : `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:8px">${escapeHtml(p.quote).replace(/\n/g, '<br>')}</blockquote>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6">\n${body}\n</body></html>`;
}

function text(paragraphs: (string | { link: string } | { quote: string })[]): string {
  return (
    paragraphs
      .map((p) =>
        typeof p === 'string' ? p : 'link' in p ? p.link : p.quote.split('\n').map((l) => `> ${l}`).join('\n'),
      )
      .join('\n\n') + '\n'
  );
}

function mail(subject: string, paragraphs: (string | { link: string } | { quote: string })[]): RenderedMail {
  return { subject, text: text(paragraphs), html: html(paragraphs) };
}

export interface SigningRequestData {
  recipientName: string;
  sender: string;
  title: string;
  message: string;
  link: string;
  expiresAt: number;
}

export function signingRequest(lang: Lang, d: SigningRequestData): RenderedMail {
  if (lang === 'en') {
    return mail(`${d.sender} has sent you "${d.title}" to sign`, [
      `Dear ${d.recipientName},`,
      `${d.sender} has asked you to review and sign "${d.title}".`,
      ...(d.message ? [{ quote: d.message }] : []),
      'Open the link below to review the documents and complete or reject:',
      { link: d.link },
      `The link is valid until ${formatJst(d.expiresAt, 'en')}.`,
      'You will be asked for the access code agreed with the sender separately. It is not in this email.',
      'With the "E-contract signing assistant" extension for Chrome or Edge you can sign directly from Gmail or Outlook on the web.',
      'If you do not expect this email, do not open the link; simply delete it.',
    ]);
  }
  return mail(`${d.sender} 様より「${d.title}」への署名依頼が届いています`, [
    `${d.recipientName} 様`,
    `${d.sender} 様より、「${d.title}」への署名依頼が届いています。`,
    ...(d.message ? [{ quote: d.message }] : []),
    '下記のリンクから文書を確認し、署名手続き（完了または却下）を行ってください。',
    { link: d.link },
    `リンクの有効期限: ${formatJst(d.expiresAt, 'ja')}`,
    'アクセスコードは、送信者と別途取り決めた番号を入力してください（このメールには記載していません）。',
    'Chrome・Edge の拡張機能「電子契約 署名アシスタント」を使うと、Gmail や Outlook の画面から直接署名できます。',
    'お心当たりのない場合は、リンクを開かずにこのメールを破棄してください。',
  ]);
}

export interface ConcludedData {
  recipientName: string;
  title: string;
  sender: string;
  documentNames: string[];
  attached: boolean;
  downloadLink: string | null;
  downloadExpiresAt: number | null;
}

export function concluded(lang: Lang, d: ConcludedData): RenderedMail {
  const list = d.documentNames.map((n) => `・${n}`).join('\n');
  if (lang === 'en') {
    return mail(`Signing completed: "${d.title}"`, [
      `Dear ${d.recipientName},`,
      `Every party has completed "${d.title}" (sent by ${d.sender}). The signed documents:`,
      list.replace(/・/g, '- '),
      d.attached
        ? 'The signed PDFs are attached. Keep them: they carry the electronic signatures and timestamps.'
        : `The signed PDFs are too large to attach. Download them here until ${formatJst(d.downloadExpiresAt!, 'en')}:`,
      ...(d.downloadLink && !d.attached ? [{ link: d.downloadLink }] : []),
    ]);
  }
  return mail(`電子署名完了のお知らせ「${d.title}」`, [
    `${d.recipientName} 様`,
    `${d.sender} 様から送信された「${d.title}」について、すべての署名手続きが完了しました。`,
    `締結された文書:\n${list}`,
    d.attached
      ? '署名済みの PDF を添付します。電子署名とタイムスタンプが含まれていますので、そのまま保存してください。'
      : `署名済みの PDF はサイズが大きいため添付していません。${formatJst(d.downloadExpiresAt!, 'ja')} まで下記からダウンロードできます。`,
    ...(d.downloadLink && !d.attached ? [{ link: d.downloadLink }] : []),
  ]);
}

export interface RejectedData {
  senderName: string;
  title: string;
  recipientName: string;
  recipientEmail: string;
  reason: string;
  at: number;
}

export function rejected(lang: Lang, d: RejectedData): RenderedMail {
  if (lang === 'en') {
    return mail(`"${d.title}" was rejected`, [
      `Dear ${d.senderName},`,
      `${d.recipientName} <${d.recipientEmail}> rejected "${d.title}" at ${formatJst(d.at, 'en')}. The envelope has stopped; nobody after them will be asked.`,
      'Reason given:',
      { quote: d.reason },
    ]);
  }
  return mail(`「${d.title}」が却下されました`, [
    `${d.senderName} 様`,
    `${d.recipientName} 様（${d.recipientEmail}）が ${formatJst(d.at, 'ja')} に「${d.title}」を却下しました。この封筒の手続きは停止し、以降の宛先には依頼されません。`,
    '却下の理由:',
    { quote: d.reason },
  ]);
}

export interface CancelledData {
  recipientName: string;
  sender: string;
  title: string;
  reason: string;
}

export function cancelled(lang: Lang, d: CancelledData): RenderedMail {
  if (lang === 'en') {
    return mail(`Signing request withdrawn: "${d.title}"`, [
      `Dear ${d.recipientName},`,
      `${d.sender} has withdrawn the signing request for "${d.title}". Links sent earlier no longer work.`,
      'Reason given:',
      { quote: d.reason },
    ]);
  }
  return mail(`「${d.title}」の署名依頼が取り消されました`, [
    `${d.recipientName} 様`,
    `${d.sender} 様は「${d.title}」の署名依頼を取り消しました。以前お送りしたリンクは使用できません。`,
    '取り消しの理由:',
    { quote: d.reason },
  ]);
}
