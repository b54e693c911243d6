import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the extension trusting `origins` (ESIGN_TRUSTED_SERVERS, as a municipality's preconfigured
 * build would) into `.output/chrome-mv3-{mode}`, apart from the default build.
 */
export function buildExtensionTrusting(origins: string[], mode = 'e2e'): string {
  execFileSync('npx', ['wxt', 'build', '--mode', mode], {
    env: { ...process.env, ESIGN_TRUSTED_SERVERS: origins.join(',') },
    stdio: 'pipe',
  });
  return path.resolve(`.output/chrome-mv3-${mode}`);
}
