/**
 * Chooses the signing service and mounts what it serves. By default the embedded PKI (created under
 * DATA_DIR/pki on first start) signs with PAdES; `SIGNING=noop` keeps the recorded no-op (benchmarks of
 * the envelope layer alone). Environment:
 *   SIGNING_CERT_PEM + SIGNING_KEY_PEM   an external certificate chain and key (PEM files) instead of
 *   SIGNING_P12 + SIGNING_P12_PASSWORD   …or a PKCS#12 file;
 *   PKCS11_MODULE, PKCS11_TOKEN_LABEL, PKCS11_PIN, PKCS11_KEY_ID   the document-signing key in an HSM;
 *   TSA_URL                              an external RFC 3161 TSA instead of the embedded one.
 */
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { Config } from './config.js';
import type { RouteExtension } from './app.js';
import { derive, type ServiceOverrides } from './services.js';
import { createSigningService, ocspGetRequest, type Signing, type SigningOptions } from './signing/index.js';

export interface SigningSetup {
  factory: ServiceOverrides['signing'];
  routes: RouteExtension[];
  exportRootPem?: () => Promise<string>;
}

function options(config: Config, env: NodeJS.ProcessEnv): Omit<SigningOptions, 'masterKey'> {
  const read = (name: string) => {
    try {
      return readFileSync(env[name]!, 'utf8');
    } catch {
      throw new Error(`${name}: cannot read ${env[name]}`);
    }
  };
  return {
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    tsaUrl: config.tsaUrl,
    external: env.SIGNING_CERT_PEM
      ? { certificatePem: read('SIGNING_CERT_PEM'), keyPem: read('SIGNING_KEY_PEM') }
      : env.SIGNING_P12
        ? { pkcs12File: env.SIGNING_P12, password: env.SIGNING_P12_PASSWORD ?? '' }
        : undefined,
    pkcs11: env.PKCS11_MODULE
      ? { module: env.PKCS11_MODULE, tokenLabel: env.PKCS11_TOKEN_LABEL ?? '', pin: env.PKCS11_PIN ?? '', keyId: env.PKCS11_KEY_ID ?? '01', generateIfMissing: true }
      : undefined,
  };
}

const binary = (bytes: Uint8Array, type: string) =>
  new Response(bytes as unknown as BodyInit, { headers: { 'Content-Type': type, 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store' } });

/** POST /tsa, OCSP (POST and RFC 6960 GET), the CAs' CRLs. */
function pkiRoutes(get: () => Signing): RouteExtension {
  return (app: Hono, api) => {
    api.add({ method: 'post', path: '/tsa', summary: 'RFC 3161 time-stamping (application/timestamp-query → application/timestamp-reply)', tag: 'pki', auth: 'none', responseType: 'application/timestamp-reply' });
    app.post('/tsa', async (c) => {
      if (c.req.header('content-type') !== 'application/timestamp-query') return c.text('expected application/timestamp-query', 415);
      const body = new Uint8Array(await c.req.arrayBuffer());
      if (body.length > 16 * 1024) return c.text('request too large', 413);
      return binary(await get().tsa(body), 'application/timestamp-reply');
    });
    app.post('/ocsp', async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      if (body.length > 16 * 1024) return c.text('request too large', 413);
      return binary(await get().ocsp(body), 'application/ocsp-response');
    });
    app.get('/ocsp/:request{.+}', async (c) => binary(await get().ocsp(ocspGetRequest(c.req.param('request'))), 'application/ocsp-response'));
    app.get('/pki/crl/:name', async (c) => {
      const name = c.req.param('name');
      if (name !== 'root.crl' && name !== 'signing-ca.crl') return c.text('not found', 404);
      return binary(await get().crl(name === 'root.crl' ? 'root' : 'signing-ca'), 'application/pkix-crl');
    });
    app.get('/pki/root.pem', (c) => c.body(get().exportRootPem(), 200, { 'Content-Type': 'application/x-pem-file' }));
  };
}

export async function signingSetup(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<SigningSetup | null> {
  if (config.signing === 'noop') return null;
  let signing: Signing | null = null;
  const get = () => {
    if (!signing) throw new Error('signing is not initialised');
    return signing;
  };
  return {
    factory: async ({ masterKey }) => {
      signing = await createSigningService({ ...options(config, env), masterKey: derive(masterKey, 'esign pki keys v1') });
      return signing.service;
    },
    routes: [pkiRoutes(get)],
    exportRootPem: async () => get().exportRootPem(),
  };
}
