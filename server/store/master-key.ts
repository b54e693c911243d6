import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileDurably } from './durable-file.js';

/**
 * The master key wraps every document's data key and the embedded PKI's private keys. From `MASTER_KEY`
 * (32 bytes, base64) when set, else `DATA_DIR/master.key`, created on first start with mode 0600.
 */
export function loadMasterKey(dataDir: string, fromEnv: string | null): Buffer {
  if (fromEnv) return decodeKey(fromEnv, 'MASTER_KEY');
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) return decodeKey(readFileSync(file, 'utf8').trim(), file);
  const key = randomBytes(32);
  writeFileDurably(file, key.toString('base64') + '\n', 0o600);
  return key;
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where}: the master key must be 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}
