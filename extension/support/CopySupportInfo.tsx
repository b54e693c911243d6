/**
 * 「問い合わせ用情報をコピー」: builds the redacted bundle, posts it to the server for a support code the
 * user can read out over the phone, and copies `{ supportCode, ...bundle }` to the clipboard. Nothing
 * leaves the browser before the click. When the server is unreachable or refuses, the JSON is still
 * copied (without a code) so the user can mail it; when the clipboard refuses, it is shown to select.
 */
import { useState } from 'react';
import { SupportBundleResponse } from '../../shared/api/support';
import { ApiError } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import { buildSupportBundle } from './bundle';
import type { SupportRecorder } from './recorder';

type Outcome =
  | { kind: 'code'; code: string }
  | { kind: 'no-code'; why: 'unreachable' | 'refused' | 'no-server'; message?: string }
  | { kind: 'failed'; message: string };

interface Shown {
  outcome: Outcome;
  /** The JSON, shown to select by hand when the clipboard refused it. */
  manual: string | null;
}

async function postBundle(server: string, bundle: unknown, language: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(`${server}/api/support/bundles`, {
      method: 'POST',
      credentials: 'omit',
      redirect: 'error',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': language },
      body: JSON.stringify(bundle),
    });
  } catch {
    return { kind: 'no-code', why: 'unreachable' };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = SupportBundleResponse.safeParse(body);
    return parsed.success ? { kind: 'code', code: parsed.data.supportCode } : { kind: 'no-code', why: 'refused', message: String(response.status) };
  }
  const error = ApiError.safeParse(body);
  if (response.status >= 500 && !error.success) return { kind: 'no-code', why: 'unreachable' };
  return { kind: 'no-code', why: 'refused', message: error.success ? error.data.error.message : String(response.status) };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // A document without focus (or an older browser): the selection-based copy.
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

export function CopySupportInfo({ recorder, server, page }: { recorder: SupportRecorder; server: string | null; page: 'sidepanel' | 'verify' }) {
  const { language, t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);

  async function copy() {
    setBusy(true);
    try {
      let bundle;
      try {
        bundle = buildSupportBundle(recorder, { page, language });
      } catch (e) {
        setShown({ outcome: { kind: 'failed', message: String((e as Error).message ?? e).slice(0, 200) }, manual: null });
        return;
      }
      const outcome: Outcome = server ? await postBundle(server, bundle, language) : { kind: 'no-code', why: 'no-server' };
      const json = JSON.stringify(outcome.kind === 'code' ? { supportCode: outcome.code, ...bundle } : bundle, null, 2);
      const copied = await copyText(json);
      setShown({ outcome, manual: copied ? null : json });
    } finally {
      setBusy(false);
    }
  }

  const o = shown?.outcome;
  return (
    <section className="support-info" data-testid="support-info">
      <button type="button" data-testid="copy-support-info" disabled={busy} onClick={() => void copy()} title={t('support.privacy')}>
        {busy ? t('support.copying') : t('support.copy')}
      </button>
      {o?.kind === 'code' && (
        <div role="status" data-testid="support-result" data-outcome="code">
          <p>
            {t('support.code')}: <strong data-testid="support-code">{o.code}</strong>
          </p>
          <p>{t('support.readCode')}</p>
        </div>
      )}
      {o?.kind === 'no-code' && (
        <p role="status" data-testid="support-result" data-outcome="no-code">
          {o.why === 'unreachable' ? t('support.noCodeUnreachable') : o.why === 'no-server' ? t('support.noCodeNoServer') : t('support.noCodeRefused', { message: o.message ?? '' })}
        </p>
      )}
      {o?.kind === 'failed' && (
        <p role="alert" data-testid="support-result" data-outcome="failed">
          {t('support.copyFailedBuild', { message: o.message })}
        </p>
      )}
      {shown?.manual && (
        <div>
          <p role="alert">{t('support.copyFailed')}</p>
          <textarea data-testid="support-json" readOnly rows={8} value={shown.manual} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </section>
  );
}
