/**
 * The embedded PKI under DATA_DIR/pki/, created on first start: root CA → signing CA → document signer,
 * TSA and OCSP responder. Certificates are PEM files; private keys are sealed with the master key.
 * A document-signing key held elsewhere (HSM) gets its certificate from the signing CA the first time
 * it is seen (file name bound to the key's SPKI hash).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { x509 } from './x509.js';
import { FileKey } from '../keys/file-key.js';
import { readSealed, writeSealed } from '../keys/sealed-file.js';
import type { SigningKey } from '../keys/signing-key.js';
import { createCrl, createRoot, issue, type Issuer } from './profiles.js';

export interface PkiOptions {
  dataDir: string;
  masterKey: Uint8Array;
  /** Base of the CRL and OCSP URLs written into certificates, e.g. http://localhost:8787. */
  publicUrl: string;
  /** Shown in the certificates' subjects. */
  organization?: string;
}

/** A key with its certificate chain, leaf first (root last). */
export interface Identity {
  key: SigningKey;
  chain: x509.X509Certificate[];
}

export const crlPath = (ca: 'root' | 'signing-ca') => `/pki/crl/${ca}.crl`;
export const OCSP_PATH = '/ocsp';

async function exists(file: string) {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(file: string, data: string | Uint8Array, mode = 0o644) {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, file);
}

export class EmbeddedPki {
  private crlCache = new Map<string, { der: Uint8Array; at: number }>();

  private constructor(
    readonly dir: string,
    readonly root: Issuer,
    readonly signingCa: Issuer,
    readonly signer: Identity,
    readonly tsa: Identity,
    readonly ocspResponder: Identity & { key: FileKey },
  ) {}

  /** Loads the PKI, creating what is missing. `signerKey` replaces the default key-file signer. */
  static async open(opts: PkiOptions, signerKey?: SigningKey): Promise<EmbeddedPki> {
    const dir = path.join(opts.dataDir, 'pki');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const org = opts.organization ?? 'Esign Witness';
    const base = opts.publicUrl.replace(/\/+$/, '');
    const urls = {
      rootCrl: base + crlPath('root'),
      caCrl: base + crlPath('signing-ca'),
      ocsp: base + OCSP_PATH,
    };
    const load = async (name: string, make: () => Promise<{ cert: x509.X509Certificate; key?: FileKey }>) => {
      const certFile = path.join(dir, `${name}.pem`);
      const keyFile = path.join(dir, `${name}.key`);
      if (await exists(certFile)) {
        const cert = new x509.X509Certificate(await readFile(certFile, 'utf8'));
        const key = (await exists(keyFile)) ? FileKey.fromPkcs8(await readSealed(keyFile, opts.masterKey)) : undefined;
        return { cert, key };
      }
      const made = await make();
      if (made.key) await writeSealed(keyFile, opts.masterKey, made.key.pkcs8());
      await writeAtomic(certFile, made.cert.toString('pem') + '\n');
      return made;
    };
    const withKey = async (name: string, make: (key: FileKey) => Promise<x509.X509Certificate>) => {
      const r = await load(name, async () => {
        const key = FileKey.generate();
        return { key, cert: await make(key) };
      });
      if (!r.key) throw new Error(`${name}: certificate without its key file in ${dir}`);
      return { cert: r.cert, key: r.key };
    };

    const root = await withKey('root', (k) => createRoot(k, `CN=${org} Root CA, O=${org}`));
    const signingCa = await withKey('signing-ca', (k) =>
      issue(root, 'signing-ca', k.spki, `CN=${org} Signing CA, O=${org}`, { crl: urls.rootCrl, service: base }, 15),
    );
    const leafUrls = { crl: urls.caCrl, ocsp: urls.ocsp, service: base };
    const tsa = await withKey('tsa', (k) =>
      issue(signingCa, 'tsa', k.spki, `CN=${org} Time Stamping Authority, O=${org}`, leafUrls, 10),
    );
    const ocsp = await withKey('ocsp', (k) =>
      issue(signingCa, 'ocsp', k.spki, `CN=${org} OCSP Responder, O=${org}`, leafUrls, 10),
    );
    const signerName = `CN=${org} Document Signing, O=${org}`;
    let signer: Identity;
    if (signerKey) {
      const tag = createHash('sha256').update(signerKey.spki).digest('hex').slice(0, 16);
      const { cert } = await load(`signer-${tag}`, async () => ({
        cert: await issue(signingCa, 'signer', signerKey.spki, signerName, leafUrls, 5),
      }));
      signer = { key: signerKey, chain: [cert, signingCa.cert, root.cert] };
    } else {
      const s = await withKey('signer', (k) => issue(signingCa, 'signer', k.spki, signerName, leafUrls, 5));
      signer = { key: s.key, chain: [s.cert, signingCa.cert, root.cert] };
    }
    return new EmbeddedPki(
      dir,
      root,
      signingCa,
      signer,
      { key: tsa.key, chain: [tsa.cert, signingCa.cert, root.cert] },
      { key: ocsp.key, chain: [ocsp.cert, signingCa.cert, root.cert] },
    );
  }

  rootPem(): string {
    return this.root.cert.toString('pem') + '\n';
  }

  /** The CA that issued `cert`, when it is one of ours. */
  issuerOf(cert: x509.X509Certificate): Issuer | undefined {
    for (const ca of [this.root, this.signingCa]) {
      if (cert.issuer === ca.cert.subject && cert.signature.byteLength > 0) {
        const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
        const ski = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
        if (!aki || !ski || aki.keyId === ski.keyId) return ca;
      }
    }
    return undefined;
  }

  /** DER of the current CRL of `ca`; a fresh one is issued every hour. */
  async crl(ca: 'root' | 'signing-ca', now = new Date()): Promise<Uint8Array> {
    const hit = this.crlCache.get(ca);
    if (hit && now.getTime() - hit.at < 3600_000 && now.getTime() >= hit.at) return hit.der;
    const crl = await createCrl(ca === 'root' ? this.root : this.signingCa, now);
    const der = new Uint8Array(crl.rawData);
    this.crlCache.set(ca, { der, at: now.getTime() });
    return der;
  }

  crlNameOf(issuer: Issuer): 'root' | 'signing-ca' {
    return issuer === this.root ? 'root' : 'signing-ca';
  }
}
