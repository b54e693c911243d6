/**
 * One webmail behind one small interface (STYLE.md: each adapter owns its selectors). Everything after
 * `openMessages` — link judging, banners, the panel — is webmail-agnostic.
 */
export interface MessageLink {
  href: string;
  /** Visible text, to catch text that names one host while the href goes to another. */
  text: string;
}

export interface OpenMessage {
  /** Stable per message while it stays open (message id), so each message gets one banner. */
  key: string;
  subject: string;
  /** Read from the page: a hint for display only, never a trust decision. */
  senderHint: string | null;
  links: MessageLink[];
  /** The banner goes into `parent`, just before `before`: above the message body. */
  anchor: { parent: Element; before: Element | null };
}

export interface WebmailAdapter {
  readonly name: 'gmail' | 'outlook';
  /** Every message currently open and expanded (thread view, preview pane, full view). */
  openMessages(doc: Document): OpenMessage[];
}

export function linksIn(body: Element): MessageLink[] {
  const out: MessageLink[] = [];
  for (const a of body.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    out.push({ href: a.getAttribute('href') ?? '', text: (a.textContent ?? '').trim().slice(0, 300) });
  }
  return out;
}

const generatedKeys = new WeakMap<Element, string>();
let nextKey = 0;

/** A key for an element that carries no id of its own (e.g. a just-sent Gmail reply). */
export function keyFor(element: Element): string {
  let key = generatedKeys.get(element);
  if (!key) generatedKeys.set(element, (key = `el-${++nextKey}`));
  return key;
}
