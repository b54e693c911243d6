/**
 * Chooses the signing service. `SIGNING=noop` keeps the recorded no-op (benchmarks of the envelope
 * layer); otherwise the PAdES signer once it is wired here.
 */
import type { Config } from './config.js';
import type { RouteExtension } from './app.js';
import type { ServiceOverrides } from './services.js';

export interface SigningSetup {
  factory: ServiceOverrides['signing'];
  routes: RouteExtension[];
  exportRootPem?: () => Promise<string>;
}

export async function signingSetup(_config: Config): Promise<SigningSetup | null> {
  return null;
}
