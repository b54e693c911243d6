import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { x509 } from '../../server/signing/pki/x509.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPki } from '../../server/signing/pki/embedded-pki.js';
import { OcspResponder } from '../../server/signing/pki/ocsp.js';
import { createTimestamper } from '../../server/signing/tsa/timestamper.js';
import { TimestampAuthority } from '../../server/signing/tsa/authority.js';
import { createCadesSignature } from '../../server/signing/cms/cades.js';
import { requireTool, run, tempDir, writeTemp } from './tools.js';

const masterKey = randomBytes(32);
let dataDir: string;
let pki: EmbeddedPki;
let work: string;
let rootFile: string;
let caFile: string;

beforeAll(async () => {
  dataDir = tempDir();
  work = tempDir();
  pki = await EmbeddedPki.open({ dataDir, masterKey, publicUrl: 'http://localhost:8787' });
  rootFile = writeTemp(work, 'root.pem', pki.rootPem());
  caFile = writeTemp(work, 'ca.pem', pki.signingCa.cert.toString('pem'));
});

describe('embedded PKI', () => {
  it('creates root → signing CA → signer, TSA and OCSP certificates that openssl verifies', () => {
    requireTool('openssl');
    for (const id of [pki.signer, pki.tsa, pki.ocspResponder]) {
      const leaf = writeTemp(work, 'leaf.pem', id.chain[0].toString('pem'));
      const r = run('openssl', ['verify', '-CAfile', rootFile, '-untrusted', caFile, '-purpose', 'any', leaf]);
      expect(r.stdout + r.stderr).toContain(': OK');
    }
  });

  it('keeps private keys only sealed with the master key and reloads the same PKI', async () => {
    const files = readdirSync(path.join(dataDir, 'pki'));
    expect(files.filter((f) => f.endsWith('.key')).sort()).toEqual(['ocsp.key', 'root.key', 'signer.key', 'signing-ca.key', 'tsa.key']);
    for (const f of files.filter((f) => f.endsWith('.key'))) {
      const raw = readFileSync(path.join(dataDir, 'pki', f));
      expect(raw.subarray(0, 4).toString()).toBe('ESK1');
      expect(raw.includes(Buffer.from([0x02, 0x01, 0x00, 0x02, 0x82]))).toBe(false); // no cleartext PKCS#1/8 header
    }
    const again = await EmbeddedPki.open({ dataDir, masterKey, publicUrl: 'http://localhost:8787' });
    expect(again.rootPem()).toBe(pki.rootPem());
    expect(again.signer.chain[0].serialNumber).toBe(pki.signer.chain[0].serialNumber);
    await expect(EmbeddedPki.open({ dataDir, masterKey: randomBytes(32), publicUrl: 'x' })).rejects.toThrow(/wrong master key/);
  });

  it('gives the TSA certificate a critical timeStamping-only EKU and the signer documentSigning', () => {
    const eku = pki.tsa.chain[0].getExtension(x509.ExtendedKeyUsageExtension)!;
    expect(eku.critical).toBe(true);
    expect(eku.usages).toEqual(['1.3.6.1.5.5.7.3.8']);
    const signerEku = pki.signer.chain[0].getExtension(x509.ExtendedKeyUsageExtension)!;
    expect(signerEku.usages).toContain('1.3.6.1.5.5.7.3.36');
    const bc = pki.signingCa.cert.getExtension(x509.BasicConstraintsExtension)!;
    expect(bc.pathLength).toBe(0);
  });

  it('names the service URL in the subjectAltName of the document signer and TSA, not in the CAs', () => {
    for (const c of [pki.signer.chain[0], pki.tsa.chain[0]]) {
      const san = c.getExtension(x509.SubjectAlternativeNameExtension);
      expect(san?.names.items.map((n) => [n.type, n.value]), c.subject).toEqual([['url', 'http://localhost:8787']]);
    }
    for (const c of [pki.root.cert, pki.signingCa.cert]) expect(c.getExtension(x509.SubjectAlternativeNameExtension), c.subject).toBeNull();
  });

  it('issues CRLs that openssl verifies against their CA', async () => {
    requireTool('openssl');
    for (const [name, ca] of [['root', rootFile], ['signing-ca', caFile]] as const) {
      const crl = writeTemp(work, `${name}.crl`, await pki.crl(name));
      const r = run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', ca, '-noout', '-text']);
      expect(r.stderr + r.stdout).toContain('verify OK');
      expect(r.stdout).toContain('No Revoked Certificates');
    }
  });

  it('answers OCSP requests with a good status that openssl ocsp verifies', async () => {
    requireTool('openssl');
    const signerFile = writeTemp(work, 'signer.pem', pki.signer.chain[0].toString('pem'));
    const reqFile = path.join(work, 'req.der');
    run('openssl', ['ocsp', '-issuer', caFile, '-cert', signerFile, '-reqout', reqFile, '-no_nonce']);
    const resp = await new OcspResponder(pki).respond(readFileSync(reqFile));
    const respFile = writeTemp(work, 'resp.der', resp);
    const chain = writeTemp(work, 'chain.pem', pki.signingCa.cert.toString('pem') + '\n' + pki.rootPem());
    const r = run('openssl', ['ocsp', '-respin', respFile, '-CAfile', chain, '-issuer', caFile, '-cert', signerFile]);
    expect(r.stdout + r.stderr).toContain('Response verify OK');
    expect(r.stdout).toMatch(/signer\.pem: good/);
    const offline = writeTemp(work, 'resp2.der', await new OcspResponder(pki).responseFor(pki.tsa.chain[0]));
    const tsaFile = writeTemp(work, 'tsa.pem', pki.tsa.chain[0].toString('pem'));
    const r2 = run('openssl', ['ocsp', '-respin', offline, '-CAfile', chain, '-issuer', caFile, '-cert', tsaFile]);
    expect(r2.stdout + r2.stderr).toContain('Response verify OK');
    expect(r2.stdout).toMatch(/tsa\.pem: good/);
  });
});

describe('embedded TSA', () => {
  it('grants tokens that openssl ts -verify accepts for the stamped data', async () => {
    requireTool('openssl');
    const data = randomBytes(1000);
    const token = await createTimestamper((req) => new TimestampAuthority(pki.tsa).respond(req), 'embedded').timestamp(data);
    const tokenFile = writeTemp(work, 'token.der', token);
    const dataFile = writeTemp(work, 'data.bin', data);
    const r = run('openssl', ['ts', '-verify', '-in', tokenFile, '-token_in', '-data', dataFile, '-CAfile', rootFile, '-untrusted', caFile]);
    expect(r.stdout + r.stderr).toContain('Verification: OK');
    const other = writeTemp(work, 'other.bin', randomBytes(1000));
    const bad = run('openssl', ['ts', '-verify', '-in', tokenFile, '-token_in', '-data', other, '-CAfile', rootFile, '-untrusted', caFile]);
    expect(bad.stdout + bad.stderr).toContain('Verification: FAILED');
  });

  it('answers an openssl-made query over the wire format with nonce and certificates', async () => {
    requireTool('openssl');
    const dataFile = writeTemp(work, 'q.bin', randomBytes(64));
    const query = path.join(work, 'q.tsq');
    run('openssl', ['ts', '-query', '-data', dataFile, '-sha256', '-cert', '-out', query]);
    const resp = writeTemp(work, 'q.tsr', await new TimestampAuthority(pki.tsa).respond(readFileSync(query)));
    const r = run('openssl', ['ts', '-verify', '-in', resp, '-queryfile', query, '-CAfile', rootFile, '-untrusted', caFile]);
    expect(r.stdout + r.stderr).toContain('Verification: OK');
  });

  it('refuses garbage with a rejection, and the client turns it into SigningUnavailableError', async () => {
    const resp = await new TimestampAuthority(pki.tsa).respond(new Uint8Array([1, 2, 3]));
    const ts = createTimestamper(async () => resp, 'garbage-echo');
    await expect(ts.timestamp(new Uint8Array([1]))).rejects.toMatchObject({ name: 'SigningUnavailableError' });
    const down = createTimestamper(async () => {
      throw new Error('ECONNREFUSED');
    }, 'down');
    await expect(down.timestamp(new Uint8Array([1]))).rejects.toThrow(/unreachable/);
  });

  it('rejects a token whose imprint does not match the request', async () => {
    const authority = new TimestampAuthority(pki.tsa);
    let otherResponse: Uint8Array = new Uint8Array();
    await createTimestamper(async (r) => (otherResponse = await authority.respond(r)), 'x').timestamp(new Uint8Array([9]));
    const replaying = createTimestamper(async () => otherResponse, 'replaying');
    await expect(replaying.timestamp(new Uint8Array([1, 2, 3]))).rejects.toThrow(/imprint does not match/);
  });
});

describe('CAdES signature', () => {
  it('is a detached CMS with signing-certificate-v2, no signing-time, a timestamp, verified by openssl cms', async () => {
    requireTool('openssl');
    const content = randomBytes(5000);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(content).digest();
    const ts = createTimestamper((req) => new TimestampAuthority(pki.tsa).respond(req), 'embedded');
    const cms = await createCadesSignature(digest, pki.signer, ts);
    const sigFile = writeTemp(work, 'sig.p7s', cms);
    const dataFile = writeTemp(work, 'content.bin', content);
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigFile, '-content', dataFile, '-CAfile', rootFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(r.stderr).toContain('Verification successful');
    const dump = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sigFile]).stdout;
    expect(dump).toContain('id-smime-aa-signingCertificateV2');
    expect(dump).toContain('id-smime-aa-timeStampToken');
    expect(dump).not.toContain('signingTime');
    expect(dump).toMatch(/digestAlgorithm:\s*\n\s*algorithm: sha256/);
  });
});
