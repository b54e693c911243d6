/**
 * Review and decide: one tab per document, the required-field checklist, the recipient's inputs,
 * download of the unsigned PDF, then complete (with confirmation) or reject (with a reason).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CompleteResponse, DocumentsResponse, PublicInfo, RecipientField } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import { RecipientApiError, type RecipientApi } from './api';
import { completionPayload, initialValues, isFilled, missingRequired, requiredFields, type FieldValues } from './fields';
import { usePanelHost } from './host';
import { PdfView } from './PdfView';
import { saveFile } from './save-file';

interface Props {
  api: RecipientApi;
  info: PublicInfo;
  session: string;
  documents: DocumentsResponse;
  onCompleted(result: CompleteResponse): void;
  onRejected(): void;
  /** Returns true when the error moved the panel to another screen. */
  onError(e: unknown): boolean;
  /** A replay: every input and button disabled; only the PDFs are fetched. */
  readOnly?: boolean;
}

type Dialog = null | 'complete' | 'reject';

export function Documents({ api, info, session, documents, onCompleted, onRejected, onError, readOnly = false }: Props) {
  const { t } = useI18n();
  const { recorder } = usePanelHost();
  const docs = documents.documents;
  const [active, setActive] = useState(0);
  const [pages, setPages] = useState<Record<string, number>>({});
  const [bytes, setBytes] = useState<Record<string, ArrayBuffer>>({});
  const [values, setValues] = useState<FieldValues>(() => initialValues(docs));
  const [highlight, setHighlight] = useState<RecipientField | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const doc = docs[active];

  useEffect(() => {
    if (!doc || bytes[doc.id]) return;
    let cancelled = false;
    api.pdf(session, doc.id).then(
      (b) => !cancelled && setBytes((m) => ({ ...m, [doc.id]: b })),
      (e: unknown) => !cancelled && !onError(e) && setProblem(t('panel.error', { message: String((e as Error).message ?? e) })),
    );
    return () => {
      cancelled = true;
    };
  }, [doc, bytes, api, session, onError, t]);

  const required = requiredFields(docs);
  const done = required.filter((f) => isFilled(f, values[f.id])).length;

  const jumpTo = (field: RecipientField) => {
    const index = docs.findIndex((d) => d.id === field.documentId);
    if (index >= 0) showDocument(index);
    setPages((p) => ({ ...p, [field.documentId]: field.page }));
    setHighlight(field);
    // The input is rendered once its document's tab is active.
    requestAnimationFrame(() => document.getElementById(`field-${field.id}`)?.focus());
  };

  const showDocument = (index: number) => {
    if (index !== active) recorder.event('document.tab', { index, of: docs.length });
    setActive(index);
  };

  const onTabKey = (e: KeyboardEvent, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const target = e.key === 'Home' ? 0 : e.key === 'End' ? docs.length - 1 : (index + delta + docs.length) % docs.length;
    if (delta || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      showDocument(target);
      tabRefs.current[target]?.focus();
    }
  };

  // Fetched again with ?download=1 so that the server's audit log records the download.
  const download = async () => {
    recorder.event('download.unsigned', { index: active });
    try {
      saveFile(doc.name, await api.pdf(session, doc.id, true));
    } catch (e) {
      if (!onError(e)) setProblem(t('panel.error', { message: (e as Error).message }));
    }
  };

  // Keyboard users land on the document tabs once the documents are open.
  useEffect(() => {
    tabRefs.current[0]?.focus();
  }, []);

  const askComplete = () => {
    const missing = missingRequired(docs, values);
    recorder.event('complete.ask', { required: required.length, missing: missing.length });
    if (missing.length) {
      setProblem(t('panel.missing', { fields: missing.map((f) => f.label).join('、') }));
      jumpTo(missing[0]);
      return;
    }
    setProblem(null);
    setDialog('complete');
  };

  const complete = async () => {
    setBusy(true);
    const started = performance.now();
    try {
      const result = await api.complete(session, completionPayload(docs, values));
      recorder.event('complete.confirm', { ok: true }, performance.now() - started);
      onCompleted(result);
    } catch (e) {
      recorder.event('complete.confirm', { ok: false, errorCode: e instanceof RecipientApiError ? e.code : 'error' }, performance.now() - started);
      setDialog(null);
      if (e instanceof RecipientApiError && e.code === 'missing-required-fields') {
        const labels = docs.flatMap((d) => d.fields).filter((f) => e.missingFields?.includes(f.id));
        setProblem(t('panel.missing', { fields: (labels.length ? labels.map((f) => f.label) : (e.missingFields ?? [])).join('、') }));
        if (labels[0]) jumpTo(labels[0]);
      } else if (!onError(e)) setProblem(t('panel.error', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const reject = async () => {
    if (!reason.trim()) return setProblem(t('panel.reasonRequired'));
    setBusy(true);
    const started = performance.now();
    try {
      await api.reject(session, reason.trim());
      recorder.event('reject.confirm', { ok: true }, performance.now() - started);
      onRejected();
    } catch (e) {
      recorder.event('reject.confirm', { ok: false, errorCode: e instanceof RecipientApiError ? e.code : 'error' }, performance.now() - started);
      if (!onError(e)) setProblem(t('panel.error', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const fields = doc?.fields ?? [];
  return (
    <div className="documents">
      {documents.message && (
        <p className="message" data-testid="envelope-message">
          {documents.message}
        </p>
      )}
      <div role="tablist" aria-label={t('panel.documents', { count: docs.length })} className="tabs">
        {docs.map((d, i) => (
          <button
            key={d.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${d.id}`}
            aria-selected={i === active}
            aria-controls="doc-panel"
            tabIndex={i === active ? 0 : -1}
            data-testid="doc-tab"
            disabled={readOnly}
            onClick={() => showDocument(i)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {d.name}
          </button>
        ))}
      </div>

      <section className="checklist" aria-labelledby="required-heading">
        <h3 id="required-heading" data-testid="required-count">
          {t('panel.required', { done, total: required.length })}
        </h3>
        <ul>
          {required.map((f) => (
            <li key={f.id}>
              <button type="button" data-testid="required-item" data-done={isFilled(f, values[f.id])} disabled={readOnly} onClick={() => jumpTo(f)}>
                {isFilled(f, values[f.id]) ? '✓' : '○'} {f.label}
                {docs.length > 1 && ` — ${docs.find((d) => d.id === f.documentId)?.name ?? ''}`}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <div role="tabpanel" id="doc-panel" aria-labelledby={doc ? `tab-${doc.id}` : undefined} className="doc-panel">
        {doc && bytes[doc.id] ? (
          <PdfView
            key={doc.id}
            bytes={bytes[doc.id]}
            page={pages[doc.id] ?? 1}
            onPageChange={(p) => setPages((m) => ({ ...m, [doc.id]: p }))}
            highlight={highlight && highlight.documentId === doc.id ? { page: highlight.page, rect: highlight.rect } : null}
            readOnly={readOnly}
          />
        ) : (
          <p>{t('panel.loading')}</p>
        )}
        <button type="button" className="secondary" data-testid="download-pdf" onClick={() => void download()} disabled={readOnly || !doc}>
          {t('panel.download')}
        </button>

        <fieldset className="fields">
          <legend>{t('panel.fields')}</legend>
          {fields.length === 0 && <p>{t('panel.noFields')}</p>}
          {fields.map((f) => (
            <div key={f.id} className="field">
              <label htmlFor={`field-${f.id}`}>
                {f.label}
                {f.required && <span className="required"> {t('panel.requiredMark')}</span>}
              </label>
              <input
                id={`field-${f.id}`}
                data-testid="field-input"
                data-field-id={f.id}
                type={f.type === 'checkbox' ? 'checkbox' : f.type === 'date' ? 'date' : 'text'}
                required={f.required}
                aria-required={f.required}
                disabled={readOnly}
                {...(f.type === 'checkbox'
                  ? { checked: values[f.id] === 'true', onChange: (e) => setValues((v) => ({ ...v, [f.id]: String(e.target.checked) })) }
                  : { value: values[f.id] ?? '', maxLength: 1000, onChange: (e) => setValues((v) => ({ ...v, [f.id]: e.target.value })) })}
                onFocus={() => setHighlight(f)}
              />
            </div>
          ))}
        </fieldset>
      </div>

      {problem && (
        <p role="alert" className="error" data-testid="panel-problem">
          {problem}
        </p>
      )}

      {dialog === null && (
        <div className="actions">
          <button type="button" className="primary" data-testid="complete" disabled={readOnly} onClick={askComplete}>
            {t('panel.complete')}
          </button>
          <button
            type="button"
            className="danger"
            data-testid="reject"
            disabled={readOnly}
            onClick={() => {
              recorder.event('reject.open');
              setProblem(null);
              setDialog('reject');
            }}
          >
            {t('panel.reject')}
          </button>
        </div>
      )}

      {dialog === 'complete' && (
        <section role="dialog" aria-modal="true" aria-labelledby="confirm-title" className="dialog" data-testid="confirm-dialog">
          <h3 id="confirm-title">{t('panel.confirmTitle')}</h3>
          <p>{t('panel.confirmText', { title: info.title })}</p>
          <button type="button" className="primary" data-testid="confirm-complete" disabled={busy} autoFocus onClick={() => void complete()}>
            {busy ? t('panel.completing') : t('panel.confirmComplete')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setDialog(null)}>
            {t('panel.cancel')}
          </button>
        </section>
      )}

      {dialog === 'reject' && (
        <section role="dialog" aria-modal="true" aria-labelledby="reject-title" className="dialog" data-testid="reject-dialog">
          <h3 id="reject-title">
            <label htmlFor="reject-reason">{t('panel.rejectTitle')}</label>
          </h3>
          <p id="reject-help">{t('panel.rejectHelp')}</p>
          <textarea
            id="reject-reason"
            data-testid="reject-reason"
            required
            aria-describedby="reject-help"
            maxLength={1000}
            rows={4}
            autoFocus
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="button" className="danger" data-testid="confirm-reject" disabled={busy || !reason.trim()} onClick={() => void reject()}>
            {t('panel.confirmReject')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setDialog(null)}>
            {t('panel.cancel')}
          </button>
        </section>
      )}
    </div>
  );
}
