/**
 * Test helper: an "external" CA that has nothing to do with the embedded PKI, made with @peculiar/x509:
 * root → issuing CA → document signer and TSA, with its own OCSP responder (signed by the issuing CA,
 * written here with pkijs, not the server's responder) and CRLs, served by a local HTTP server whose
 * parts can be switched off, and certificates that can be revoked.
 */
import { createHash, createPrivateKey, sign, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { FileKey } from '../../server/signing/keys/file-key.js';
import { x509 } from '../../server/signing/pki/x509.js';
import { TimestampAuthority } from '../../server/signing/tsa/authority.js';
import { successfulOcsp } from '../verify/helpers/signer.js';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 24 * 3600_000;

export interface ExternalCa {
  url: string;
  root: x509.X509Certificate;
  ca: x509.X509Certificate;
  signer: { cert: x509.X509Certificate; keyPem: string };
  tsa: { cert: x509.X509Certificate; key: FileKey };
  /** PEM of signer + issuing CA + root, as an operator would configure it. */
  chainPem(): string;
  /** Switch the OCSP responder, the CRLs or the TSA off ('down': HTTP 503) and on again. */
  state: { ocsp: 'up' | 'down'; crl: 'up' | 'down'; tsa: 'up' | 'down' };
  revoke(cert: x509.X509Certificate): void;
  /** Requests served, by path kind. */
  hits: { ocsp: number; crl: number; tsa: number; caIssuers: number };
  close(): Promise<void>;
}

let serialCounter = 0x4000;
const nextSerial = () => (serialCounter++).toString(16).padStart(6, '0') + createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 10);

async function keyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function publicOf(spki: Uint8Array): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, ALG, true, ['verify']);
}

export async function startExternalCa(): Promise<ExternalCa> {
  let handler: (path: string, method: string, body: Uint8Array) => Promise<{ status: number; type?: string; body?: Uint8Array }> = async () => ({ status: 503 });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const r = await handler(req.url ?? '', req.method ?? 'GET', new Uint8Array(Buffer.concat(chunks)));
      res.statusCode = r.status;
      if (r.type) res.setHeader('content-type', r.type);
      res.end(r.body ? Buffer.from(r.body) : undefined);
    } catch {
      res.statusCode = 500;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };

  const rootKeys = await keyPair();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: 'CN=Outside Trust Root, O=Outside Trust Services, C=JP',
    keys: rootKeys,
    signingAlgorithm: ALG,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const caKeys = await keyPair();
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'CN=Outside Issuing CA, O=Outside Trust Services, C=JP',
    issuer: root.subject,
    publicKey: caKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ALG,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      new x509.CRLDistributionPointsExtension([`${url}/crl/root.crl`]),
    ],
  });
  const leaf = async (subject: string, spki: Uint8Array, eku: x509.Extension) =>
    x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject,
      issuer: ca.subject,
      publicKey: await publicOf(spki),
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        eku,
        await x509.SubjectKeyIdentifierExtension.create(await publicOf(spki)),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        new x509.CRLDistributionPointsExtension([`${url}/crl/ca.crl`]),
        new x509.AuthorityInfoAccessExtension({ ocsp: `${url}/ocsp`, caIssuers: `${url}/ca.cer` }),
      ],
    });
  const signerKey = FileKey.generate();
  const signerCert = await leaf(
    'CN=Outside Document Signer, O=Outside Trust Services, C=JP',
    signerKey.spki,
    new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4']),
  );
  const tsaKey = FileKey.generate();
  const tsaCert = await leaf('CN=Outside Time Stamping, O=Outside Trust Services, C=JP', tsaKey.spki, new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], true));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(signerKey.pkcs8()).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;

  const revoked = new Map<string, Date>();
  const norm = (hex: string) => hex.toLowerCase().replace(/^(00)+(?=.)/, '');
  const crlOf = async (issuer: x509.X509Certificate, key: CryptoKey) =>
    new Uint8Array(
      (
        await x509.X509CrlGenerator.create({
          issuer: issuer.subject,
          thisUpdate: new Date(Date.now() - 60_000),
          nextUpdate: new Date(Date.now() + DAY),
          signingAlgorithm: ALG,
          signingKey: key,
          entries: [...revoked.entries()].map(([serialNumber, revocationDate]) => ({ serialNumber, revocationDate })),
        })
      ).rawData,
    );
  const caPkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey));
  const caSigner = createPrivateKey({ key: Buffer.from(caPkcs8), format: 'der', type: 'pkcs8' });
  const caPk = pkijs.Certificate.fromBER(new Uint8Array(ca.rawData));

  /** A basic OCSP response signed by the issuing CA itself (RFC 6960 §4.2.2.2, no delegation). */
  const ocspRespond = (reqDer: Uint8Array): Uint8Array => {
    const req = pkijs.OCSPRequest.fromBER(reqDer as Uint8Array<ArrayBuffer>);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const responses = req.tbsRequest.requestList.map((r) => {
      const serial = norm(Buffer.from(r.reqCert.serialNumber.valueBlock.valueHexView).toString('hex'));
      const known = [signerCert, tsaCert].some((c) => norm(c.serialNumber) === serial);
      const when = revoked.get(serial);
      const certStatus = when
        ? new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.GeneralizedTime({ valueDate: when })] })
        : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: known ? 0 : 2 } });
      return new pkijs.SingleResponse({ certID: r.reqCert, certStatus, thisUpdate: at, nextUpdate: new Date(at.getTime() + DAY) });
    });
    const keyHash = createHash('sha1').update(caPk.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    const data = new pkijs.ResponseData({
      responderID: new asn1js.OctetString({ valueHex: keyHash }),
      producedAt: at,
      responses,
    });
    const tbs = new Uint8Array(data.toSchema(true).toBER(false));
    data.tbsView = tbs;
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() }),
      signature: new asn1js.BitString({ valueHex: sign('sha256', tbs, caSigner) }),
    });
    return successfulOcsp(basic);
  };

  // Its tokens carry the TSA certificate alone (as many TSAs send them): the issuing CA must come
  // from the AIA caIssuers URL.
  const tsa = new TimestampAuthority({ key: tsaKey, chain: [tsaCert, ca] });
  const state: ExternalCa['state'] = { ocsp: 'up', crl: 'up', tsa: 'up' };
  const hits = { ocsp: 0, crl: 0, tsa: 0, caIssuers: 0 };
  handler = async (path, method, body) => {
    if ((path === '/ocsp' && method === 'POST') || (path.startsWith('/ocsp/') && method === 'GET')) {
      hits.ocsp++;
      // RFC 6960 A.1: GET carries the request base64 in the path (NSS, i.e. pdfsig, uses it).
      const req = method === 'POST' ? body : new Uint8Array(Buffer.from(decodeURIComponent(path.slice(6)), 'base64'));
      return state.ocsp === 'up' ? { status: 200, type: 'application/ocsp-response', body: ocspRespond(req) } : { status: 503 };
    }
    if (path === '/crl/root.crl' || path === '/crl/ca.crl') {
      hits.crl++;
      if (state.crl !== 'up') return { status: 503 };
      const crl = path === '/crl/root.crl' ? await crlOf(root, rootKeys.privateKey) : await crlOf(ca, caKeys.privateKey);
      return { status: 200, type: 'application/pkix-crl', body: crl };
    }
    if (path === '/ca.cer') {
      hits.caIssuers++;
      return { status: 200, type: 'application/pkix-cert', body: new Uint8Array(ca.rawData) };
    }
    if (path === '/tsa' && method === 'POST') {
      hits.tsa++;
      return state.tsa === 'up' ? { status: 200, type: 'application/timestamp-reply', body: await tsa.respond(body) } : { status: 503 };
    }
    return { status: 404 };
  };

  return {
    url,
    root,
    ca,
    signer: { cert: signerCert, keyPem },
    tsa: { cert: tsaCert, key: tsaKey },
    chainPem: () => [signerCert, ca, root].map((c) => c.toString('pem')).join('\n') + '\n',
    state,
    revoke: (cert) => revoked.set(norm(cert.serialNumber), new Date(Date.now() - 60_000)),
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
