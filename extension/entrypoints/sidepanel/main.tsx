import '../../sidepanel/no-eval'; // first: before any module defines a zod schema
import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../../i18n/react';
import { App, linkFromLocation } from '../../sidepanel/App';
import { PanelHostProvider } from '../../sidepanel/host';
import '../../sidepanel/style.css';
import { extensionHost } from './host';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <PanelHostProvider host={extensionHost(location.search)}>
      <App link={linkFromLocation(location.search)} />
    </PanelHostProvider>
  </I18nProvider>,
);
