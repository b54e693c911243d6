/**
 * API error messages in the caller's language. The server picks the language from the recipient's
 * setting or Accept-Language; the extension can show the same text for the same code.
 */
export type Lang = 'ja' | 'en';

type Params = Record<string, string | number | undefined>;
type Message = { ja: (p: Params) => string; en: (p: Params) => string };

const m = (ja: string | ((p: Params) => string), en: string | ((p: Params) => string)): Message => ({
  ja: typeof ja === 'string' ? () => ja : ja,
  en: typeof en === 'string' ? () => en : en,
});

export const errorMessages: Record<string, Message> = {
  'invalid-link': m('このリンクは無効です。最新のメールのリンクを開くか、送信者にお問い合わせください。', 'This link is not valid. Open the link in the latest email, or contact the sender.'),
  'wrong-access-code': m(
    (p) => `アクセスコードが正しくありません。あと ${p.attemptsLeft} 回間違えるとロックされます。`,
    (p) => `The access code is not correct. ${p.attemptsLeft} attempt(s) left before the link is locked.`,
  ),
  'session-required': m('アクセスコードを入力し直してください（一定時間が経過しました）。', 'Please enter the access code again (your session has ended).'),
  locked: m('アクセスコードを続けて間違えたためロックされています。送信者にロック解除を依頼してください。', 'The link is locked after too many wrong access codes. Ask the sender to unlock it.'),
  expired: m('このリンクの有効期限が切れています。送信者に再送を依頼してください。', 'This link has expired. Ask the sender to send it again.'),
  'already-completed': m('この文書の署名手続きはすでに完了しています。', 'You have already completed this envelope.'),
  'already-rejected': m('この文書はすでに却下されています。', 'This envelope has already been rejected.'),
  'envelope-cancelled': m('この署名依頼は送信者により取り消されました。', 'The sender has withdrawn this signing request.'),
  'envelope-rejected': m('この封筒は他の宛先により却下されたため、手続きは停止しています。', 'Another recipient rejected this envelope; it has stopped.'),
  'not-your-turn': m('まだ前の宛先の手続きが終わっていません。順番が来るとメールでお知らせします。', 'An earlier recipient has not finished yet. You will get an email when it is your turn.'),
  'completion-in-progress': m('完了処理を実行中です。しばらくしてから画面を更新してください。', 'The completion is already being processed. Refresh in a moment.'),
  'missing-required-fields': m(
    (p) => `必須項目が入力されていません: ${p.fields}`,
    (p) => `Required fields are missing: ${p.fields}`,
  ),
  'invalid-field-value': m((p) => `入力内容が正しくありません: ${p.field}（${p.why}）`, (p) => `A field value is not valid: ${p.field} (${p.why})`),
  'rate-limited': m('試行回数が多すぎます。しばらく待ってからやり直してください。', 'Too many attempts. Wait a minute and try again.'),
  'validation-failed': m((p) => `入力内容を確認してください: ${p.detail}`, (p) => `Please check the request: ${p.detail}`),
  'signing-unavailable': m('署名サービスが一時的に利用できません。しばらくしてからもう一度お試しください。入力内容は保存されていません。', 'The signing service is temporarily unavailable. Please try again shortly; nothing was changed.'),
  unauthorized: m('ログインが必要です。', 'Please sign in.'),
  'bad-credentials': m('メールアドレス、パスワード、または確認コードが正しくありません。', 'The email, password or verification code is not correct.'),
  'totp-required': m('確認コード（認証アプリの6桁）を入力してください。', 'Enter the 6-digit code from your authenticator app.'),
  forbidden: m('この操作を行う権限がありません。', 'You are not allowed to do this.'),
  'not-found': m('見つかりません。', 'Not found.'),
  'envelope-not-draft': m('この封筒はすでに送信されています。', 'This envelope has already been sent.'),
  'envelope-not-active': m((p) => `この封筒は現在「${p.status}」のため、この操作はできません。`, (p) => `This envelope is "${p.status}"; this action is not possible now.`),
  'recipient-not-locked': m('この宛先はロックされていません。', 'This recipient is not locked.'),
  'recipient-not-current': m('この宛先は現在手続き中ではありません。', 'It is not this recipient\'s turn.'),
  'bad-pdf': m((p) => `「${p.file}」を受け付けられません: ${p.reason}`, (p) => `"${p.file}" cannot be accepted: ${p.reason}`),
  'too-large': m((p) => `大きすぎます: ${p.detail}`, (p) => `Too large: ${p.detail}`),
  'download-expired': m('このダウンロードリンクの有効期限が切れています。送信者にお問い合わせください。', 'This download link has expired. Please contact the sender.'),
  'support-bundle-has-secret': m(
    (p) => `問い合わせ用情報に秘密の値（リンクのトークン、セッション、アクセスコードなど）が含まれているため受け付けられません: ${p.paths}`,
    (p) => `The support info contains what looks like a secret (a link token, session or access code) and was not accepted: ${p.paths}`,
  ),
  conflict: m('他の操作と競合しました。もう一度お試しください。', 'This conflicted with another change. Please try again.'),
  internal: m('サーバーで問題が発生しました。時間をおいてもう一度お試しください。', 'Something went wrong on the server. Please try again later.'),
};

export function errorMessage(code: string, lang: Lang, params: Params = {}): string {
  const msg = errorMessages[code] ?? errorMessages.internal!;
  return msg[lang](params);
}

/** First of ja/en in an Accept-Language header, Japanese when neither is named. */
export function pickLanguage(acceptLanguage: string | null | undefined, fallback: Lang = 'ja'): Lang {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('ja')) return 'ja';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
