/** The placed fields: label, type, required, whose field, which page (moves it), delete. */
import { useI18n } from '../../i18n/react';
import type { DraftDocument, DraftField, DraftProblem, DraftRecipient } from './envelope-draft';
import { fitRectToPage } from './field-geometry';
import { recipientColour } from './FieldPlacer';
import { ProblemText } from './ProblemText';

interface Props {
  documents: DraftDocument[];
  recipients: DraftRecipient[];
  fields: DraftField[];
  problems: DraftProblem[];
  selected: string | null;
  onSelect(key: string): void;
  onChange(key: string, patch: Partial<DraftField>): void;
  onDelete(key: string): void;
}

export function FieldList({ documents, recipients, fields, problems, selected, onSelect, onChange, onDelete }: Props) {
  const { t } = useI18n();
  if (fields.length === 0) return <p className="help">{t('console.field.none')}</p>;
  const signers = recipients.map((r, i) => ({ ...r, index: i })).filter((r) => r.role === 'signer');
  return (
    <ol className="field-list">
      {fields.map((f) => {
        const doc = documents.find((d) => d.key === f.document);
        const pages = doc?.pages ?? [];
        const id = (what: string) => `field-${f.key}-${what}`;
        const colour = recipientColour(Math.max(0, recipients.findIndex((r) => r.key === f.recipient)));
        return (
          <li
            key={f.key}
            className="field-item"
            data-testid="field-item"
            data-field-key={f.key}
            aria-current={f.key === selected ? 'true' : undefined}
            style={{ borderLeftColor: colour }}
            onFocus={() => f.key !== selected && onSelect(f.key)}
          >
            <span className="help">
              {doc?.name} · {t('console.field.at', { x: Math.round(f.rect.x), y: Math.round(f.rect.y), width: Math.round(f.rect.width), height: Math.round(f.rect.height) })}
            </span>
            <div className="field-row">
              <label>
                {t('console.field.label')}
                <input id={id('label')} data-testid="field-label" value={f.label} maxLength={100} onChange={(e) => onChange(f.key, { label: e.target.value })} />
              </label>
              <label>
                {t('console.field.type')}
                <select data-testid="field-type" value={f.type} onChange={(e) => onChange(f.key, { type: e.target.value as DraftField['type'] })}>
                  <option value="text">{t('console.field.type.text')}</option>
                  <option value="date">{t('console.field.type.date')}</option>
                  <option value="checkbox">{t('console.field.type.checkbox')}</option>
                </select>
              </label>
              <label>
                <input type="checkbox" data-testid="field-required" checked={f.required} onChange={(e) => onChange(f.key, { required: e.target.checked })} />
                {t('console.field.required')}
              </label>
              <label>
                {t('console.field.recipient')}
                <select data-testid="field-recipient" value={signers.some((s) => s.key === f.recipient) ? f.recipient : ''} onChange={(e) => onChange(f.key, { recipient: e.target.value })}>
                  <option value="" disabled>
                    {t('console.field.chooseRecipient')}
                  </option>
                  {signers.map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.index + 1}. {s.name || s.email || t('console.recipient.unnamed')}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('console.field.page')}
                <select
                  data-testid="field-page"
                  value={f.page}
                  onChange={(e) => {
                    const page = Number(e.target.value);
                    const geometry = pages[page - 1];
                    onChange(f.key, { page, rect: geometry ? fitRectToPage(f.rect, geometry) : f.rect });
                  }}
                >
                  {pages.map((_, i) => (
                    <option key={i} value={i + 1}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="danger" data-testid="field-delete" onClick={() => onDelete(f.key)}>
                {t('console.remove')}
              </button>
            </div>
            <ProblemText problems={problems} at={`field:${f.key}:label`} />
            <ProblemText problems={problems} at={`field:${f.key}:recipient`} />
            <ProblemText problems={problems} at={`field:${f.key}:page`} />
          </li>
        );
      })}
    </ol>
  );
}
