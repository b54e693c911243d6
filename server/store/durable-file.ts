import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Write to a temporary name, fsync, rename into place, fsync the folder: all or nothing, even on a crash. */
export function writeFileDurably(file: string, data: Uint8Array | string, mode = 0o600): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Folders this process has made or found: a write into one skips the mkdir (one thread-pool trip fewer). */
const knownFolders = new Set<string>();

/** The same, off the event loop: fsync runs in libuv's thread pool, so requests keep flowing meanwhile. */
export async function writeFileDurablyAsync(file: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  if (!knownFolders.has(dir)) {
    await mkdir(dir, { recursive: true });
    knownFolders.add(dir);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'w', mode);
  } catch (err) {
    // The folder went away since (someone removed it): make it again.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true });
    fh = await open(tmp, 'w', mode);
  }
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
