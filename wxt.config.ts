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
  },
});
