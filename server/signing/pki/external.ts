/**
 * An externally issued document-signing certificate (PEM chain + PEM private key, or a PKCS#12 file)
 * instead of the embedded one. Its revocation data for the DSS (OCSP through the AIA, else the CRL
 * distribution point) is fetched at conclusion (pki/revocation.ts); when it cannot be had the
 * conclusion fails and is retried rather than producing an incomplete B-LT. A chain whose certificates
 * name neither is refused when the service starts: no long-term-valid file could ever be made with it.
 */
import { execFileSync } from 'node:child_process';
import { FileKey } from '../keys/file-key.js';
import type { Identity } from './embedded-pki.js';
import { withoutRevocationPointers } from './revocation.js';
import { x509 } from './x509.js';

export interface ExternalPem {
  /** PEM certificates, the signing certificate first, then its issuers. */
  certificatePem: string;
  /** PEM private key (PKCS#8 or PKCS#1, unencrypted: protect the file, or use PKCS#11). */
  keyPem: string;
}

export interface ExternalPkcs12 {
  /** Path of the .p12/.pfx file. */
  pkcs12File: string;
  password: string;
}

/**
 * PKCS#12 → PEM through the openssl command line: it reads every PKCS#12 a CA or Windows exports
 * (PBES2/AES, and with -legacy the 3DES/RC2 files), which WebCrypto-based parsers cannot decrypt.
 * The password travels in the environment, never on the command line.
 */
export function pemFromPkcs12(p12: ExternalPkcs12): ExternalPem {
  const run = (extra: string[], legacy: boolean) =>
    execFileSync('openssl', ['pkcs12', '-in', p12.pkcs12File, '-passin', 'env:ESIGN_P12_PASSWORD', '-nodes', ...extra, ...(legacy ? ['-legacy'] : [])], {
      env: { ...process.env, ESIGN_P12_PASSWORD: p12.password },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const read = (extra: string[]) => {
    try {
      return run(extra, false);
    } catch {
      try {
        return run(extra, true);
      } catch (cause) {
        throw new Error(`cannot read PKCS#12 ${p12.pkcs12File} (wrong password or unsupported file)`, { cause });
      }
    }
  };
  const keyPem = read(['-nocerts']);
  const certs = read(['-nokeys', '-clcerts']) + read(['-nokeys', '-cacerts']);
  return { keyPem, certificatePem: certs };
}

export function externalIdentity(ext: ExternalPem | ExternalPkcs12): Identity {
  if ('pkcs12File' in ext) return externalIdentity(pemFromPkcs12(ext));
  const chain = x509.PemConverter.decode(ext.certificatePem).map((der) => new x509.X509Certificate(der));
  if (!chain.length) throw new Error('external signing certificate: no PEM certificate found');
  const key = FileKey.fromPkcs8(ext.keyPem);
  const certSpki = Buffer.from(chain[0].publicKey.rawData);
  if (!certSpki.equals(Buffer.from(key.spki))) throw new Error('external signing certificate does not match the private key');
  const blind = withoutRevocationPointers(chain);
  if (blind.length) {
    throw new Error(
      `external signing certificate chain: "${blind[0].subject}" names no OCSP responder (AIA) or CRL distribution point, so its revocation status cannot be embedded for long-term validation`,
    );
  }
  return { key, chain };
}
