/**
 * One envelope for the help desk: the diagnosis (why the link does not work now, per recipient), the
 * actions that fix it — each behind a confirmation, the answer's diagnosis replacing the shown one —,
 * the timeline from the audit log, and the sandbox copy for walking the same path.
 */
import { useState } from 'react';
import type { Diagnosis, HelpdeskTimeline, RecipientDiagnosis, SandboxCopyResponse, TimelineEntry } from '../../../shared/api/support';
import { useI18n } from '../../i18n/context';
import { ConsoleApiError, type ConsoleApi } from '../session';

type Pending =
  | { kind: 'resend' | 'unlock' | 'extend'; recipient: RecipientDiagnosis }
  | { kind: 'cancel' }
  | { kind: 'sandbox' };

export function useProblemText() {
  const { t } = useI18n();
  return (e: unknown) => (e instanceof ConsoleApiError && e.code !== 'unreachable' ? e.message : e instanceof ConsoleApiError ? t('support.helpdesk.unreachable') : String(e));
}

function openerOf(kind: TimelineEntry['kind']): 'scanner' | 'browser' | 'extension' | null {
  if (kind === 'link-opened-scanner') return 'scanner';
  if (kind === 'link-opened-browser') return 'browser';
  if (kind === 'link-opened-extension') return 'extension';
  return null;
}

export function EnvelopeTimeline({ api, timeline, operatorEmail, onReload }: { api: ConsoleApi; timeline: HelpdeskTimeline; operatorEmail: string; onReload(): Promise<void> }) {
  const { t, language } = useI18n();
  const problemText = useProblemText();
  const [diagnosis, setDiagnosis] = useState<Diagnosis>(timeline.diagnosis);
  const [pending, setPending] = useState<Pending | null>(null);
  const [days, setDays] = useState('7');
  const [reason, setReason] = useState('');
  const [inputProblem, setInputProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [sandbox, setSandbox] = useState<SandboxCopyResponse | null>(null);
  const env = timeline.envelope;
  // A reload (after an action) brings a new timeline; its diagnosis is the newest.
  const [seen, setSeen] = useState(timeline);
  if (seen !== timeline) {
    setSeen(timeline);
    setDiagnosis(timeline.diagnosis);
  }

  const open = (p: Pending) => {
    setPending(p);
    setInputProblem(null);
    setResult(null);
  };

  const confirm = async () => {
    if (!pending) return;
    let path: string;
    let body: unknown;
    if (pending.kind === 'cancel') {
      if (!reason.trim()) return setInputProblem(t('support.helpdesk.reasonRequired'));
      path = `/api/helpdesk/envelopes/${env.id}/cancel`;
      body = { reason: reason.trim() };
    } else if (pending.kind === 'sandbox') {
      path = `/api/helpdesk/envelopes/${env.id}/sandbox`;
    } else {
      path = `/api/helpdesk/envelopes/${env.id}/recipients/${pending.recipient.recipientId}/${pending.kind}`;
      if (pending.kind === 'extend') {
        const n = Number(days);
        if (!Number.isInteger(n) || n < 1 || n > 90) return setInputProblem(t('support.helpdesk.daysInvalid'));
        body = { days: n };
      }
    }
    setBusy(true);
    try {
      if (pending.kind === 'sandbox') {
        setSandbox(await api.post<SandboxCopyResponse>(path, {}));
      } else {
        const answer = await api.post<{ ok: true; diagnosis: Diagnosis }>(path, body);
        setDiagnosis(answer.diagnosis);
        setResult({ ok: true, text: t(`support.helpdesk.done.${pending.kind}`) });
        if (pending.kind === 'cancel') setReason('');
      }
      setPending(null);
      await onReload().catch(() => undefined);
    } catch (e) {
      setResult({ ok: false, text: t('support.helpdesk.failed', { message: problemText(e) }) });
    } finally {
      setBusy(false);
    }
  };

  const when = (iso: string | null) => (iso ? new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso)) : '—');
  const pendingName = pending && 'recipient' in pending ? pending.recipient.name : '';

  return (
    <section className="helpdesk-envelope" data-testid="helpdesk-envelope" data-envelope-id={env.id}>
      <h3>
        {env.title} <span className="status">{env.status}</span>
      </h3>
      <p className="help">
        {env.managementNumber ? `${t('support.helpdesk.management')}: ${env.managementNumber} · ` : ''}
        {t('support.helpdesk.sender')}: {env.sender.organization} {env.sender.name} · <code>{env.id}</code>
      </p>

      <h4>{t('support.helpdesk.diagnosis')}</h4>
      <p className={diagnosis.headline.code === 'ready' ? 'notice' : 'error'} data-testid="helpdesk-diagnosis" data-code={diagnosis.headline.code}>
        {diagnosis.headline.message}
      </p>
      <ul className="helpdesk-recipients">
        {diagnosis.recipients.map((r) => (
          <li key={r.recipientId} data-testid="helpdesk-recipient" data-recipient-id={r.recipientId} data-status={r.status}>
            <strong>{r.name}</strong> &lt;{r.email}&gt; · {r.role === 'cc' ? t('support.helpdesk.role.cc') : t('support.helpdesk.role.signer')} · {r.status}
            {r.current && <span className="badge"> {t('support.helpdesk.current')}</span>}
            {r.failedAttempts > 0 && <span> · {t('support.helpdesk.attempts', { count: r.failedAttempts })}</span>}
            {r.linkExpiresAt && <span> · {t('support.helpdesk.linkExpires', { time: when(r.linkExpiresAt) })}</span>}
            <ul>
              {r.findings.map((f, i) => (
                <li key={i} data-testid="helpdesk-finding" data-code={f.code}>
                  {f.message}
                </li>
              ))}
            </ul>
            <div className="actions">
              {r.actions.map((a) => (
                <button key={a} type="button" data-testid={`helpdesk-${a}`} disabled={busy} onClick={() => open({ kind: a, recipient: r })}>
                  {t(`support.helpdesk.action.${a}`)}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <div className="actions">
        {diagnosis.canCancel && (
          <button type="button" className="danger" data-testid="helpdesk-cancel" disabled={busy} onClick={() => open({ kind: 'cancel' })}>
            {t('support.helpdesk.action.cancel')}
          </button>
        )}
        <button type="button" data-testid="sandbox-copy" disabled={busy} onClick={() => open({ kind: 'sandbox' })}>
          {t('support.helpdesk.sandbox')}
        </button>
      </div>

      {pending && (
        <div className="dialog" role="group" aria-labelledby="helpdesk-confirm-text" data-testid="helpdesk-confirm-dialog" data-action={pending.kind}>
          <p id="helpdesk-confirm-text">
            {pending.kind === 'sandbox' ? t('support.helpdesk.confirm.sandbox', { email: operatorEmail }) : t(`support.helpdesk.confirm.${pending.kind}`, { name: pendingName })}
          </p>
          {pending.kind === 'extend' && (
            <label>
              {t('support.helpdesk.extendDays')}{' '}
              <input data-testid="helpdesk-extend-days" type="number" min={1} max={90} value={days} onChange={(e) => setDays(e.target.value)} />
            </label>
          )}
          {pending.kind === 'cancel' && (
            <>
              <label htmlFor="helpdesk-cancel-reason">{t('support.helpdesk.cancelReason')}</label>
              <textarea id="helpdesk-cancel-reason" data-testid="helpdesk-cancel-reason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
            </>
          )}
          {inputProblem && (
            <p role="alert" className="error" data-testid="helpdesk-input-problem">
              {inputProblem}
            </p>
          )}
          <div className="actions">
            <button type="button" className={pending.kind === 'cancel' ? 'danger' : 'primary'} data-testid="helpdesk-confirm" disabled={busy} onClick={() => void confirm()}>
              {t('support.helpdesk.confirm')}
            </button>
            <button type="button" data-testid="helpdesk-confirm-back" disabled={busy} onClick={() => setPending(null)}>
              {t('support.helpdesk.back')}
            </button>
          </div>
        </div>
      )}
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'notice' : 'error'} data-testid="helpdesk-action-result">
          {result.text}
        </p>
      )}
      {sandbox && (
        <div className="dialog" role="status" data-testid="sandbox-result" data-envelope-id={sandbox.envelopeId}>
          <p>{t('support.helpdesk.sandboxDone', { title: sandbox.title })}</p>
          <table>
            <thead>
              <tr>
                <th>{t('support.helpdesk.sandboxOrder')}</th>
                <th>{t('support.helpdesk.recipient')}</th>
                <th>{t('support.helpdesk.sandboxRole')}</th>
                <th>{t('support.helpdesk.sandboxCode')}</th>
              </tr>
            </thead>
            <tbody>
              {sandbox.recipients.map((r) => (
                <tr key={r.position} data-testid="sandbox-recipient">
                  <td>{r.position + 1}</td>
                  <td>
                    {r.name} &lt;{r.email}&gt;
                  </td>
                  <td>{r.role === 'cc' ? t('support.helpdesk.role.cc') : t('support.helpdesk.role.signer')}</td>
                  <td data-testid="sandbox-code">{r.accessCode ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => setSandbox(null)}>
            {t('support.helpdesk.close')}
          </button>
        </div>
      )}

      <h4>{t('support.helpdesk.timeline')}</h4>
      <table className="helpdesk-timeline" data-testid="helpdesk-timeline">
        <thead>
          <tr>
            <th>{t('support.helpdesk.time')}</th>
            <th>{t('support.helpdesk.what')}</th>
            <th>{t('support.helpdesk.recipient')}</th>
            <th>{t('support.helpdesk.who')}</th>
            <th>{t('support.helpdesk.where')}</th>
          </tr>
        </thead>
        <tbody>
          {timeline.entries.map((e, i) => {
            const opener = openerOf(e.kind);
            return (
              <tr key={`${e.seq ?? 'x'}-${i}`} data-testid="timeline-row" data-kind={e.kind} data-opener={opener ?? undefined} className={opener === 'scanner' ? 'scanner' : undefined}>
                <td>{e.jst}</td>
                <td>
                  {opener && <span className={`opener opener-${opener}`}>[{t(`support.helpdesk.${opener}`)}] </span>}
                  {e.description}
                </td>
                <td>{e.recipient ? `${e.recipient.name} <${e.recipient.email}>` : ''}</td>
                <td>{e.actor.type === 'staff' ? `${e.actor.name ?? ''} ${e.actor.email ?? ''}`.trim() : t(`support.helpdesk.actor.${e.actor.type}`)}</td>
                <td>{[e.ip, e.userAgent].filter(Boolean).join(' · ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
