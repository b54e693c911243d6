import { browser } from 'wxt/browser';
import { validateContentMessage } from '../background/messages';
import { openPanel, type PanelLinkMessage } from '../background/panel';
import { fetchPublicInfo, type PublicInfoResult } from '../background/public-info';
import { currentLanguage } from '../i18n';
import { originPattern, trustsOrigin, watchTrustedOrigins } from '../trust/servers';

export default defineBackground(() => {
  // Null until every source has loaded: open-panel must not await anything (user gesture), so until
  // then it checks the sender and the link's shape, and the panel checks the trust list itself.
  let trusted: string[] | null = null;
  watchTrustedOrigins((origins, complete) => {
    if (complete) trusted = origins;
  });

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const valid = validateContentMessage(message, sender, browser.runtime.id, trusted);
    if (!valid.ok) {
      console.warn('esign: ignored message', valid.reason);
      return false;
    }
    if (valid.message.type === 'esign:open-panel') {
      const opened = openPanel(browser.sidePanel, valid.sender.tabId, valid.link);
      // A panel that was already open for this tab switches to the new link.
      const retarget: PanelLinkMessage = { type: 'esign:panel-link', tabId: valid.sender.tabId, link: valid.link };
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
