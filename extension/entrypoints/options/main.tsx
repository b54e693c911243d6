import '../../sidepanel/no-eval'; // first: before any module defines a zod schema
import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../../i18n/react';
import { Options } from '../../options/Options';
import '../../sidepanel/style.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <Options />
  </I18nProvider>,
);
