/** Shelling out to the independent checkers (pdfsig, qpdf, openssl, certutil, softhsm2-util). */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Fails (never skips) when a tool the test needs is missing: CI installs them. */
export function requireTool(name: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`]);
  if (r.status !== 0) throw new Error(`${name} is not installed; this test needs it (Debian: see docs/PADES.md)`);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: Uint8Array): RunResult {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'esign-sig-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, data: Uint8Array | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

/** An NSS database trusting `rootPem` as a CA, for pdfsig. */
export function nssDbTrusting(rootPem: string): string {
  requireTool('certutil');
  const dir = tempDir('esign-nss-');
  const root = writeTemp(dir, 'root.pem', rootPem);
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'esign-root', '-t', 'CT,C,C', '-i', root]);
  return `sql:${dir}`;
}

/** Async run: needed when the tool talks to an HTTP server living in this process (pdfsig → OCSP). */
export function runAsync(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') reject(err);
      else resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
