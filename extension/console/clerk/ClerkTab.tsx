/** The clerk tab: a new envelope, or the envelopes sent so far (search, then one envelope's detail). */
import { useState } from 'react';
import { useI18n } from '../../i18n/react';
import type { ConsoleApi } from '../session';
import { EnvelopeDetail } from './EnvelopeDetail';
import { EnvelopeForm } from './EnvelopeForm';
import { EnvelopeSearch } from './EnvelopeSearch';

type View = { kind: 'new' } | { kind: 'track' } | { kind: 'detail'; envelopeId: string; justSent: boolean };

export function ClerkTab({ api }: { api: ConsoleApi }) {
  const { t } = useI18n();
  const [view, setView] = useState<View>({ kind: 'new' });
  // A new form after each send; the search keeps its conditions while the clerk looks at details.
  const [formKey, setFormKey] = useState(0);
  const tracking = view.kind !== 'new';

  return (
    <div className="clerk" data-testid="clerk-tab">
      <nav className="clerk-nav" aria-label={t('console.tab.clerk')}>
        <button type="button" aria-pressed={!tracking} data-testid="clerk-new" onClick={() => setView({ kind: 'new' })}>
          {t('console.clerk.new')}
        </button>
        <button type="button" aria-pressed={tracking} data-testid="clerk-track" onClick={() => setView({ kind: 'track' })}>
          {t('console.clerk.track')}
        </button>
      </nav>
      {view.kind === 'new' && (
        <EnvelopeForm
          key={formKey}
          api={api}
          onSent={(envelopeId) => {
            setFormKey((k) => k + 1);
            setView({ kind: 'detail', envelopeId, justSent: true });
          }}
        />
      )}
      <div hidden={view.kind !== 'track'}>
        <EnvelopeSearch api={api} active={view.kind === 'track'} onOpen={(envelopeId) => setView({ kind: 'detail', envelopeId, justSent: false })} />
      </div>
      {view.kind === 'detail' && <EnvelopeDetail key={view.envelopeId} api={api} envelopeId={view.envelopeId} justSent={view.justSent} onBack={() => setView({ kind: 'track' })} />}
    </div>
  );
}
