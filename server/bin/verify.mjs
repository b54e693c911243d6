#!/usr/bin/env node
// `npm run verify`: runs the verify CLI from a single bundled file, built by esbuild the first time and
// whenever a source under shared/ or server/verify-cli.ts is newer. Through tsx, compiling and loading
// every module took ~1.5 s before any PDF was read; the bundle starts in a fraction of that, which is
// what a clerk verifying one file waits for.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = path.join(root, 'server', 'verify-cli.ts');
const bundle = path.join(root, '.output', 'cli', 'verify.mjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = !existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(newest(path.join(root, 'shared')), statSync(entry).mtimeMs);
if (stale) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
    // Packages that must stay real ESM imports (none need to today); keep node: builtins external.
    packages: 'bundle',
  });
}
await import(pathToFileURL(bundle).href);
