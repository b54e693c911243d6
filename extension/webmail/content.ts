/**
 * What both webmail content scripts do: watch the mailbox through their adapter, put banners above
 * signing requests, and talk to the background (which alone fetches and opens the panel).
 */
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { BannerInfo, PublicInfoResult } from '../background/public-info';
import { currentLanguage, translator } from '../i18n';
import { watchTrustedOrigins } from '../trust/servers';
import type { WebmailAdapter } from './adapter';
import { mountBanner } from './banner';
import { watchMailbox } from './detect';

export async function runWebmail(adapter: WebmailAdapter, ctx: ContentScriptContext) {
  const t = translator(await currentLanguage());
  let trusted: readonly string[] = [];
  const infoCache = new Map<string, Promise<BannerInfo | null>>();

  const loadInfo = (link: string) => {
    let p = infoCache.get(link);
    if (!p) {
      p = (browser.runtime.sendMessage({ type: 'esign:public-info', link }) as Promise<PublicInfoResult | undefined>)
        .then((r) => (r?.ok ? r.info : null))
        .catch(() => null);
      infoCache.set(link, p);
    }
    return p;
  };
  const open = (link: string, reasons: string[]) => {
    // Sent synchronously in the click's turn: the background opens the panel within the gesture.
    void browser.runtime.sendMessage({ type: 'esign:open-panel', link, reasons }).catch(() => undefined);
  };

  const watcher = watchMailbox({
    adapter,
    document,
    trusted: () => trusted,
    mount: (anchor, detection) => mountBanner(anchor, detection, { t, loadInfo, open }),
  });
  const unwatchTrust = watchTrustedOrigins((origins) => {
    trusted = origins;
    watcher.scan();
  });
  // Gmail navigates by hash, Outlook by pushState; WXT reports both.
  ctx.addEventListener(window, 'wxt:locationchange', () => watcher.scan());
  ctx.onInvalidated(() => {
    unwatchTrust();
    watcher.stop();
  });
}
