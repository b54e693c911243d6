/**
 * Encrypted blobs (DESIGN.md §4): every document has its own random data key, stored wrapped by the
 * master key (AES-256-GCM) in the documents table; each revision of the document is a blob encrypted
 * with that data key. The store interface hides the disk so S3-compatible storage can replace it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileDurablyAsync } from './durable-file.js';

const MAGIC = Buffer.from('ESB1');

export interface BlobStore {
  /**
   * Encrypts and durably writes; resolves to the new blob's id once it is on disk. The plaintext may
   * come in parts (a document and the revision just appended to it), encrypted as one without joining.
   */
  put(dataKey: Buffer, plaintext: Uint8Array | readonly Uint8Array[]): Promise<string>;
  get(dataKey: Buffer, id: string): Buffer;
  exists(id: string): boolean;
  remove(id: string): void;
}

export function seal(key: Buffer, plaintext: Uint8Array | readonly Uint8Array[], aad: string): Buffer {
  const parts = plaintext instanceof Uint8Array ? [plaintext] : plaintext;
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(32 + size);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  let at = 32;
  for (const part of parts) at += cipher.update(part).copy(out, at);
  at += cipher.final().copy(out, at);
  MAGIC.copy(out, 0);
  iv.copy(out, 4);
  cipher.getAuthTag().copy(out, 16);
  return out.subarray(0, at);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 32 || !sealed.subarray(0, 4).equals(MAGIC)) throw new Error('not an encrypted blob');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(4, 16));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(16, 32));
  return Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]);
}

/** A fresh data key and its wrapped (master-key-encrypted) form, base64, for the documents table. */
export function newDataKey(masterKey: Buffer): { dataKey: Buffer; wrapped: string } {
  const dataKey = randomBytes(32);
  return { dataKey, wrapped: seal(masterKey, dataKey, 'data-key').toString('base64') };
}

export function unwrapDataKey(masterKey: Buffer, wrapped: string): Buffer {
  return open(masterKey, Buffer.from(wrapped, 'base64'), 'data-key');
}

export class DiskBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private file(id: string) {
    if (!/^[a-f0-9]{32}$/.test(id)) throw new Error(`bad blob id ${id}`);
    return path.join(this.dir, id.slice(0, 2), id);
  }

  async put(dataKey: Buffer, plaintext: Uint8Array | readonly Uint8Array[]): Promise<string> {
    const id = randomBytes(16).toString('hex');
    await writeFileDurablyAsync(this.file(id), seal(dataKey, plaintext, id));
    return id;
  }

  get(dataKey: Buffer, id: string): Buffer {
    return open(dataKey, readFileSync(this.file(id)), id);
  }

  exists(id: string) {
    return existsSync(this.file(id));
  }

  remove(id: string) {
    rmSync(this.file(id), { force: true });
  }
}
