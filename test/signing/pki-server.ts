/**
 * Test helper: the routes the envelope server mounts for the signer (OCSP, CRLs, TSA), on a local
 * port, so that pdfsig's online OCSP check reaches our responder as it would in production.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigningService, ocspGetRequest, type Signing, type SigningOptions } from '../../server/signing/index.js';
import { tempDir } from './tools.js';

export interface PkiServer {
  signing: Signing;
  url: string;
  close(): Promise<void>;
}

export async function startPkiServer(opts: Partial<SigningOptions> & { masterKey: Uint8Array }): Promise<PkiServer> {
  let signing: Signing | undefined;
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = new Uint8Array(Buffer.concat(chunks));
      const url = req.url ?? '';
      if (!signing) throw new Error('not ready');
      // NSS (pdfsig) ignores an OCSP answer without its media type.
      const send = (type: string, data: Uint8Array) => {
        res.setHeader('content-type', type);
        res.end(data);
      };
      if (req.method === 'POST' && url === '/ocsp') return send('application/ocsp-response', await signing.ocsp(body));
      if (req.method === 'GET' && url.startsWith('/ocsp/')) {
        return send('application/ocsp-response', await signing.ocsp(ocspGetRequest(url.slice(6))));
      }
      if (req.method === 'POST' && url === '/tsa') return send('application/timestamp-reply', await signing.tsa(body));
      const crl = /^\/pki\/crl\/(root|signing-ca)\.crl$/.exec(url);
      if (req.method === 'GET' && crl) return send('application/pkix-crl', await signing.crl(crl[1] as 'root' | 'signing-ca'));
      res.statusCode = 404;
      res.end();
    } catch {
      res.statusCode = 500;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signing = await createSigningService({ dataDir: tempDir(), publicUrl: url, ...opts });
  return { signing, url, close: () => new Promise((r) => server.close(() => r())) };
}
