/**
 * Japanese and English strings of the validation core: problem messages and the panel texts the CLI,
 * the side panel and the verify page render. `{x}` placeholders are filled by `formatMessage`.
 */
export type Lang = 'ja' | 'en';
export type Text = { ja: string; en: string };

export const PROBLEM_MESSAGES = {
  // the file
  'not-pdf': { ja: 'PDF ファイルではありません。', en: 'This is not a PDF file.' },
  'broken-file': {
    ja: 'PDF の構造（相互参照表など）が壊れているため、署名を検証できません。',
    en: 'The PDF structure (cross-reference table etc.) is broken, so the signatures cannot be verified.',
  },
  'too-complex': {
    ja: 'PDF が大きすぎるか複雑すぎるため検証できません。',
    en: 'The PDF is too large or too complex to verify.',
  },
  encrypted: {
    ja: '暗号化された PDF のため、署名後の変更を確認できません。',
    en: 'The PDF is encrypted, so changes after signing cannot be checked.',
  },
  'internal-error': { ja: '検証中に予期しないエラーが発生しました。', en: 'An unexpected error occurred during verification.' },
  unsigned: { ja: 'この PDF には署名がありません。', en: 'This PDF is not signed.' },
  'appended-data': {
    ja: '最後の署名または版の後に、相互参照表を伴わないデータが追加されています。',
    en: 'Data without a cross-reference section was appended after the last signature or revision.',
  },
  // the signature dictionary and its byte range
  'byte-range-invalid': {
    ja: '署名の対象範囲（ByteRange）が不正です。',
    en: 'The signed byte range (ByteRange) is malformed.',
  },
  'byte-range-gap': {
    ja: '署名の対象範囲の切れ目が署名値（/Contents）と一致しません（署名ラッピング攻撃の可能性）。',
    en: 'The gap in the signed byte range is not exactly the signature value (/Contents): possible signature wrapping.',
  },
  'coverage-partial': {
    ja: '署名がどの版の末尾にも一致しない範囲を対象としています。',
    en: 'The signature covers a range that does not end at any revision of the document.',
  },
  'dict-outside-signed-range': {
    ja: '署名辞書が署名された範囲の外にあります。',
    en: 'The signature dictionary lies outside the signed bytes.',
  },
  'duplicate-keys': {
    ja: '署名辞書に同じキーが重複しています（改ざんの可能性）。',
    en: 'The signature dictionary has duplicate keys (possible manipulation).',
  },
  'signature-redefined': {
    ja: '署名後の版で署名辞書・署名フィールドが書き換えられています。',
    en: 'The signature dictionary or its field was redefined in a later revision.',
  },
  'contents-missing': { ja: '署名値（/Contents）がありません。', en: 'The signature value (/Contents) is missing.' },
  'contents-empty': { ja: '署名値（/Contents）が空です。', en: 'The signature value (/Contents) is empty.' },
  'unsupported-subfilter': {
    ja: '対応していない署名形式（SubFilter: {subFilter}）です。',
    en: 'Unsupported signature format (SubFilter {subFilter}).',
  },
  // CMS
  'cms-malformed': { ja: '署名データ（CMS）の形式が不正です。', en: 'The signature data (CMS) is malformed.' },
  'cms-signer-count': {
    ja: '署名データに署名者情報が {count} 個あります（PAdES では 1 個のみ）。',
    en: 'The signature data has {count} signer infos (PAdES allows exactly one).',
  },
  'cms-econtent': {
    ja: '分離署名のはずの署名データに内容（eContent）が含まれています。',
    en: 'A detached signature carries encapsulated content (eContent).',
  },
  'signer-certificate-missing': {
    ja: '署名者の証明書が署名データに見つかりません。',
    en: 'The signer certificate cannot be found in the signature data.',
  },
  'message-digest-missing': {
    ja: '署名属性にメッセージダイジェストがありません。',
    en: 'The signed attributes have no message digest.',
  },
  'digest-mismatch': {
    ja: '文書のハッシュ値が署名時と一致しません（署名後に改ざんされています）。',
    en: 'The document hash does not match the signed hash: the signed bytes were altered.',
  },
  'signature-invalid': {
    ja: '署名値の検証に失敗しました。',
    en: 'The cryptographic signature does not verify.',
  },
  'signing-certificate-mismatch': {
    ja: '署名属性の署名者証明書の参照が実際の証明書と一致しません。',
    en: 'The signing-certificate attribute does not match the signer certificate.',
  },
  'algorithm-unsupported': {
    ja: '対応していないアルゴリズムです（{algorithm}）。検証できません。',
    en: 'Unsupported algorithm ({algorithm}): the signature cannot be verified.',
  },
  'weak-sha1': {
    ja: '署名に安全性の低い SHA-1 が使われています。',
    en: 'The signature uses the weak SHA-1 hash algorithm.',
  },
  // timestamps
  'timestamp-invalid': {
    ja: 'タイムスタンプを検証できませんでした（{detail}）。',
    en: 'The timestamp does not verify ({detail}).',
  },
  'timestamp-imprint-mismatch': {
    ja: 'タイムスタンプの対象ハッシュが一致しません（別の文書のタイムスタンプの可能性）。',
    en: 'The timestamp imprint does not match (it may have been copied from another document).',
  },
  'timestamp-untrusted': {
    ja: 'タイムスタンプ局（TSA）の証明書が信頼できません。',
    en: 'The timestamp authority (TSA) certificate is not trusted.',
  },
  // certificates and trust
  'trust-unknown': {
    ja: '署名者の証明書は信頼済みのルート証明書につながりません。',
    en: 'The signer certificate does not chain to a trusted root.',
  },
  'certificate-expired': {
    ja: '証明書「{subject}」は {at} の時点で有効期間外です。',
    en: 'Certificate "{subject}" was not valid at {at}.',
  },
  'revocation-stale': {
    ja: '証明書「{subject}」の失効情報は、検証時刻 {at} には有効期限が切れていたため使えません。',
    en: 'The revocation data for certificate "{subject}" had expired by the validation time {at} and cannot be used.',
  },
  'certificate-revoked': {
    ja: '証明書「{subject}」は失効しています（{date}）。',
    en: 'Certificate "{subject}" is revoked ({date}).',
  },
  'certificate-purpose': {
    ja: '証明書の用途が署名に合いません（{detail}）。',
    en: 'The certificate is not meant for this use ({detail}).',
  },
  'chain-invalid': {
    ja: '証明書チェーンの検証に失敗しました（{detail}）。',
    en: 'The certificate chain does not verify ({detail}).',
  },
  'ltv-incomplete': {
    ja: '長期検証（LTV）に必要な情報が DSS にそろっていません。',
    en: 'The DSS does not hold everything needed for long-term validation (LTV).',
  },
  // changes after signing
  'changes-after': {
    ja: '署名後に許可された変更が行われています（{level}）。',
    en: 'Permitted changes were made after signing ({level}).',
  },
  'disallowed-changes': {
    ja: '署名後に許可されていない変更が行われています。',
    en: 'Changes that are not permitted were made after signing.',
  },
  'docmdp-violation': {
    ja: '作成者署名（DocMDP P={p}）で禁止された変更が行われています。',
    en: 'Changes forbidden by the certification signature (DocMDP P={p}) were made.',
  },
  'fieldmdp-violation': {
    ja: '署名でロックされたフィールド「{field}」が変更されています。',
    en: 'Field "{field}", locked by this signature, was changed.',
  },
  'visible-signature-on-certified': {
    ja: '作成者署名のある文書に表示される署名が追加されています（なりすまし表示の可能性）。',
    en: 'A visible signature was added to a certified document (possible sneaky signature).',
  },
} satisfies Record<string, Text>;

export type ProblemCode = keyof typeof PROBLEM_MESSAGES;

export const PANEL = {
  verdict: {
    valid: { ja: 'すべての署名は有効です。', en: 'All signatures are valid.' },
    'valid-with-changes': {
      ja: 'すべての署名は有効です。署名後に許可された変更があります。',
      en: 'All signatures are valid; permitted changes were made after signing.',
    },
    invalid: { ja: '無効な署名があります。', en: 'At least one signature is invalid.' },
    'unknown-trust': {
      ja: '署名は改ざんされていませんが、署名者の身元を確認できません。',
      en: 'The signatures are intact, but the signer identity could not be verified.',
    },
    unsigned: { ja: '署名はありません。', en: 'The document is not signed.' },
  },
  version: { ja: 'バージョン {n}: {who} による{kind}', en: 'Version {n}: {kind} by {who}' },
  kindSignature: { ja: '署名', en: 'signed' },
  kindTimestamp: { ja: 'タイムスタンプ', en: 'timestamped' },
  unknownSigner: { ja: '不明な署名者', en: 'unknown signer' },
  signatureValid: { ja: '署名は有効です。', en: 'The signature is valid.' },
  signatureInvalid: { ja: '署名は無効です。', en: 'The signature is invalid.' },
  signatureUnsupported: { ja: '署名を検証できません（未対応の形式）。', en: 'The signature cannot be verified (unsupported).' },
  unchanged: {
    ja: 'この署名が適用されてから文書は変更されていません。',
    en: 'The document has not been modified since this signature was applied.',
  },
  changedAllowed: {
    ja: 'この署名の後に許可された変更があります: {level}',
    en: 'The document has been changed since this signature was applied, in permitted ways: {level}',
  },
  changeSigned: {
    ja: '後の署名者が記入し署名済み',
    en: 'made and signed by a later signer',
  },
  changedBySigners: {
    ja: 'この署名の後の変更は、後の署名者によるフォーム入力と署名のみで、それぞれの署名で保護されています。',
    en: 'Since this signature, only later signers have filled in and signed the document, each change covered by their own signature.',
  },
  changedDisallowed: {
    ja: 'この署名の後に許可されていない変更があります。',
    en: 'The document has been changed since this signature was applied, in ways that are not permitted.',
  },
  coverageWhole: { ja: '署名は文書全体を対象としています。', en: 'The signature covers the whole document.' },
  coverageRevision: { ja: '署名はこの版までを対象としています。', en: 'The signature covers this revision of the document.' },
  trusted: { ja: '署名者の身元は有効です（{at} 時点、{source}）。', en: "The signer's identity is valid (at {at}, {source})." },
  untrusted: { ja: '署名者の身元は無効です。', en: "The signer's identity is invalid." },
  trustUnknown: { ja: '署名者の身元は不明です（信頼済みルートにつながりません）。', en: "The signer's identity is unknown (no trusted root)." },
  sourceTimestamp: { ja: 'タイムスタンプの時刻', en: 'timestamp time' },
  sourceClaimed: { ja: '署名者が主張する時刻', en: "signer's claimed time" },
  sourceGiven: { ja: '指定された時刻', en: 'the given time' },
  sourceNow: { ja: '現在時刻', en: 'current time' },
  embeddedTimestamp: { ja: '埋め込まれたタイムスタンプ: {time}（{status}）', en: 'Embedded timestamp: {time} ({status})' },
  noTimestamp: { ja: '署名時刻はコンピュータの時計によるものです: {time}', en: "Signing time is from the signer's computer clock: {time}" },
  ltvEnabled: { ja: 'LTV 有効', en: 'LTV enabled' },
  ltvNotEnabled: { ja: 'LTV 無効', en: 'Not LTV enabled' },
  reason: { ja: '理由', en: 'Reason' },
  location: { ja: '場所', en: 'Location' },
  change: { ja: '変更', en: 'Change' },
  levels: {
    none: { ja: 'なし', en: 'none' },
    lta: { ja: '検証情報・タイムスタンプの追加', en: 'validation data and timestamps' },
    form: { ja: 'フォーム入力・署名', en: 'form filling and signing' },
    annotations: { ja: '注釈', en: 'annotations' },
    other: { ja: 'その他の変更', en: 'other changes' },
  },
  valid: { ja: '有効', en: 'valid' },
  invalid: { ja: '無効', en: 'invalid' },
} as const;

export function formatMessage(t: Text, lang: Lang, params: Record<string, string | number> = {}): string {
  return t[lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
