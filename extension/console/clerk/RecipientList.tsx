/**
 * Recipients in signing order: each gets the request when the one before has finished. A signer needs
 * the access code agreed on paper (電子契約利用申出書); it never travels in the mail.
 */
import { useI18n } from '../../i18n/react';
import { generateAccessCode, move, type DraftProblem, type DraftRecipient } from './envelope-draft';
import { ProblemText } from './ProblemText';

interface Props {
  recipients: DraftRecipient[];
  problems: DraftProblem[];
  onChange(recipients: DraftRecipient[]): void;
  onAdd(): void;
}

export function RecipientList({ recipients, problems, onChange, onAdd }: Props) {
  const { t } = useI18n();
  const update = (key: string, patch: Partial<DraftRecipient>) => onChange(recipients.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div className="recipients">
      <p className="help">{t('console.recipient.help')}</p>
      <ProblemText problems={problems} at="recipients" />
      <ol className="recipient-list">
        {recipients.map((r, i) => {
          const id = (what: string) => `recipient-${r.key}-${what}`;
          return (
            <li key={r.key} data-testid="recipient-item" className="recipient">
              <div className="recipient-order">
                <strong>{t('console.recipient.order', { n: i + 1 })}</strong>
                <button type="button" data-testid="recipient-up" disabled={i === 0} aria-label={t('console.recipient.up', { n: i + 1 })} onClick={() => onChange(move(recipients, i, -1))}>
                  ↑
                </button>
                <button
                  type="button"
                  data-testid="recipient-down"
                  disabled={i === recipients.length - 1}
                  aria-label={t('console.recipient.down', { n: i + 1 })}
                  onClick={() => onChange(move(recipients, i, 1))}
                >
                  ↓
                </button>
                <button type="button" className="danger" data-testid="recipient-remove" onClick={() => onChange(recipients.filter((x) => x.key !== r.key))}>
                  {t('console.remove')}
                </button>
              </div>
              <div className="grid2">
                <div>
                  <label htmlFor={id('name')}>{t('console.recipient.name')}</label>
                  <input id={id('name')} data-testid="recipient-name" value={r.name} onChange={(e) => update(r.key, { name: e.target.value })} />
                  <ProblemText problems={problems} at={`recipient:${r.key}:name`} />
                </div>
                <div>
                  <label htmlFor={id('email')}>{t('console.recipient.email')}</label>
                  <input id={id('email')} data-testid="recipient-email" type="email" value={r.email} onChange={(e) => update(r.key, { email: e.target.value })} />
                  <ProblemText problems={problems} at={`recipient:${r.key}:email`} />
                </div>
                <div>
                  <label htmlFor={id('role')}>{t('console.recipient.role')}</label>
                  <select id={id('role')} data-testid="recipient-role" value={r.role} onChange={(e) => update(r.key, { role: e.target.value as DraftRecipient['role'] })}>
                    <option value="signer">{t('console.recipient.signer')}</option>
                    <option value="cc">{t('console.recipient.cc')}</option>
                  </select>
                </div>
                <div>
                  <label htmlFor={id('language')}>{t('console.recipient.language')}</label>
                  <select id={id('language')} data-testid="recipient-language" value={r.language} onChange={(e) => update(r.key, { language: e.target.value as DraftRecipient['language'] })}>
                    <option value="ja">日本語</option>
                    <option value="en">English</option>
                  </select>
                </div>
                {r.role === 'signer' && (
                  <div>
                    <label htmlFor={id('code')}>{t('console.recipient.accessCode')}</label>
                    <span className="code-row">
                      <input
                        id={id('code')}
                        data-testid="recipient-access-code"
                        inputMode="numeric"
                        autoComplete="off"
                        maxLength={40}
                        value={r.accessCode}
                        onChange={(e) => update(r.key, { accessCode: e.target.value.trim() })}
                      />
                      <button type="button" data-testid="recipient-generate-code" onClick={() => update(r.key, { accessCode: generateAccessCode() })}>
                        {t('console.recipient.generate')}
                      </button>
                    </span>
                    <p className="help">{t('console.recipient.accessCodeHelp')}</p>
                    <ProblemText problems={problems} at={`recipient:${r.key}:accessCode`} />
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" data-testid="recipient-add" onClick={onAdd}>
        {t('console.recipient.add')}
      </button>
    </div>
  );
}
