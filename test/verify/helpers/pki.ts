/**
 * A throw-away PKI for tests: root CA → signer and TSA certificates (ECDSA P-256 for speed, RSA
 * where a test needs it), and CRLs. Built with @peculiar/x509 over Node's WebCrypto.
 */
import 'reflect-metadata'; // tsyringe, used by @peculiar/x509, needs the Reflect metadata polyfill
import * as x509 from '@peculiar/x509';

const subtle = globalThis.crypto.subtle;
x509.cryptoProvider.set(globalThis.crypto);

export interface Party {
  cert: x509.X509Certificate;
  der: Uint8Array;
  keys: CryptoKeyPair;
  alg: 'ecdsa' | 'rsa' | 'rsa-pss';
}

export interface Pki {
  root: Party;
  signer: Party;
  tsa: Party;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
const PSS = { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256', saltLength: 32 } as const;

async function keysFor(alg: Party['alg']): Promise<CryptoKeyPair> {
  const params = alg === 'ecdsa' ? EC : alg === 'rsa' ? RSA : PSS;
  return (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function signingAlgorithm(alg: Party['alg']) {
  return alg === 'ecdsa' ? EC : alg === 'rsa' ? RSA : PSS;
}

let serial = 1;

export async function makeRoot(name = 'Test Root CA', alg: Party['alg'] = 'ecdsa', validity?: { notBefore: Date; notAfter: Date }): Promise<Party> {
  const keys = await keysFor(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${name}, O=Esign Test`,
    notBefore: validity?.notBefore ?? new Date('2020-01-01T00:00:00Z'),
    notAfter: validity?.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: signingAlgorithm(alg),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, der: new Uint8Array(cert.rawData), keys, alg };
}

export async function issue(
  issuer: Party,
  subject: string,
  opts: {
    alg?: Party['alg'];
    eku?: string[];
    ca?: boolean;
    /** A CA's pathLenConstraint. */
    pathLength?: number;
    /** keyUsage flags instead of the defaults for a CA or an end entity; null: no keyUsage extension. */
    keyUsage?: number | null;
    /** Leave basicConstraints out (as some old intermediates do). */
    noBasicConstraints?: boolean;
    notBefore?: Date;
    notAfter?: Date;
    extensions?: x509.Extension[];
  } = {},
): Promise<Party> {
  const alg = opts.alg ?? 'ecdsa';
  const keys = await keysFor(alg);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject,
    issuer: issuer.cert.subject,
    notBefore: opts.notBefore ?? new Date('2021-01-01T00:00:00Z'),
    notAfter: opts.notAfter ?? new Date('2039-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(issuer.alg),
    extensions: [
      ...(opts.noBasicConstraints ? [] : [new x509.BasicConstraintsExtension(!!opts.ca, opts.pathLength, true)]),
      ...(opts.keyUsage === null
        ? []
        : [
            new x509.KeyUsagesExtension(
              opts.keyUsage ??
                (opts.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation),
              true,
            ),
          ]),
      ...(opts.eku ? [new x509.ExtendedKeyUsageExtension(opts.eku, opts.eku.includes('1.3.6.1.5.5.7.3.8'))] : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
      ...(opts.extensions ?? []),
    ],
  });
  return { cert, der: new Uint8Array(cert.rawData), keys, alg };
}

export async function makePki(signerAlg: Party['alg'] = 'ecdsa'): Promise<Pki> {
  const root = await makeRoot();
  const signer = await issue(root, 'CN=電子契約サービス, O=Esign Witness Test, E=sign@example.lg.jp', { alg: signerAlg, eku: ['1.3.6.1.5.5.7.3.36'] });
  const tsa = await issue(root, 'CN=Test TSA, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.8'] });
  return { root, signer, tsa };
}

export async function makeCrl(
  issuer: Party,
  revoked: { serialNumber: string; date: Date }[] = [],
  times: { thisUpdate: Date; nextUpdate: Date } = { thisUpdate: new Date('2024-01-01T00:00:00Z'), nextUpdate: new Date('2038-01-01T00:00:00Z') },
): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject,
    thisUpdate: times.thisUpdate,
    nextUpdate: times.nextUpdate,
    entries: revoked.map((r) => ({ serialNumber: r.serialNumber, revocationDate: r.date })),
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(issuer.alg),
  });
  return new Uint8Array(crl.rawData);
}

export function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
