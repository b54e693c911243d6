import { gmail } from '../webmail/gmail';
import { runWebmail } from '../webmail/content';

export default defineContentScript({
  matches: ['https://mail.google.com/*'],
  runAt: 'document_idle',
  main: (ctx) => runWebmail(gmail, ctx),
});
