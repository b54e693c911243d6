#!/usr/bin/env node
// `npm run verify`: runs the verify CLI from a single bundled file, built by esbuild the first time and
// whenever a source under shared/ or server/verify-cli.ts is newer. A clerk verifying one file waits for
// Node's start-up plus ours, so ours is kept small:
// - one minified CommonJS bundle (no module graph to resolve; fflate's browser build, which does not
//   load worker_threads);
// - compiled through vm.Script with a V8 code cache next to the bundle, written after the first
//   successful verification, so the functions that run (pkijs, asn1js, the reader) are not compiled
//   again on every start. A missing, stale or rejected cache only costs that compilation.
import { createRequire } from 'node:module';

// Built-ins through require: an ES import of node:fs builds its module facade by reading every export,
// which loads all of node:stream (~10 ms) for nothing.
const require = createRequire(import.meta.url);
const { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { fileURLToPath } = require('node:url');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = path.join(root, 'server', 'verify-cli.ts');
const bundle = path.join(root, '.output', 'cli', 'verify.cjs');
const cacheFile = `${bundle}.v8cache`;

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
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
    minify: true,
    alias: { fflate: 'fflate/browser' },
    packages: 'bundle',
  });
  try {
    unlinkSync(cacheFile);
  } catch {
    // no cache yet
  }
}

const source = readFileSync(bundle, 'utf8');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
const writeCache = cachedData === undefined || script.cachedDataRejected;
cachedData = undefined; // compiled: the bytes need not stay alive through the verification
if (writeCache) {
  // After a run that verified files (exit code 0), the cache holds every function that run compiled.
  process.once('beforeExit', (code) => {
    if (code !== 0 || process.exitCode) return;
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // read-only checkout: start-up just stays a little slower
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
