/**
 * The HTML of `/s/{token}` for a browser without the extension: an empty shell that loads the web
 * signing page's script (./bundle.ts), under a CSP that allows no inline script and no other origin,
 * never cached, never framed, and sending no Referer (the URL carries the link token).
 */
import { escapeHtml } from '../mail/templates.js';
import { PDFJS_PREFIX } from './assets.js';
import type { WebBundle } from './bundle.js';

export const SIGNING_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': SIGNING_PAGE_CSP,
};

function html(lang: string, title: string, head: string, body: string, status: number) {
  return new Response(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>${head}</head><body>${body}</body></html>`,
    { status, headers: HEADERS },
  );
}

export function signingPage(bundle: WebBundle, lang: 'ja' | 'en', title: string): Response {
  const head = `${bundle.css ? `<link rel="stylesheet" href="/web/${bundle.css}">` : ''}<script type="module" src="/web/${bundle.script}"></script>`;
  const body = `<div id="root" data-pdfjs="${PDFJS_PREFIX}"><noscript><p>この画面で署名するには JavaScript を有効にしてください。</p><p lang="en">Turn on JavaScript to sign on this page.</p></noscript></div>`;
  return html(lang, title, head, body, 200);
}

/** Both languages: the page cannot know whose link it was. */
export function invalidLinkPage(): Response {
  return html(
    'ja',
    '無効なリンク / Invalid link',
    '',
    '<main><h1>このリンクは無効です</h1><p>最新のメールのリンクを開くか、送信者にお問い合わせください。</p><h1 lang="en">This link is not valid</h1><p lang="en">Open the link in the latest email, or contact the sender.</p></main>',
    404,
  );
}

export function unavailablePage(): Response {
  return html(
    'ja',
    '準備中 / Unavailable',
    '',
    '<main><h1>署名画面を準備できませんでした</h1><p>しばらくしてからもう一度開いてください。</p><h1 lang="en">The signing page could not be prepared</h1><p lang="en">Please open the link again in a moment.</p></main>',
    503,
  );
}
