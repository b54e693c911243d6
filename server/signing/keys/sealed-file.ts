/**
 * Private keys at rest: AES-256-GCM under the server's master key (DESIGN.md §4). File layout:
 * "ESK1" | 12-byte IV | 16-byte tag | ciphertext. The file name is bound in as additional data so a key
 * file cannot be swapped for another one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MAGIC = Buffer.from('ESK1');

function checkMasterKey(masterKey: Uint8Array) {
  if (masterKey.length !== 32) throw new Error(`the master key must be 32 bytes, got ${masterKey.length}`);
}

export function seal(masterKey: Uint8Array, plaintext: Uint8Array, label: string): Uint8Array {
  checkMasterKey(masterKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(label));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), ct]);
}

export function unseal(masterKey: Uint8Array, sealed: Uint8Array, label: string): Uint8Array {
  checkMasterKey(masterKey);
  const buf = Buffer.from(sealed);
  if (buf.length < 32 || !buf.subarray(0, 4).equals(MAGIC)) throw new Error(`${label}: not a sealed key file`);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, buf.subarray(4, 16));
  decipher.setAAD(Buffer.from(label));
  decipher.setAuthTag(buf.subarray(16, 32));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(32)), decipher.final()]));
  } catch (cause) {
    throw new Error(`${label}: cannot decrypt (wrong master key or damaged file)`, { cause });
  }
}

export async function writeSealed(file: string, masterKey: Uint8Array, plaintext: Uint8Array) {
  await writeFile(file, seal(masterKey, plaintext, path.basename(file)), { mode: 0o600 });
}

export async function readSealed(file: string, masterKey: Uint8Array): Promise<Uint8Array> {
  return unseal(masterKey, await readFile(file), path.basename(file));
}
