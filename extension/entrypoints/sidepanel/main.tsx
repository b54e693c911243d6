import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../../i18n/react';
import { App, linkFromLocation } from '../../sidepanel/App';
import '../../sidepanel/style.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <App link={linkFromLocation(location.search)} />
  </I18nProvider>,
);
