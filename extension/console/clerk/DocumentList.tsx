/** The envelope's PDFs: picked or dropped, each checked and listed with its name, size and pages. */
import { useState, type DragEvent } from 'react';
import { useI18n } from '../../i18n/react';
import type { DraftDocument, DraftProblem } from './envelope-draft';
import { ProblemText } from './ProblemText';

export const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export function DocumentList({ documents, problems, onAdd, onRemove }: { documents: DraftDocument[]; problems: DraftProblem[]; onAdd(files: File[]): void; onRemove(key: string): void }) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (files.length) onAdd(files);
  };
  return (
    <div className="documents">
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="document-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>{t('console.document.drop')}</p>
        <label className="file-button">
          {t('console.document.pick')}
          <input
            type="file"
            accept="application/pdf,.pdf"
            multiple
            data-testid="document-file"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) onAdd(files);
            }}
          />
        </label>
      </div>
      <ProblemText problems={problems} at="documents" />
      {documents.length > 0 && (
        <ol className="document-list">
          {documents.map((d) => (
            <li key={d.key} data-testid="document-item" data-name={d.name} data-check={d.check}>
              <span className="name">{d.name}</span> <span className="help">{sizeText(d.size)}</span>{' '}
              <span className="help" data-testid="document-pages">
                {d.check === 'checking' ? t('console.document.checking') : d.pages ? t('console.document.pages', { pages: d.pages.length }) : ''}
              </span>{' '}
              <button type="button" data-testid="document-remove" aria-label={t('console.document.removeNamed', { name: d.name })} onClick={() => onRemove(d.key)}>
                {t('console.remove')}
              </button>
              {d.problem && (
                <p className="field-error" role="alert" data-testid="document-problem">
                  {d.problem}
                </p>
              )}
              <ProblemText problems={problems} at={`document:${d.key}`} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
