/**
 * The content script's mailbox watcher, bundled for the page (benchmark only): the same modules the
 * Gmail content script runs (adapter, detection, banner), with its counters exposed.
 */
import { ja, type MessageKey } from '../../extension/i18n/messages';
import { mountBanner } from '../../extension/webmail/banner';
import { watchMailbox, type MailboxWatcher } from '../../extension/webmail/detect';
import { gmail } from '../../extension/webmail/gmail';

declare global {
  interface Window {
    esignBench: { start(trusted: string[]): MailboxWatcher };
  }
}

const t = (key: MessageKey, vars?: Record<string, string | number>) => ja[key].replace(/\{(\w+)\}/g, (m, n: string) => String(vars?.[n] ?? m));

window.esignBench = {
  start(trusted) {
    return watchMailbox({
      adapter: gmail,
      document,
      trusted: () => trusted,
      mount: (anchor, detection) => mountBanner(anchor, detection, { t, loadInfo: async () => null, open: () => undefined }),
    });
  },
};
