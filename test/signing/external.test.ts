import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../shared/pdf/index.js';
import { createSigningService } from '../../server/signing/index.js';
import { findSignatures } from './signatures.js';
import { requireTool, run, tempDir, writeTemp } from './tools.js';
import { samplePath } from '../helpers/shared-dir.js';

/** An outside CA made with openssl: root → signer, the signer exported as PEM and as PKCS#12. */
let dir: string;
beforeAll(() => {
  requireTool('openssl');
  dir = tempDir('esign-ext-');
  const o = (args: string[]) => {
    const r = run('openssl', args);
    expect(r.status, r.stderr).toBe(0);
  };
  const f = (n: string) => path.join(dir, n);
  writeTemp(dir, 'leaf.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectAltName=email:sign@outside.example.jp\n');
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=Outside Test Root/O=Outside']);
  o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=Outside Signer/O=Outside']);
  o(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '30', '-extfile', f('leaf.ext')]);
  o(['pkcs12', '-export', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-certfile', f('ca.pem'), '-passout', 'pass:s3cret', '-out', f('leaf.p12')]);
});

async function signWith(external: Parameters<typeof createSigningService>[0]['external']) {
  const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external });
  let pdf = await signing.service.approve({
    pdf: new Uint8Array(readFileSync(samplePath('ukesho.pdf'))),
    documentId: 'd',
    signerName: '山田 太郎',
    signerEmail: 'taro@example.jp',
    approvedAt: new Date(),
    fieldValues: [],
  });
  pdf = await signing.service.conclude({ pdf, documentId: 'd' });
  const [approval] = findSignatures(pdf);
  const sig = writeTemp(dir, 'sig.p7s', approval.der);
  const data = writeTemp(dir, 'data.bin', approval.signedBytes);
  const v = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
  expect(v.stderr).toContain('Verification successful');
  const signer = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]).stdout;
  expect(signer).toContain('Outside Signer');
  // The DSS carries the outside chain next to the embedded TSA's.
  const doc = openPdf(pdf);
  const certs = doc.resolve(doc.dict(doc.catalog().get('DSS'))!.get('Certs')) as unknown[];
  expect(certs.length).toBeGreaterThanOrEqual(2 + 4);
}

describe('an externally issued signing certificate', () => {
  it('signs with a PEM certificate chain and key', async () => {
    await signWith({
      certificatePem: readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
      keyPem: readFileSync(path.join(dir, 'leaf.key'), 'utf8'),
    });
  });

  it('signs with a PKCS#12 file', async () => {
    await signWith({ pkcs12File: path.join(dir, 'leaf.p12'), password: 's3cret' });
  });

  it('refuses a PKCS#12 file with the wrong password, and a key that does not match the certificate', async () => {
    await expect(createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: { pkcs12File: path.join(dir, 'leaf.p12'), password: 'nope' } })).rejects.toThrow(/wrong password/);
    await expect(
      createSigningService({
        dataDir: tempDir(),
        masterKey: randomBytes(32),
        external: { certificatePem: readFileSync(path.join(dir, 'leaf.pem'), 'utf8'), keyPem: readFileSync(path.join(dir, 'ca.key'), 'utf8') },
      }),
    ).rejects.toThrow(/does not match/);
  });
});
