import '../../sidepanel/no-eval'; // first: before any module defines a zod schema
import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../../i18n/react';
import { VerifyPage } from '../../verify/VerifyPage';
import '../../sidepanel/style.css';
import '../../verify/style.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <VerifyPage search={location.search} />
  </I18nProvider>,
);
