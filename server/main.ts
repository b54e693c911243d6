import { serve, type ServerType } from '@hono/node-server';
import path from 'node:path';
import { webBundle } from './web/bundle.js';
import { createApp, type RouteExtension } from './app.js';
import { loadConfig, type Config } from './config.js';
import { openServices, type ServiceOverrides, type Services } from './services.js';
import { expireLinks } from './envelopes/manage.js';
import { bootstrapDemo, type DemoCredentials } from './bootstrap.js';
import { signingSetup } from './signing-setup.js';
import { startCheckpointer } from './store/checkpointer.js';

export interface RunningServer {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** Starts the whole server: HTTP, the mail outbox worker and the expiry sweep. Tests call this too. */
export async function startServer(
  config: Config,
  overrides: ServiceOverrides = {},
  extensions: RouteExtension[] = [],
  beforeListen?: (s: Services) => Promise<void>,
): Promise<RunningServer> {
  const setup = overrides.signing ? null : await signingSetup(config);
  const services = await openServices(config, { ...overrides, signing: overrides.signing ?? setup?.factory });
  await beforeListen?.(services);
  const app = createApp(services, [...(setup?.routes ?? []), ...extensions]);
  const server: ServerType = await new Promise((resolve) => {
    const srv = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(srv));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.outbox.start();
  services.db.$client.pragma('wal_autocheckpoint = 0');
  const stopCheckpointer = startCheckpointer(services.db.$client.name);
  const sweep = setInterval(() => {
    try {
      expireLinks(services);
    } catch (err) {
      console.error('expiry sweep failed:', err);
    }
  }, 60_000);
  sweep.unref();
  return {
    url: `http://${config.host}:${port}`,
    services,
    async close() {
      clearInterval(sweep);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopCheckpointer();
      await services.close();
    },
  };
}

async function main() {
  const config = loadConfig();
  let demo: Awaited<ReturnType<typeof bootstrapDemo>> = null;
  const running = await startServer(config, {}, [], async (s) => {
    demo = await bootstrapDemo(s);
  });
  const ext = path.resolve('.output/chrome-mv3');
  console.log(`esign server listening on ${running.url} (public URL ${config.publicUrl})`);
  console.log(`  data:    ${config.dataDir}  (mail: ${config.smtpUrl ? 'SMTP' : path.join(config.dataDir, 'outbox')})`);
  console.log(`  signing: ${running.services.signing.kind}`);
  console.log(`  extension: npm run build, then load ${ext} in chrome://extensions (developer mode → Load unpacked);`);
  console.log('             its console page (console.html, linked from the options) sends and tracks envelopes');
  // The web signing page's bundle is built now rather than on the first recipient's request.
  const t0 = Date.now();
  void webBundle().then(
    (b) => console.log(`  web signing page: ${config.publicUrl}/s/{token} in any browser (bundle ${b.script}, ready in ${Date.now() - t0} ms)`),
    (e: unknown) => console.error(`  web signing page: the bundle could not be built (${String((e as Error).message ?? e)}); it is retried on the first request`),
  );
  if (demo) {
    const d = demo as DemoCredentials;
    console.log(`\nFirst start: a demo organisation was created (also in ${path.join(config.dataDir, 'demo-credentials.txt')}):`);
    console.log(`  sign in: ${d.email} / ${d.password}   (POST ${config.publicUrl}/api/auth/login)`);
    console.log(`  API key: ${d.apiKey}`);
    console.log('  send a first envelope:');
    console.log(`    npm run cli -- send --title "業務委託契約書" --doc ../shared/samples/gyomu-itaku.pdf --recipient "山田太郎,yamada@example.jp,1234"`);
    console.log(`  the signing email appears in ${path.join(config.dataDir, 'outbox')}`);
  }
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('server/main.ts')) {
  main().catch((err) => {
    console.error(`esign server could not start: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
