import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'wxt';

/**
 * Origins the extension trusts out of the box (DESIGN.md §3): `ESIGN_TRUSTED_SERVERS` at build time,
 * comma-separated. A municipality ships a preconfigured build; tests point it at a local server.
 */
export function trustedServersFromEnv(value = process.env.ESIGN_TRUSTED_SERVERS ?? ''): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => new URL(s).origin);
}

const trusted = trustedServersFromEnv();

/**
 * pdf.js runs inside the extension with no remote code: its worker, the Adobe CMaps (Japanese PDFs
 * need them) and the standard fonts are copied into the build under `pdfjs/`.
 */
function pdfjsAssets(): { absoluteSrc: string; relativeDest: string }[] {
  const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const files = [
    { absoluteSrc: path.join(root, 'build/pdf.worker.min.mjs'), relativeDest: 'pdfjs/pdf.worker.min.mjs' },
    { absoluteSrc: path.join(root, 'LICENSE'), relativeDest: 'pdfjs/LICENSE' },
  ];
  for (const dir of ['cmaps', 'standard_fonts']) {
    for (const name of readdirSync(path.join(root, dir))) {
      files.push({ absoluteSrc: path.join(root, dir, name), relativeDest: `pdfjs/${dir}/${name}` });
    }
  }
  return files;
}

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-react'],
  vite: () => ({
    define: {
      __ESIGN_TRUSTED_SERVERS__: JSON.stringify(trusted),
    },
  }),
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'ja',
    permissions: ['storage', 'sidePanel'],
    host_permissions: trusted.map((origin) => `${origin}/*`),
    optional_host_permissions: ['https://*/*'],
    // Asked for in the options page: offer to verify a PDF when its download finishes.
    optional_permissions: ['downloads', 'notifications'],
    // An administrator presets trusted servers through policy (extension/trust/servers.ts).
    storage: { managed_schema: 'managed_schema.json' },
  },
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      files.push(...pdfjsAssets());
    },
  },
});
