/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever write crosses
 * the threshold and fsyncs the database file there, synchronously: on this kind of disk that stalled
 * the server's only thread for up to seconds (the p99 of completions). The server turns automatic
 * checkpoints off and a worker thread, with its own connection, runs a PASSIVE checkpoint (which never
 * blocks writers) every second.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next tick */ } };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); tick(); db.close(); parentPort.close(); });
`;

export function startCheckpointer(file: string, intervalMs = 1000): () => Promise<void> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, intervalMs, module } });
  worker.unref();
  return async () => {
    const exited = once(worker, 'exit');
    worker.postMessage('stop');
    await exited;
  };
}
