import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionBytes, type PlacedField } from '../../server/signing/service.js';
import { checkEnvFor, checkSignedPdf, type CheckEnv } from './checks.js';
import { startPkiServer, type PkiServer } from './pki-server.js';
import { nssDbTrusting, requireTool, run, tempDir, writeTemp } from './tools.js';
import { samplePath } from '../helpers/shared-dir.js';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';

let srv: PkiServer;
let env: CheckEnv;
let dataDir: string;

beforeAll(async () => {
  for (const t of ['softhsm2-util', 'pdfsig', 'qpdf', 'openssl', 'certutil']) requireTool(t);
  if (!existsSync(MODULE)) throw new Error(`${MODULE} missing: install softhsm2`);
  const hsm = tempDir('esign-hsm-');
  const conf = path.join(hsm, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${hsm}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf; // read by the module at C_Initialize
  const init = run('softhsm2-util', ['--init-token', '--free', '--label', 'esign-test', '--pin', '1234', '--so-pin', '5678']);
  expect(init.status, init.stderr).toBe(0);
  dataDir = tempDir();
  srv = await startPkiServer({
    masterKey: randomBytes(32),
    dataDir,
    pkcs11: { module: MODULE, tokenLabel: 'esign-test', pin: '1234', keyId: 'a1', generateIfMissing: true },
  });
  env = checkEnvFor(srv);
});
afterAll(async () => srv?.close());

describe('document-signing key in an HSM (SoftHSM2 over PKCS#11)', () => {
  it('keeps the key on the token: no signer key file, and the certificate certifies the token key', () => {
    const files = readdirSync(path.join(dataDir, 'pki'));
    expect(files).not.toContain('signer.key');
    expect(files.some((f) => /^signer-[0-9a-f]{16}\.pem$/.test(f))).toBe(true);
    const cert = srv.signing.pki.signer.chain[0];
    expect(Buffer.from(cert.publicKey.rawData).equals(Buffer.from(srv.signing.pki.signer.key.spki))).toBe(true);
  });

  it('signs 1-, 2- and 3-recipient envelopes that pdfsig, qpdf and openssl accept', async () => {
    const s = srv.signing.service;
    for (const n of [1, 2, 3]) {
      const fields: PlacedField[] = Array.from({ length: n }, (_, i) => ({
        id: `f${i}`,
        name: `hsm${i}`,
        label: '署名日',
        type: 'text',
        required: true,
        page: 1,
        rect: { x: 300, y: 100 + 30 * i, width: 200, height: 20 },
        recipientId: `r${i}`,
      }));
      let pdf = await s.prepare({
        pdf: new Uint8Array(readFileSync(samplePath('ukesho.pdf'))),
        documentId: 'd',
        certificateId: randomBytes(16).toString('hex'),
        fields,
      });
      let hashState: string | null = null;
      for (let i = 0; i < n; i++) {
        const signed = await s.approve({
          pdf,
          hashState,
          documentId: 'd',
          signerName: `署名者 ${i + 1}`,
          signerEmail: `s${i}@example.jp`,
          approvedAt: new Date(),
          fieldValues: [{ field: fields[i], value: `令和8年${i + 1}月` }],
        });
        pdf = revisionBytes(signed);
        hashState = signed.hashState;
      }
      const final = await s.conclude({ pdf, documentId: 'd' });
      await checkSignedPdf(env, final, { approvals: n, docTimestamps: 1 });
    }
  });
});
