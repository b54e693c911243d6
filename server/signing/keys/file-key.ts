/** The default key provider: an RSA private key held in memory, loaded from an encrypted key file. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import type { SigningKey } from './signing-key.js';

export class FileKey implements SigningKey {
  readonly spki: Uint8Array;
  private readonly key: KeyObject;

  private constructor(key: KeyObject) {
    this.key = key;
    this.spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  }

  static generate(): FileKey {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    return new FileKey(privateKey);
  }

  /** From PKCS#8 DER (or PEM text of PKCS#8 / PKCS#1). */
  static fromPkcs8(pkcs8: Uint8Array | string): FileKey {
    const key =
      typeof pkcs8 === 'string'
        ? createPrivateKey(pkcs8)
        : createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`only RSA keys are supported, got ${key.asymmetricKeyType}`);
    return new FileKey(key);
  }

  static fromKeyObject(key: KeyObject): FileKey {
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`only RSA keys are supported, got ${key.asymmetricKeyType}`);
    return new FileKey(key);
  }

  pkcs8(): Uint8Array {
    return new Uint8Array(this.key.export({ type: 'pkcs8', format: 'der' }));
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign('sha256', data, this.key));
  }

  /** A WebCrypto handle, for @peculiar/x509 when this key issues certificates or CRLs. */
  cryptoKey(): Promise<CryptoKey> {
    return webcrypto.subtle.importKey('pkcs8', this.pkcs8(), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'sign',
    ]);
  }
}
