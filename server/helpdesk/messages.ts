/** What the help desk reads: findings and timeline lines, Japanese first, English for the same code. */
import type { Lang } from '../../shared/i18n/errors.js';
import type { FindingCode, TimelineKind } from '../../shared/api/support.js';

type P = Record<string, string | number | null | undefined>;
type Text = { ja: (p: P) => string; en: (p: P) => string };

/** `2026-11-21 09:15:03（日本時間）` / `2026-11-21 09:15:03 JST`: seconds matter (a scanner follows delivery within seconds). */
export function jstTime(ms: number, lang: Lang): string {
  const d = new Date(ms + 9 * 3600_000).toISOString();
  const s = `${d.slice(0, 10)} ${d.slice(11, 19)}`;
  return lang === 'ja' ? `${s}（日本時間）` : `${s} JST`;
}

const findings: Record<FindingCode, Text> = {
  ready: { ja: () => '現在のリンクは有効です（アクセスコードを入力できます）。', en: () => 'The current link works (the access code can be entered).' },
  'mail-pending': { ja: () => '署名依頼メールはまだ送信されていません（送信待ち・再試行中）。', en: () => 'The signing-request mail has not been sent yet (queued or retrying).' },
  'mail-failed': {
    ja: (p) => `署名依頼メールを送信できませんでした: ${p.error}。宛先アドレスを確認し、再送してください。`,
    en: (p) => `The signing-request mail could not be sent: ${p.error}. Check the address, then resend.`,
  },
  'scanner-only': {
    ja: () => 'リンクはメールのセキュリティ検査（スキャナー）が開いただけで、ご本人はまだ開いていません。',
    en: () => 'Only a mail scanner has fetched the link; the person has not opened it yet.',
  },
  'never-opened': { ja: () => 'リンクはまだ一度も開かれていません。メールが届いているか（迷惑メールフォルダも）確認してください。', en: () => 'The link has not been opened yet. Check that the mail arrived (also the spam folder).' },
  'link-replaced': {
    ja: (p) => `リンクは再送により ${p.times} 回置き換えられています。以前のメールのリンクは無効で、${p.since} に送ったメールのリンクだけが使えます。`,
    en: (p) => `The link was replaced by a resend (${p.times} time(s)). Links in earlier mails no longer work; only the link in the mail sent ${p.since} does.`,
  },
  locked: {
    ja: (p) => `アクセスコードを ${p.attempts} 回間違えたためロックされています。本人確認のうえロックを解除してください。`,
    en: (p) => `Locked after ${p.attempts} wrong access codes. Unlock it once you have confirmed who is calling.`,
  },
  expired: {
    ja: (p) => `リンクの有効期限（${p.until}）が切れています。期限を延長するか、再送してください。`,
    en: (p) => `The link expired (${p.until}). Extend the expiry or resend the link.`,
  },
  'not-yet': { ja: (p) => `まだ順番ではありません（${p.current} 様の手続き待ち）。`, en: (p) => `Not their turn yet (waiting for ${p.current}).` },
  completed: { ja: () => 'この宛先は手続きを完了しています。', en: () => 'This recipient has completed.' },
  rejected: { ja: (p) => `${p.by} 様が却下したため、手続きは停止しています。理由: ${p.reason}`, en: (p) => `${p.by} rejected the envelope; it has stopped. Reason: ${p.reason}` },
  cancelled: { ja: (p) => `この封筒は取り消されています。理由: ${p.reason}`, en: (p) => `The envelope was cancelled. Reason: ${p.reason}` },
  concluded: { ja: () => '全員の手続きが完了し、締結済みです。', en: () => 'Everyone has completed; the envelope is concluded.' },
  draft: { ja: () => 'まだ送信されていない下書きです。', en: () => 'A draft that has not been sent.' },
};

export function findingText(code: FindingCode, lang: Lang, p: P = {}): string {
  return findings[code][lang](p);
}

const MAIL_KIND: Record<string, { ja: string; en: string }> = {
  'signing-request': { ja: '署名依頼', en: 'signing request' },
  cancelled: { ja: '取消のお知らせ', en: 'cancellation notice' },
  concluded: { ja: '電子署名完了のお知らせ', en: 'conclusion notice' },
  rejected: { ja: '却下のお知らせ', en: 'rejection notice' },
};

export const mailKind = (kind: string, lang: Lang) => MAIL_KIND[kind]?.[lang] ?? kind;

const OPENER_REASON: Record<string, string> = { 'no user agent': 'UA なし', 'no accept-language': 'Accept-Language なし', 'esign extension': '拡張機能' };

export function openerReasons(reasons: string[], lang: Lang): string {
  return reasons.map((r) => (lang === 'ja' ? (OPENER_REASON[r] ?? r.replace('user agent matches', 'UA が一致:')) : r)).join(', ');
}

const timeline: Record<TimelineKind, Text> = {
  created: { ja: (p) => `${p.who} が封筒を作成`, en: (p) => `${p.who} created the envelope` },
  sent: { ja: (p) => `${p.who} が送信`, en: (p) => `${p.who} sent the envelope` },
  'mail-sent': { ja: (p) => `「${p.kind}」メールを ${p.to} に送信`, en: (p) => `Mail "${p.kind}" sent to ${p.to}` },
  'mail-failed': { ja: (p) => `「${p.kind}」メールを ${p.to} に送信できず（再試行終了）: ${p.error}`, en: (p) => `Mail "${p.kind}" to ${p.to} failed for good: ${p.error}` },
  'mail-retrying': { ja: (p) => `「${p.kind}」メールの ${p.to} への送信に失敗（再試行します）: ${p.error}`, en: (p) => `Mail "${p.kind}" to ${p.to} failed, will retry: ${p.error}` },
  'link-opened-browser': { ja: (p) => `ブラウザでリンクを開く（${p.generation} 通目のリンク）`, en: (p) => `Link opened in a browser (link #${p.generation})` },
  'link-opened-extension': { ja: (p) => `拡張機能のサイドパネルでリンクを開く（${p.generation} 通目のリンク）`, en: (p) => `Link opened in the extension's side panel (link #${p.generation})` },
  'link-opened-scanner': { ja: (p) => `メールのセキュリティ検査がリンクを取得（ご本人ではありません。${p.reasons}）`, en: (p) => `A mail scanner fetched the link (not the person: ${p.reasons})` },
  'access-code-failed': { ja: (p) => `アクセスコード誤り（${p.attempt} / ${p.max} 回目）`, en: (p) => `Wrong access code (attempt ${p.attempt} of ${p.max})` },
  'access-code-accepted': { ja: () => 'アクセスコード認証に成功', en: () => 'Access code accepted' },
  locked: { ja: (p) => `アクセスコードを ${p.attempts} 回間違えたためロック`, en: (p) => `Locked after ${p.attempts} wrong access codes` },
  unlocked: { ja: (p) => `${p.who} がロックを解除`, en: (p) => `${p.who} unlocked the recipient` },
  viewed: { ja: (p) => `「${p.document}」を表示`, en: (p) => `Viewed "${p.document}"` },
  downloaded: { ja: (p) => `「${p.document}」をダウンロード`, en: (p) => `Downloaded "${p.document}"` },
  completed: { ja: (p) => `手続きを完了（${p.method}）`, en: (p) => `Completed (${p.method})` },
  rejected: { ja: (p) => `却下（理由: ${p.reason}）`, en: (p) => `Rejected (reason: ${p.reason})` },
  cancelled: { ja: (p) => `${p.who} が取り消し（理由: ${p.reason}）`, en: (p) => `${p.who} cancelled the envelope (reason: ${p.reason})` },
  expired: { ja: () => 'リンクの有効期限切れ', en: () => 'The link expired' },
  resent: { ja: (p) => `${p.who} がリンクを再送（以前のリンクは無効）`, en: (p) => `${p.who} resent the link (earlier links no longer work)` },
  extended: { ja: (p) => `${p.who} が有効期限を ${p.days} 日延長（${p.until} まで）`, en: (p) => `${p.who} extended the expiry by ${p.days} day(s) (until ${p.until})` },
  concluded: { ja: () => '全員が完了し締結', en: () => 'Everyone completed: concluded' },
  'support-bundle': { ja: (p) => `問い合わせ用情報を受信（サポートコード ${p.code}、${p.adapter}、拡張機能 ${p.version}）`, en: (p) => `Support info received (support code ${p.code}, ${p.adapter}, extension ${p.version})` },
};

export function timelineText(kind: TimelineKind, lang: Lang, p: P = {}): string {
  return timeline[kind][lang](p);
}
