/** The web strings, Japanese first (merged into ./messages.ts). Keys start with `web.`. */
export const ja = {
  'web.hint.title': 'Chrome・Edge の拡張機能で、メール画面から署名できます',
  'web.hint.body':
    '拡張機能「電子契約 署名アシスタント」を入れると、Gmail・Outlook の署名依頼メールにボタンが表示され、メール画面のまま文書の確認・署名ができます。拡張機能がなくても、このページで署名または却下できます。',
} as const;

export const en: Record<keyof typeof ja, string> = {
  'web.hint.title': 'Sign from your mailbox with the Chrome or Edge extension',
  'web.hint.body':
    'With the "E-contract signing assistant" extension, signing-request emails in Gmail and Outlook get a button, and you review and sign without leaving your mail. Without it, you can still sign or reject on this page.',
};
