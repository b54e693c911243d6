#!/usr/bin/env node
// `npm run verify`: runs the verify CLI from a single bundled file, built by esbuild the first time and
// whenever a source under shared/, server/verify-cli.ts or this folder's build inputs is newer. A clerk
// verifying one file waits for Node's start-up plus ours, so ours is kept small:
// - one minified CommonJS bundle (no module graph to resolve; fflate's browser build, which does not
//   load worker_threads, evaluated at its first use: lazy-fflate.cjs);
// - this launcher is CommonJS: an ES module entry point would first start Node's ESM loader (~10 ms);
// - compiled through vm.Script with a V8 code cache next to the bundle, written after the first
//   successful verification, so the functions that run (the PDF reader, our X.509/CMS decoding) are not
//   compiled again on every start. A missing, stale or rejected cache only costs that compilation.
'use strict';
const { createRequire } = require('node:module');
const { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'server', 'verify-cli.ts');
const bundle = path.join(root, '.output', 'cli', 'verify.cjs');
const cacheFile = `${bundle}.v8cache`;
const lazyFflate = path.join(__dirname, 'lazy-fflate.cjs');
/** Besides shared/: what the bundle is built from, the build settings (this file) included. */
const buildInputs = [entry, __filename, lazyFflate, path.join(__dirname, 'fflate-inflate.mjs')];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function isStale() {
  if (!existsSync(bundle)) return true;
  return statSync(bundle).mtimeMs < Math.max(newest(path.join(root, 'shared')), ...buildInputs.map((f) => statSync(f).mtimeMs));
}

async function build() {
  await require('esbuild').build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
    minify: true,
    plugins: [
      {
        name: 'lazy-fflate',
        setup(b) {
          b.onResolve({ filter: /^fflate$/ }, () => ({ path: lazyFflate }));
        },
      },
    ],
    packages: 'bundle',
  });
  try {
    unlinkSync(cacheFile);
  } catch {
    // no cache yet
  }
}

function run() {
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
  const bundled = { exports: {} };
  script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, path.dirname(bundle));
}

if (!isStale()) run();
else
  build().then(run, (e) => {
    console.error(`error: the verifier could not be built: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
