/**
 * The web signing page's script and CSS (extension/web/main.tsx: the side panel's screens built for a
 * plain browser), bundled by esbuild into `.output/web/` with content-hashed names. Built on the first
 * request after the server starts when missing, or when any file that went into it (recorded from
 * esbuild's metafile) is newer than the bundle: `npm start` on a fresh clone needs no build step.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WebBundle {
  /** File names inside `outDir`, e.g. `main-4KX7Q2ZB.js`. */
  script: string;
  css: string | null;
  outDir: string;
}

interface Manifest {
  script: string;
  css: string | null;
  builtAt: number;
  /** Every input esbuild read, relative to the repository. */
  inputs: string[];
}

export interface BundleOptions {
  entry?: string;
  outDir?: string;
}

const defaults = () => ({ entry: path.join(REPO_ROOT, 'extension', 'web', 'main.tsx'), outDir: path.join(REPO_ROOT, '.output', 'web') });

/** Written to a temporary name and renamed: another server process may be reading or building too. */
function writeAtomically(file: string, data: string | Uint8Array) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function readManifest(outDir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** Why the bundle in `outDir` must be rebuilt, or null when it is current. */
export function staleReason(outDir: string): string | null {
  const m = readManifest(outDir);
  if (!m) return 'no bundle yet';
  for (const file of [m.script, m.css]) if (file && !existsSync(path.join(outDir, file))) return `${file} is missing`;
  for (const input of m.inputs) {
    const p = path.resolve(REPO_ROOT, input);
    let mtime: number;
    try {
      mtime = statSync(p).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (mtime > m.builtAt) return `${input} changed`;
  }
  return null;
}

/** Builds the bundle when it is missing or stale; `rebuilt` says whether it did. */
export async function ensureWebBundle(options: BundleOptions = {}): Promise<WebBundle & { rebuilt: boolean }> {
  const { entry, outDir } = { ...defaults(), ...options };
  if (!staleReason(outDir)) {
    const m = readManifest(outDir)!;
    return { script: m.script, css: m.css, outDir, rebuilt: false };
  }
  const builtAt = Date.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { main: entry },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome116', 'edge116', 'firefox121', 'safari17'],
    outdir: outDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
    // Not the repository's tsconfig (it extends WXT's generated one): only JSX matters here.
    tsconfigRaw: { compilerOptions: { jsx: 'react-jsx' } },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
  });
  mkdirSync(outDir, { recursive: true });
  let script: string | null = null;
  let css: string | null = null;
  for (const file of result.outputFiles) {
    const name = path.basename(file.path);
    writeAtomically(path.join(outDir, name), file.contents);
    if (name.endsWith('.js')) script = name;
    else if (name.endsWith('.css')) css = name;
  }
  if (!script) throw new Error('esbuild produced no script for the web signing page');
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.relative(REPO_ROOT, path.resolve(REPO_ROOT, p)));
  writeAtomically(path.join(outDir, 'manifest.json'), JSON.stringify({ script, css, builtAt, inputs } satisfies Manifest));
  pruneEarlierBuilds(outDir, new Set([script, css].filter((n): n is string => !!n)), builtAt);
  return { script, css, outDir, rebuilt: true };
}

/** An hour after they were written, earlier builds' files go (a server still naming one rebuilds). */
const KEEP_EARLIER_MS = 3_600_000;

function pruneEarlierBuilds(outDir: string, current: Set<string>, now: number) {
  for (const name of readdirSync(outDir)) {
    if (current.has(name) || !/^main-[A-Z0-9]+\.(js|css)$/.test(name)) continue;
    const file = path.join(outDir, name);
    try {
      if (now - statSync(file).mtimeMs > KEEP_EARLIER_MS) rmSync(file);
    } catch {
      // Another process pruned it first.
    }
  }
}

let current: Promise<WebBundle> | null = null;

/** The server's bundle: checked (and built if needed) once per process, on first use. */
export function webBundle(): Promise<WebBundle> {
  current ??= ensureWebBundle().catch((err: unknown) => {
    current = null; // the next request tries again
    throw err;
  });
  return current;
}

/** A file of the bundle is gone (pruned by another server's rebuild): check again on the next request. */
export function forgetWebBundle(): void {
  current = null;
}
