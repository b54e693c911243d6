/**
 * Gmail's hooks (WEBMAIL.md; the ones gmail.js, InboxSDK and Mailvelope rely on). Class names are
 * obfuscated but long stable; aria-labels are translated, so no label text is matched here.
 */
import { keyFor, linksIn, type OpenMessage, type WebmailAdapter } from './adapter';

const MESSAGE = 'div[role=main] div.adn.ads';
const BODY = 'div.ii.gt';

export const gmail: WebmailAdapter = {
  name: 'gmail',
  openMessages(doc) {
    const out: OpenMessage[] = [];
    // Gmail keeps one role=main per view it has shown; each message takes the subject of its own.
    for (const message of doc.querySelectorAll(MESSAGE)) {
      // Collapsed messages (.kv) have no body in the DOM; the expanded one (.h7) has div.ii.gt.
      const body = message.querySelector(BODY);
      if (!body?.parentElement) continue;
      const content = body.querySelector('div.a3s') ?? body;
      const id = message.getAttribute('data-message-id') ?? message.getAttribute('data-legacy-message-id');
      const subject = message.closest('div[role=main]')?.querySelector('h2.hP')?.textContent?.trim() ?? '';
      out.push({
        key: id ?? keyFor(message),
        subject,
        senderHint: message.querySelector('span.gD[email]')?.getAttribute('email') ?? null,
        links: linksIn(content),
        anchor: { parent: body.parentElement, before: body },
      });
    }
    return out;
  },
};
