/**
 * HTML pages behind the links in mail: `/s/{token}` (the signing link: the side panel's screens built
 * for a plain browser, server/web/, for recipients without the extension) and `/d/{token}` (download
 * of the signed PDFs, valid 14 days, then a clear "expired, contact the sender" page). GET only reads.
 */
import type { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import type { Services } from '../services.js';
import { readCertificate, readDocument } from '../services.js';
import { hashToken } from '../auth/secrets.js';
import { downloadLinks, envelopes } from '../store/schema.js';
import { escapeHtml } from '../mail/templates.js';
import { documentsOf } from '../envelopes/load.js';
import { publicInfo } from '../envelopes/recipient-access.js';
import { ApiFailure } from '../errors.js';
import { callerOf, langOf } from '../http/api.js';
import { webAssetRoutes } from '../web/assets.js';
import { webBundle } from '../web/bundle.js';
import { invalidLinkPage, signingPage, unavailablePage } from '../web/page.js';

function page(lang: string, title: string, body: string, status = 200) {
  return new Response(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#222}h1{font-size:1.3rem}.note{color:#555}a.button{display:inline-block;padding:.4rem .9rem;border:1px solid #1a56c4;border-radius:4px;text-decoration:none}</style></head><body>${body}</body></html>`,
    { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' } },
  );
}

export function pageRoutes(app: Hono, s: Services) {
  webAssetRoutes(app);

  // Records the open (browser or mail scanner: scanners fetch only this page). The page's own call to
  // GET /api/sign/{token} right after comes from the same address and browser, and recordOpened counts
  // one open per client and link within ten minutes, so one visit is one open.
  app.get('/s/:token', async (c) => {
    let title: string;
    try {
      title = publicInfo(s, c.req.param('token'), callerOf(c)).title;
    } catch (err) {
      if (err instanceof ApiFailure) return invalidLinkPage();
      throw err;
    }
    try {
      return signingPage(await webBundle(), langOf(c) === 'ja' ? 'ja' : 'en', title);
    } catch (err) {
      console.error('the web signing page could not be built:', err);
      return unavailablePage();
    }
  });

  const link = (token: string) => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return s.db.select().from(downloadLinks).where(eq(downloadLinks.tokenHash, hashToken(token))).get() ?? null;
  };
  const expired = (ja: boolean) =>
    page(ja ? 'ja' : 'en', ja ? '有効期限切れ' : 'Link expired', ja
      ? '<h1>このダウンロードリンクは有効期限が切れています</h1><p>署名済みの文書が必要な場合は、送信者にお問い合わせください。</p>'
      : '<h1>This download link has expired</h1><p>If you need the signed documents, please contact the sender.</p>', 410);
  const invalid = (ja: boolean) =>
    page(ja ? 'ja' : 'en', ja ? '無効なリンク' : 'Invalid link', ja ? '<h1>このリンクは無効です</h1><p>送信者にお問い合わせください。</p>' : '<h1>This link is not valid</h1><p>Please contact the sender.</p>', 404);

  app.get('/d/:token', (c) => {
    const ja = langOf(c) === 'ja';
    const l = link(c.req.param('token'));
    if (!l) return invalid(ja);
    if (l.expiresAt <= s.now()) return expired(ja);
    const env = s.db.select().from(envelopes).where(eq(envelopes.id, l.envelopeId)).get()!;
    const t = encodeURIComponent(c.req.param('token'));
    const items = documentsOf(s.db, env.id).map((d) => `<li><a href="/d/${t}/documents/${d.id}">${escapeHtml(d.name)}</a> (${Math.ceil(d.currentSize / 1024)} KB)</li>`);
    if (env.certificateBlobId) items.push(`<li><a href="/d/${t}/certificate">${ja ? '締結証明書' : 'Conclusion certificate'}</a></li>`);
    return page(ja ? 'ja' : 'en', env.title, `<h1>${escapeHtml(env.title)}</h1><p>${ja ? '署名済みの文書' : 'Signed documents'}:</p><ul>${items.join('')}</ul>`);
  });
  app.get('/d/:token/documents/:docId', (c) => {
    const ja = langOf(c) === 'ja';
    const l = link(c.req.param('token'));
    if (!l) return invalid(ja);
    if (l.expiresAt <= s.now()) return expired(ja);
    const doc = documentsOf(s.db, l.envelopeId).find((d) => d.id === c.req.param('docId'));
    if (!doc) return invalid(ja);
    const bytes = readDocument(s, doc.id);
    return new Response(bytes as unknown as BodyInit, { headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(doc.name)}` } });
  });
  app.get('/d/:token/certificate', (c) => {
    const ja = langOf(c) === 'ja';
    const l = link(c.req.param('token'));
    if (!l) return invalid(ja);
    if (l.expiresAt <= s.now()) return expired(ja);
    const env = s.db.select().from(envelopes).where(and(eq(envelopes.id, l.envelopeId))).get()!;
    if (!env.certificateBlobId) return invalid(ja);
    return new Response(readCertificate(s, env.id) as unknown as BodyInit, { headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent('締結証明書.pdf')}` } });
  });
}
