/**
 * A new envelope: title and message, the bookkeeping keys (電子帳簿保存法), documents, recipients in
 * signing order, and fields drawn on the pages. Checked here before anything is sent; then one
 * multipart upload with progress, created and sent in one step.
 */
import { useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/react';
import { ConsoleApiError, type ConsoleApi } from '../session';
import { DocumentList } from './DocumentList';
import {
  documentNamedIn,
  emptyDraft,
  envelopeForm,
  validateDraft,
  type DraftDocument,
  type DraftField,
  type DraftProblem,
  type DraftRecipient,
  type EnvelopeDraft,
} from './envelope-draft';
import { FieldList } from './FieldList';
import { FieldPlacer } from './FieldPlacer';
import { checkPdf } from './pdf-check';
import { ProblemText } from './ProblemText';
import { RecipientList } from './RecipientList';
import { UploadProgress, type Upload } from './UploadProgress';

export function EnvelopeForm({ api, onSent }: { api: ConsoleApi; onSent(envelopeId: string): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<EnvelopeDraft>(emptyDraft);
  // After the first try, the problems follow the form as the clerk fixes them.
  const [attempted, setAttempted] = useState(false);
  const problems = useMemo<DraftProblem[]>(() => {
    if (!attempted) return [];
    const r = validateDraft(draft);
    return r.ok ? [] : r.problems;
  }, [attempted, draft]);
  const [formError, setFormError] = useState<string | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const counter = useRef(0);
  const newKey = (prefix: string) => `${prefix}${++counter.current}`;

  const set = <K extends keyof EnvelopeDraft>(key: K, value: EnvelopeDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const updateDocument = (key: string, patch: Partial<DraftDocument>) =>
    setDraft((d) => ({ ...d, documents: d.documents.map((x) => (x.key === key ? { ...x, ...patch } : x)) }));

  const addFiles = (files: File[]) => {
    const added: DraftDocument[] = files.map((file) => ({ key: newKey('d'), file, name: file.name, size: file.size, pages: null, check: 'checking', problem: null }));
    setDraft((d) => ({ ...d, documents: [...d.documents, ...added] }));
    for (const doc of added) {
      void checkPdf(doc.file).then((r) =>
        updateDocument(doc.key, r.ok ? { check: 'ok', pages: r.pages, problem: null } : { check: 'bad', problem: t(r.problem) }),
      );
    }
  };
  const removeDocument = (key: string) => setDraft((d) => ({ ...d, documents: d.documents.filter((x) => x.key !== key), fields: d.fields.filter((f) => f.document !== key) }));

  const setRecipients = (recipients: DraftRecipient[]) => set('recipients', recipients);
  const addRecipient = () =>
    setDraft((d) => ({ ...d, recipients: [...d.recipients, { key: newKey('r'), name: '', email: '', role: 'signer', language: 'ja', accessCode: '' }] }));

  const addField = (f: Omit<DraftField, 'key' | 'label' | 'type' | 'required' | 'recipient'>) => {
    const key = newKey('f');
    setDraft((d) => {
      const signer = d.recipients.find((r) => r.role === 'signer');
      const n = d.fields.length + 1;
      return { ...d, fields: [...d.fields, { ...f, key, label: t('console.field.defaultLabel', { n }), type: 'text', required: true, recipient: signer?.key ?? '' }] };
    });
    setSelected(key);
  };
  const updateField = (key: string, patch: Partial<DraftField>) => setDraft((d) => ({ ...d, fields: d.fields.map((f) => (f.key === key ? { ...f, ...patch } : f)) }));
  const deleteField = (key: string) => {
    setDraft((d) => ({ ...d, fields: d.fields.filter((f) => f.key !== key) }));
    setSelected((s) => (s === key ? null : s));
  };

  const send = async () => {
    setFormError(null);
    setAttempted(true);
    const checked = validateDraft(draft);
    if (!checked.ok) {
      // Bring the first problem into view once React has drawn the messages.
      requestAnimationFrame(() => document.querySelector('[data-testid=problem]')?.scrollIntoView({ block: 'center' }));
      return;
    }
    setUpload({ sent: 0, total: draft.documents.reduce((n, d) => n + d.size, 0), phase: 'uploading' });
    try {
      const { envelopeId } = await api.upload<{ envelopeId: string }>('/api/envelopes', envelopeForm(checked.input, draft.documents), (sent, total) =>
        setUpload({ sent, total, phase: total > 0 && sent >= total ? 'processing' : 'uploading' }),
      );
      onSent(envelopeId);
    } catch (e) {
      setUpload(null);
      const message = e instanceof ConsoleApiError && e.code === 'unreachable' ? t('console.unreachableShort') : e instanceof Error ? e.message : String(e);
      const about = documentNamedIn(message, draft.documents);
      // A refused file is marked bad against the file (the check then asks to remove or replace it).
      if (about) updateDocument(about, { check: 'bad', problem: message });
      else setFormError(message);
    }
  };

  const busy = upload !== null;
  return (
    <form className="envelope-form" data-testid="envelope-form" onSubmit={(e) => e.preventDefault()} noValidate>
      <fieldset disabled={busy}>
        <legend>{t('console.form.basics')}</legend>
        <label htmlFor="envelope-title">
          {t('console.form.title')} <span className="required">{t('console.required')}</span>
        </label>
        <input id="envelope-title" data-testid="envelope-title" value={draft.title} maxLength={200} onChange={(e) => set('title', e.target.value)} />
        <ProblemText problems={problems} at="title" />
        <label htmlFor="envelope-message">{t('console.form.message')}</label>
        <textarea id="envelope-message" data-testid="envelope-message" rows={3} value={draft.message} onChange={(e) => set('message', e.target.value)} />
        <p className="help">{t('console.form.messageHelp')}</p>
        <ProblemText problems={problems} at="message" />
      </fieldset>

      <fieldset disabled={busy} className="bookkeeping">
        <legend>{t('console.form.bookkeeping')}</legend>
        <p className="help">{t('console.form.bookkeepingHelp')}</p>
        <div className="grid2">
          <div>
            <label htmlFor="envelope-date">{t('console.form.transactionDate')}</label>
            <input id="envelope-date" data-testid="envelope-date" type="date" value={draft.transactionDate} onChange={(e) => set('transactionDate', e.target.value)} />
            <ProblemText problems={problems} at="transactionDate" />
          </div>
          <div>
            <label htmlFor="envelope-counterparty">{t('console.form.counterparty')}</label>
            <input id="envelope-counterparty" data-testid="envelope-counterparty" value={draft.counterparty} onChange={(e) => set('counterparty', e.target.value)} />
            <ProblemText problems={problems} at="counterparty" />
          </div>
          <div>
            <label htmlFor="envelope-amount">{t('console.form.amount')}</label>
            <input id="envelope-amount" data-testid="envelope-amount" inputMode="numeric" placeholder="1,100,000" value={draft.amount} onChange={(e) => set('amount', e.target.value)} />
            <ProblemText problems={problems} at="amount" />
          </div>
          <div>
            <label htmlFor="envelope-management-number">{t('console.form.managementNumber')}</label>
            <input id="envelope-management-number" data-testid="envelope-management-number" value={draft.managementNumber} onChange={(e) => set('managementNumber', e.target.value)} />
            <ProblemText problems={problems} at="managementNumber" />
          </div>
        </div>
      </fieldset>

      <fieldset disabled={busy}>
        <legend>{t('console.form.documents')}</legend>
        <DocumentList documents={draft.documents} problems={problems} onAdd={addFiles} onRemove={removeDocument} />
      </fieldset>

      <fieldset disabled={busy}>
        <legend>{t('console.form.recipients')}</legend>
        <RecipientList recipients={draft.recipients} problems={problems} onChange={setRecipients} onAdd={addRecipient} />
      </fieldset>

      <fieldset disabled={busy}>
        <legend>{t('console.form.fields')}</legend>
        <FieldPlacer documents={draft.documents} recipients={draft.recipients} fields={draft.fields} selected={selected} onSelect={setSelected} onAdd={addField} onMove={(key, rect) => updateField(key, { rect })} />
        <FieldList
          documents={draft.documents}
          recipients={draft.recipients}
          fields={draft.fields}
          problems={problems}
          selected={selected}
          onSelect={setSelected}
          onChange={updateField}
          onDelete={deleteField}
        />
      </fieldset>

      {problems.length > 0 && (
        <p role="alert" className="error" data-testid="form-problems">
          {t('console.form.problems', { count: problems.length })}
        </p>
      )}
      <ProblemText problems={problems} at="form" />
      {formError && (
        <p role="alert" className="error" data-testid="form-error">
          {formError}
        </p>
      )}
      {upload && <UploadProgress upload={upload} />}
      <div className="actions">
        <button type="button" className="primary" data-testid="send-envelope" disabled={busy} onClick={() => void send()}>
          {t('console.form.send')}
        </button>
      </div>
    </form>
  );
}
