/**
 * The side panel's host (extension/sidepanel/host.tsx) inside the extension: trust list and host
 * permission, the banner's retarget messages, the local verifier, pdf.js from the build.
 */
import { browser } from 'wxt/browser';
import { extensionUrl } from '../../extension-url';
import { judgeLink } from '../../links/trust';
import { parseSigningLink } from '../../sidepanel/api';
import type { PanelHost } from '../../sidepanel/host';
import { adapterFromLocation, detectionReasonsFromLocation, retargetPath, tabFromLocation } from '../../sidepanel/retarget';
import { SupportRecorder } from '../../support/recorder';
import { originPattern, trustsOrigin } from '../../trust/servers';
import { stashForVerification, verifierUrl } from '../../verify/handoff';

/** Exactly `{origin}/s/{token}` on a trusted origin we hold the host permission for. */
async function isTrusted(link: string): Promise<boolean> {
  const origin = parseSigningLink(link)?.origin;
  if (!origin) return false;
  const verdict = judgeLink({ href: link }, [origin]);
  if (verdict.kind !== 'signing' || verdict.link !== link) return false;
  // The host permission first: it answers at once, while the trust list's managed part waits for the
  // browser's policy service (over a second on a cold start) — an untrusted link is refused without it.
  if (!(await browser.permissions.contains({ origins: [originPattern(origin)] }).catch(() => false))) return false;
  return trustsOrigin(origin);
}

export function extensionHost(search: string): PanelHost {
  const tabId = tabFromLocation(search);
  const adapter = adapterFromLocation(search);
  return {
    kind: 'extension',
    trusts: isTrusted,
    followRetarget(current) {
      const onMessage = (message: unknown, sender: { id?: string; tab?: unknown }) => {
        const path = retargetPath(message, sender, { extensionId: browser.runtime.id, tabId, current, adapter });
        if (path) location.replace(`/${path}`);
      };
      browser.runtime.onMessage.addListener(onMessage);
      return () => browser.runtime.onMessage.removeListener(onMessage);
    },
    async openVerifier(files) {
      await browser.tabs.create({ url: verifierUrl(files ? await stashForVerification(files) : undefined) });
    },
    pdfAssets: extensionUrl('/pdfjs/'),
    recorder: new SupportRecorder(),
    adapter,
    detectionReasons: detectionReasonsFromLocation(search),
  };
}
