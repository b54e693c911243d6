import { useI18n } from '../i18n/context';

/** The web page suggests the extension, which signs from inside Gmail and Outlook. */
export function InstallHint() {
  const { t } = useI18n();
  return (
    <aside className="install-hint" data-testid="install-extension-hint" aria-labelledby="install-hint-title">
      <p id="install-hint-title" className="install-hint-title">
        {t('web.hint.title')}
      </p>
      <p>{t('web.hint.body')}</p>
    </aside>
  );
}
