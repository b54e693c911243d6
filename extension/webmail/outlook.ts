/**
 * Outlook on the web (WEBMAIL.md): message blocks use scrambled classes that change, so only ids and
 * roles are used. There is no stable hook for the sender address: whatever we read is a hint.
 */
import { keyFor, linksIn, type OpenMessage, type WebmailAdapter } from './adapter';

const BODY = '[id^="UniqueMessageBody_"]';
const EMAIL = /[^\s<>()"']+@[^\s<>()"']+\.[a-z]{2,}/i;

function senderHint(body: Element): string | null {
  // Walk up a few levels to the message block and take the first address-looking title.
  let node: Element | null = body.parentElement;
  for (let i = 0; node && i < 6; i++, node = node.parentElement) {
    for (const el of node.querySelectorAll('[title]')) {
      const m = EMAIL.exec(el.getAttribute('title') ?? '');
      if (m && !el.contains(body)) return m[0];
    }
  }
  return null;
}

export const outlook: WebmailAdapter = {
  name: 'outlook',
  openMessages(doc) {
    const pane = doc.getElementById('ReadingPaneContainerId') ?? doc.querySelector('[role=main]');
    if (!pane) return [];
    const subject = pane.querySelector('[role=heading]')?.textContent?.trim() ?? '';
    const conversation = doc.querySelector('#MailList [aria-selected=true]')?.getAttribute('data-convid') ?? '';
    const out: OpenMessage[] = [];
    for (const body of pane.querySelectorAll(BODY)) {
      if (!body.parentElement) continue;
      const content = body.querySelector('[role=document]') ?? body;
      out.push({
        key: `${conversation}/${body.id || keyFor(body)}`,
        subject,
        senderHint: senderHint(body),
        links: linksIn(content),
        anchor: { parent: body.parentElement, before: body },
      });
    }
    return out;
  },
};
