import { outlook } from '../webmail/outlook';
import { runWebmail } from '../webmail/content';

export default defineContentScript({
  matches: [
    'https://outlook.live.com/*',
    'https://outlook.office.com/*',
    'https://outlook.office365.com/*',
    'https://outlook.cloud.microsoft/*',
  ],
  runAt: 'document_idle',
  main: (ctx) => runWebmail(outlook, ctx),
});
