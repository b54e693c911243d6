/**
 * A support bundle the help desk pastes or picks as a file: the JSON 「問い合わせ用情報をコピー」 put on
 * the user's clipboard (`{ supportCode?, ...bundle }`). Checked against the same schema as the server's,
 * so a malformed or secret-carrying paste is refused with the reason, and the pasted text stays.
 */
import { SupportBundle, SupportCode } from '../../../shared/api/support';

export type ImportResult =
  | { ok: true; bundle: SupportBundle; supportCode: string | null }
  | { ok: false; problem: 'empty' | 'not-json' | 'invalid'; detail?: string };

export function importBundle(text: string): ImportResult {
  if (!text.trim()) return { ok: false, problem: 'empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: 'invalid', detail: 'not an object' };
  const { supportCode, ...rest } = raw as Record<string, unknown>;
  const code = SupportCode.safeParse(supportCode);
  const parsed = SupportBundle.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: 'invalid', detail: issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid' };
  }
  return { ok: true, bundle: parsed.data, supportCode: code.success ? code.data : null };
}
