import '../../sidepanel/no-eval'; // first: before any module defines a zod schema
import { createRoot } from 'react-dom/client';
import { ConsoleApp } from '../../console/ConsoleApp';
import { I18nProvider } from '../../i18n/react';
import '../../sidepanel/style.css';
import '../../console/console.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <ConsoleApp />
  </I18nProvider>,
);
