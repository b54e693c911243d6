/**
 * The banner above a message, in an open shadow root (DESIGN.md §3: tests and assistive technology
 * reach it; the mail page's styles do not). Plain DOM: it must appear within a frame of detection.
 * It shows only public info and the link that is already in the page.
 */
import type { Translate } from '../i18n';
import type { BannerInfo } from '../background/public-info';
import type { BannerHandle, Detection } from './detect';

export interface BannerCallbacks {
  t: Translate;
  loadInfo(link: string): Promise<BannerInfo | null>;
  open(link: string, reasons: string[]): void;
}

const STYLE = `
:host { all: initial; display: block; margin: 8px 0 12px; font: 14px/1.5 system-ui, "Hiragino Sans", "Yu Gothic UI", Meiryo, sans-serif; }
.box { border: 1px solid #1a73e8; background: #e8f0fe; color: #174ea6; border-radius: 8px; padding: 10px 14px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.box.warning { border-color: #b3261e; background: #fce8e6; color: #8c1d18; }
.text { flex: 1 1 240px; min-width: 0; }
.label { font-weight: 600; }
.meta { color: inherit; opacity: .85; font-size: 13px; overflow-wrap: anywhere; }
button { font: inherit; font-weight: 600; background: #1a73e8; color: #fff; border: 0; border-radius: 6px; padding: 8px 14px; cursor: pointer; }
button:focus-visible { outline: 3px solid #174ea6; outline-offset: 2px; }
`;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, props: Record<string, string> = {}, text?: string) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(root: ShadowRoot, detection: Detection, cb: BannerCallbacks) {
  const doc = root.ownerDocument;
  const { t } = cb;
  root.replaceChildren(el(doc, 'style', {}, STYLE));
  if (detection.kind === 'warning') {
    const box = el(doc, 'div', { class: 'box warning', role: 'alert', 'data-testid': 'esign-warning', 'data-reason': detection.reason });
    const text = el(doc, 'div', { class: 'text' });
    text.append(
      el(doc, 'div', { class: 'label' }, t('warning.title')),
      el(doc, 'div', {}, t(`reason.${detection.reason}`)),
      el(doc, 'div', { class: 'meta' }, `${t('warning.host', { host: detection.host })} — ${t('warning.advice')}`),
    );
    box.append(text);
    root.append(box);
    return;
  }
  const box = el(doc, 'section', { class: 'box', 'data-testid': 'esign-banner', 'aria-label': t('banner.label') });
  const text = el(doc, 'div', { class: 'text' });
  const title = el(doc, 'div', { class: 'label', 'data-testid': 'esign-banner-title' }, t('banner.label'));
  const meta = el(doc, 'div', { class: 'meta', 'data-testid': 'esign-banner-info', 'aria-live': 'polite' }, t('banner.loading'));
  const server = el(doc, 'div', { class: 'meta' }, t('banner.server', { host: new URL(detection.link).host }));
  text.append(title, meta, server);
  const button = el(doc, 'button', { type: 'button', 'data-testid': 'esign-open' }, t('banner.open'));
  button.addEventListener('click', () => cb.open(detection.link, detection.reasons));
  box.append(text, button);
  root.append(box);

  void cb.loadInfo(detection.link).then((info) => {
    if (!box.isConnected && !root.host.isConnected) return;
    if (!info) {
      meta.textContent = t('banner.unavailable');
      return;
    }
    if (info.title) title.textContent = `${t('banner.label')}:「${info.title}」`;
    const from = info.senderOrganization ? t('banner.from', { organization: info.senderOrganization, sender: info.senderName }) : '';
    const state = info.state === 'ready' ? '' : t(`banner.state.${info.state}`);
    meta.textContent = [from, state].filter(Boolean).join(' — ') || t('banner.label');
  });
}

export function mountBanner(anchor: { parent: Element; before: Element | null }, detection: Detection, cb: BannerCallbacks): BannerHandle {
  const doc = anchor.parent.ownerDocument;
  const host = doc.createElement('div');
  host.setAttribute('data-esign-banner', detection.kind);
  const root = host.attachShadow({ mode: 'open' });
  // Keys typed on the banner are ours: keep them from the webmail's keyboard shortcuts.
  host.addEventListener('keydown', (e) => e.stopPropagation());
  render(root, detection, cb);
  anchor.parent.insertBefore(host, anchor.before);
  return {
    host,
    update(next) {
      host.setAttribute('data-esign-banner', next.kind);
      render(root, next, cb);
    },
    remove() {
      host.remove();
    },
  };
}
