/**
 * Static files of the web signing page under `/web/`: the hashed bundle (./bundle.ts) and pdf.js's
 * worker, CMaps and standard fonts from node_modules/pdfjs-dist, under a folder named after the
 * pdf.js version. Every name is content- or version-addressed, so each is cached for a year.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Hono } from 'hono';
import { forgetWebBundle, webBundle } from './bundle.js';

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const pdfjsVersion = (JSON.parse(readFileSync(path.join(pdfjsRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The folder the page's host loads pdf.js from (`data-pdfjs`). */
export const PDFJS_PREFIX = `/web/pdfjs-${pdfjsVersion}/`;

const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
};

/** pdf.js files a page may ask for: path below the prefix → file on disk. */
function pdfjsFiles(): Map<string, string> {
  const files = new Map([['pdf.worker.min.mjs', path.join(pdfjsRoot, 'build', 'pdf.worker.min.mjs')]]);
  for (const dir of ['cmaps', 'standard_fonts']) {
    for (const name of readdirSync(path.join(pdfjsRoot, dir))) if (TYPES[path.extname(name)]) files.set(`${dir}/${name}`, path.join(pdfjsRoot, dir, name));
  }
  return files;
}

const cache = new Map<string, Uint8Array>();

function serveFile(file: string, type: string): Response {
  let bytes = cache.get(file);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(file));
    cache.set(file, bytes);
  }
  return new Response(bytes as unknown as BodyInit, {
    headers: { 'Content-Type': type, 'Cache-Control': IMMUTABLE, 'Cross-Origin-Resource-Policy': 'same-origin' },
  });
}

export function webAssetRoutes(app: Hono) {
  let pdfjs: Map<string, string> | null = null;

  app.get(`${PDFJS_PREFIX}*`, (c) => {
    pdfjs ??= pdfjsFiles();
    const file = pdfjs.get(c.req.path.slice(PDFJS_PREFIX.length));
    if (!file) return c.notFound();
    return serveFile(file, TYPES[path.extname(file)]);
  });

  app.get('/web/:name', async (c) => {
    const name = c.req.param('name');
    const bundle = await webBundle();
    if (name !== bundle.script && name !== bundle.css) return c.notFound();
    const file = path.join(bundle.outDir, name);
    if (!cache.has(file) && !existsSync(file)) {
      forgetWebBundle();
      return c.notFound();
    }
    return serveFile(file, TYPES[path.extname(name)]);
  });
}
