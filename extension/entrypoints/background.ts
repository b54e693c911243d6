import { browser } from 'wxt/browser';
import { validateContentMessage } from '../background/messages';
import { adapterForOrigin, openPanel, type PanelLinkMessage } from '../background/panel';
import { fetchPublicInfo, type PublicInfoResult } from '../background/public-info';
import { watchPdfDownloads, type DownloadsApi, type NotificationsApi } from '../background/downloads';
import { fetchServerRoot, isServerRootRequest } from '../background/server-root';
import { extensionUrl } from '../extension-url';
import { currentLanguage, translator } from '../i18n';
import { originPattern, trustsOrigin, watchTrustedOrigins } from '../trust/servers';
import { verifierUrlForDownload } from '../verify/handoff';

export default defineBackground(() => {
  // Null until every source has loaded: open-panel must not await anything (user gesture), so until
  // then it checks the sender and the link's shape, and the panel checks the trust list itself.
  let trusted: string[] | null = null;
  watchTrustedOrigins((origins, complete) => {
    if (complete) trusted = origins;
  });

  // Optional: offer to verify finished PDF downloads. The APIs exist only once both permissions are
  // granted (options page); listeners register at start-up so that the service worker wakes for them.
  let watchingDownloads = false;
  const watchDownloads = () => {
    const api = browser as unknown as { downloads?: DownloadsApi; notifications?: NotificationsApi };
    if (watchingDownloads || !api.downloads || !api.notifications) return;
    watchingDownloads = true;
    watchPdfDownloads({
      downloads: api.downloads,
      notifications: api.notifications,
      openTab: (url) => void browser.tabs.create({ url }),
      verifierUrl: verifierUrlForDownload,
      text: async (name) => {
        const t = translator(await currentLanguage());
        return { title: t('download.title'), message: t('download.message', { name }) };
      },
    });
  };
  watchDownloads();
  browser.permissions.onAdded.addListener(watchDownloads);

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // The options page asks for a trusted server's root certificate (stored as a trust anchor).
    if (isServerRootRequest(message, sender, browser.runtime.id, extensionUrl('/'))) {
      void fetchServerRoot(message.origin, {
        trusts: trustsOrigin,
        hasPermission: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
      }).then(sendResponse);
      return true;
    }
    const valid = validateContentMessage(message, sender, browser.runtime.id, trusted);
    if (!valid.ok) {
      console.warn('esign: ignored message', valid.reason);
      return false;
    }
    if (valid.message.type === 'esign:open-panel') {
      const opened = openPanel(browser.sidePanel, valid.sender.tabId, valid.link, adapterForOrigin(valid.sender.origin), valid.message.reasons);
      // A panel that was already open for this tab switches to the new link.
      const retarget: PanelLinkMessage = { type: 'esign:panel-link', tabId: valid.sender.tabId, link: valid.link, reasons: valid.message.reasons };
      void browser.runtime.sendMessage(retarget).catch(() => undefined);
      opened.then(
        () => sendResponse({ ok: true }),
        (e: unknown) => sendResponse({ ok: false, error: String(e) }),
      );
      return true;
    }
    void (async (): Promise<PublicInfoResult> => {
      if (!(await trustsOrigin(valid.origin))) return { ok: false, error: 'untrusted' };
      return fetchPublicInfo(valid.link, {
        trusted: [valid.origin],
        hasPermission: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
        language: await currentLanguage(),
      });
    })().then(sendResponse);
    return true;
  });
});
