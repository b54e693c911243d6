import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfDict, PdfRef, PdfStream, openPdf, type PdfDocument } from '../../shared/pdf/index.js';
import { verifyPdf } from '../../shared/verify/index.js';
import { createSigningService, type Signing } from '../../server/signing/index.js';
import { revisionBytes } from '../../server/signing/service.js';
import { startExternalCa, type ExternalCa } from './external-ca.js';
import { pdfsigBlocks } from './checks.js';
import { findSignatures } from './signatures.js';
import { nssDbTrusting, requireTool, run, runAsync, tempDir, writeTemp } from './tools.js';
import { samplePath } from '../helpers/shared-dir.js';

/**
 * Chains the embedded CA did not issue: an outside signing certificate (PEM or PKCS#12) and an outside
 * TSA, each from a CA with its own OCSP responder and CRLs on a local HTTP server (external-ca.ts).
 * At conclusion their revocation data is fetched (OCSP through the AIA, else the CRL) into the DSS;
 * when it cannot be had the conclusion fails clearly and succeeds when retried.
 */
let dir: string;
let ext: ExternalCa;

beforeAll(async () => {
  for (const t of ['openssl', 'pdfsig', 'certutil']) requireTool(t);
  dir = tempDir('esign-ext-');
  ext = await startExternalCa();
});
afterAll(async () => ext?.close());

const sample = () => new Uint8Array(readFileSync(samplePath('ukesho.pdf')));

/** Runs `fn` with the outside CA's `services` answering 503, and brings them back up whatever happens. */
async function whileDown<T>(services: (keyof ExternalCa['state'])[], fn: () => Promise<T>): Promise<T> {
  for (const s of services) ext.state[s] = 'down';
  try {
    return await fn();
  } finally {
    for (const s of services) ext.state[s] = 'up';
  }
}

async function approved(signing: Signing): Promise<Uint8Array> {
  return revisionBytes(await signing.service.approve({ pdf: sample(), documentId: 'd', signerName: '山田 太郎', signerEmail: 'taro@example.jp', approvedAt: new Date(), fieldValues: [] }));
}

/** The DSS's streams, decoded, by key; and the VRI entry of a signature as lists of decoded streams. */
function dssOf(doc: PdfDocument) {
  const dss = doc.dict(doc.catalog().get('DSS'))!;
  const decode = (list: unknown) => ((doc.resolve(list as never) as PdfRef[] | undefined) ?? []).map((r) => Buffer.from((doc.resolve(r) as PdfStream).decode()));
  return {
    certs: decode(dss.get('Certs')),
    crls: decode(dss.get('CRLs')),
    ocsps: decode(dss.get('OCSPs')),
    vri(contents: Uint8Array) {
      const key = createHash('sha1').update(contents).digest('hex').toUpperCase();
      const e = doc.dict(doc.dict(dss.get('VRI'))?.get(key));
      return e instanceof PdfDict ? { certs: decode(e.get('Cert')), crls: decode(e.get('CRL')), ocsps: decode(e.get('OCSP')) } : undefined;
    },
  };
}

/** The /Contents value bytes of a signature field (what the VRI key hashes). */
function contentsOf(doc: PdfDocument, field: string): Uint8Array {
  const f = doc.fields().find((x) => x.name === field)!;
  return (doc.dict(f.dict.get('V'))!.get('Contents') as { bytes: Uint8Array }).bytes;
}

/** openssl's reading of an embedded OCSP response about `certPem` issued by `issuerPem`. */
function ocspStatus(resp: Uint8Array, certPem: string, issuerPem: string, trustPem: string): string {
  const r = run('openssl', [
    'ocsp', '-respin', writeTemp(dir, `r${randomBytes(3).toString('hex')}.der`, resp),
    '-issuer', writeTemp(dir, 'issuer.pem', issuerPem), '-cert', writeTemp(dir, 'cert.pem', certPem),
    '-CAfile', writeTemp(dir, 'trust.pem', trustPem),
  ]);
  return r.stdout + r.stderr;
}

describe('an externally issued signing certificate', () => {
  const pem = () => ({ certificatePem: ext.chainPem(), keyPem: ext.signer.keyPem });

  it('signs with a PEM chain; the conclusion embeds OCSP from its AIA responder and CRLs, named in the VRI; pdfsig, openssl and our verifier accept it', async () => {
    const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: pem() });
    const before = ext.hits.ocsp;
    const pdf = await signing.service.conclude({ pdf: await approved(signing), documentId: 'd' });
    expect(ext.hits.ocsp).toBeGreaterThan(before);

    const [approval] = findSignatures(pdf);
    const sig = writeTemp(dir, 'sig.p7s', approval.der);
    const data = writeTemp(dir, 'data.bin', approval.signedBytes);
    const rootFile = writeTemp(dir, 'ext-root.pem', ext.root.toString('pem'));
    const v = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', rootFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(v.stderr).toContain('Verification successful');
    expect(run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]).stdout).toContain('Outside Document Signer');

    const doc = openPdf(pdf);
    const dss = dssOf(doc);
    const has = (list: Buffer[], der: ArrayBuffer) => list.some((c) => c.equals(Buffer.from(der)));
    for (const c of [ext.signer.cert, ext.ca, ext.root]) expect(has(dss.certs, c.rawData), c.subject).toBe(true);
    // The signer's status from the outside responder, "good" as openssl reads it against the outside root.
    const chainPem = ext.ca.toString('pem') + '\n' + ext.root.toString('pem');
    const good = dss.ocsps.filter((o) => /: good/.test(ocspStatus(o, ext.signer.cert.toString('pem'), ext.ca.toString('pem'), chainPem)));
    expect(good, 'an OCSP response for the outside signer').toHaveLength(1);
    expect(ocspStatus(good[0], ext.signer.cert.toString('pem'), ext.ca.toString('pem'), chainPem)).toContain('Response verify OK');
    // The issuing CA (CRL distribution point only) is covered by the root's CRL.
    const rootCrl = writeTemp(dir, 'ext-root-crl.pem', ext.root.toString('pem'));
    const crlIssuers = dss.crls.map((c) => run('openssl', ['crl', '-inform', 'DER', '-in', writeTemp(dir, 'c.crl', c), '-noout', '-issuer', '-CAfile', rootCrl]).stdout);
    expect(crlIssuers.some((i) => i.includes('Outside Trust Root'))).toBe(true);

    // VRI of the approval: the outside chain, its OCSP response and the root's CRL; the TSA's too.
    const vri = dss.vri(contentsOf(doc, approval.field))!;
    expect(vri, 'a VRI entry keyed by the SHA-1 of /Contents').toBeDefined();
    expect(has(vri.certs, ext.signer.cert.rawData) && has(vri.certs, ext.ca.rawData)).toBe(true);
    expect(vri.ocsps.some((o) => o.equals(good[0]))).toBe(true);
    expect(vri.certs.length).toBeGreaterThanOrEqual(5); // outside signer, CA, root + embedded TSA and its CA

    // pdfsig trusting the outside root (its online OCSP check reaches the outside responder).
    const nss = nssDbTrusting(ext.root.toString('pem'));
    const blocks = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', nss, writeTemp(dir, 'ext.pdf', pdf)])).stdout);
    expect(blocks[0]).toContain('Signature Validation: Signature is Valid.');
    expect(blocks[0]).toContain('Certificate Validation: Certificate is Trusted.');

    // Our verifier, trusting the outside root (signer) and the embedded root (TSA), offline.
    const report = await verifyPdf(pdf, { trustAnchors: [new Uint8Array(ext.root.rawData), new Uint8Array(signing.pki.root.cert.rawData)] });
    const s = report.signatures.find((x) => x.field === approval.field)!;
    expect(s.integrity).toBe('valid');
    expect(s.trust).toBe('trusted');
    expect(s.ltv, JSON.stringify(s.ltv)).toMatchObject({ enabled: true, missing: [] });
    expect(report.verdict, JSON.stringify(report.signatures.map((x) => [x.field, x.problems]))).toBe('valid');
  });

  it('signs with a PKCS#12 file the same way', async () => {
    writeTemp(dir, 'p12-key.pem', ext.signer.keyPem);
    writeTemp(dir, 'p12-chain.pem', ext.chainPem());
    const p12 = path.join(dir, 'leaf.p12');
    const r = run('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'p12-key.pem'), '-in', path.join(dir, 'p12-chain.pem'), '-passout', 'pass:s3cret', '-out', p12]);
    expect(r.status, r.stderr).toBe(0);
    const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: { pkcs12File: p12, password: 's3cret' } });
    const pdf = await signing.service.conclude({ pdf: await approved(signing), documentId: 'd' });
    const doc = openPdf(pdf);
    const [approval] = findSignatures(pdf);
    const vri = dssOf(doc).vri(contentsOf(doc, approval.field))!;
    expect(vri.certs.some((c) => c.equals(Buffer.from(ext.signer.cert.rawData)))).toBe(true);
    expect(vri.ocsps.length).toBeGreaterThanOrEqual(2); // the outside signer's, the embedded TSA's
  });

  it('fails the conclusion clearly when neither OCSP nor CRL can be had, and succeeds when retried', async () => {
    const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: pem() });
    const pdf = await approved(signing);
    await whileDown(['ocsp', 'crl'], () =>
      expect(signing.service.conclude({ pdf, documentId: 'd' })).rejects.toMatchObject({
        name: 'SigningUnavailableError',
        message: expect.stringMatching(/revocation status of "CN=Outside Document Signer.*could not be obtained.*OCSP http:\/\/127\.0\.0\.1:\d+\/ocsp: HTTP 503.*CRL http:\/\/127\.0\.0\.1:\d+\/crl\/ca\.crl: HTTP 503/),
      }),
    );
    const retried = await signing.service.conclude({ pdf, documentId: 'd' });
    expect(findSignatures(retried).map((s) => s.subFilter)).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);
  });

  it('falls back to the CRL when the OCSP responder is down', async () => {
    const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: pem() });
    const approvedPdf = await approved(signing);
    const pdf = await whileDown(['ocsp'], () => signing.service.conclude({ pdf: approvedPdf, documentId: 'd' }));
    const doc = openPdf(pdf);
    const dss = dssOf(doc);
    const caFile = writeTemp(dir, 'ext-ca.pem', ext.ca.toString('pem'));
    const caCrls = dss.crls.filter((c) => run('openssl', ['crl', '-inform', 'DER', '-in', writeTemp(dir, 'c2.crl', c), '-noout', '-CAfile', caFile]).stderr.includes('verify OK'));
    expect(caCrls, 'the issuing CA’s CRL').toHaveLength(1);
    const vri = dssOf(doc).vri(contentsOf(doc, findSignatures(pdf)[0].field))!;
    expect(vri.crls.some((c) => c.equals(caCrls[0]))).toBe(true);
  });

  it('refuses to conclude with a revoked signing certificate', async () => {
    const other = await startExternalCa();
    try {
      const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external: { certificatePem: other.chainPem(), keyPem: other.signer.keyPem } });
      const pdf = await approved(signing);
      other.revoke(other.signer.cert);
      await expect(signing.service.conclude({ pdf, documentId: 'd' })).rejects.toMatchObject({ name: 'SigningUnavailableError', message: expect.stringMatching(/Outside Document Signer.*revoked \(OCSP\)/) });
      other.state.ocsp = 'down';
      await expect(signing.service.conclude({ pdf, documentId: 'd' })).rejects.toThrow(/revoked \(CRL\)/);
    } finally {
      await other.close();
    }
  });

  it('refuses at start a chain that names no OCSP responder or CRL, a PKCS#12 with the wrong password, and a key that does not match', async () => {
    const o = (args: string[]) => expect(run('openssl', args).status).toBe(0);
    const f = (n: string) => path.join(dir, n);
    writeTemp(dir, 'bare.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n');
    o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('bare-ca.key'), '-out', f('bare-ca.pem'), '-days', '30', '-subj', '/CN=Bare Root/O=Outside']);
    o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('bare.key'), '-out', f('bare.csr'), '-subj', '/CN=Bare Signer/O=Outside']);
    o(['x509', '-req', '-in', f('bare.csr'), '-CA', f('bare-ca.pem'), '-CAkey', f('bare-ca.key'), '-CAcreateserial', '-out', f('bare.pem'), '-days', '30', '-extfile', f('bare.ext')]);
    o(['pkcs12', '-export', '-inkey', f('bare.key'), '-in', f('bare.pem'), '-certfile', f('bare-ca.pem'), '-passout', 'pass:s3cret', '-out', f('bare.p12')]);
    const start = (external: Parameters<typeof createSigningService>[0]['external']) => createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), external });
    await expect(start({ certificatePem: readFileSync(f('bare.pem'), 'utf8') + readFileSync(f('bare-ca.pem'), 'utf8'), keyPem: readFileSync(f('bare.key'), 'utf8') })).rejects.toThrow(
      /"CN=Bare Signer, O=Outside" names no OCSP responder \(AIA\) or CRL distribution point/,
    );
    await expect(start({ pkcs12File: f('bare.p12'), password: 'nope' })).rejects.toThrow(/wrong password/);
    await expect(start({ certificatePem: ext.chainPem(), keyPem: readFileSync(f('bare.key'), 'utf8') })).rejects.toThrow(/does not match/);
  });
});

describe('an external TSA', () => {
  it('gets its chain (issuer from the AIA caIssuers) and OCSP response into the DSS and the VRI, and fails the conclusion (retryably) when its status is unreachable', async () => {
    const signing = await createSigningService({ dataDir: tempDir(), masterKey: randomBytes(32), tsaUrl: `${ext.url}/tsa` });
    const pdf = await approved(signing);
    await whileDown(['ocsp', 'crl'], () =>
      expect(signing.service.conclude({ pdf, documentId: 'd' })).rejects.toMatchObject({
        name: 'SigningUnavailableError',
        message: expect.stringMatching(/"CN=Outside Time Stamping.*could not be obtained/),
      }),
    );
    const caFetches = ext.hits.caIssuers;
    const final = await signing.service.conclude({ pdf, documentId: 'd' });
    const doc = openPdf(final);
    const dss = dssOf(doc);
    expect(dss.certs.some((c) => c.equals(Buffer.from(ext.tsa.cert.rawData)))).toBe(true);
    // Its tokens carry the TSA certificate alone: the issuing CA came from the AIA caIssuers URL.
    expect(ext.hits.caIssuers).toBeGreaterThan(caFetches);
    expect(dss.certs.some((c) => c.equals(Buffer.from(ext.ca.rawData)))).toBe(true);
    const chainPem = ext.ca.toString('pem') + '\n' + ext.root.toString('pem');
    const tsaOcsp = dss.ocsps.filter((o) => /: good/.test(ocspStatus(o, ext.tsa.cert.toString('pem'), ext.ca.toString('pem'), chainPem)));
    expect(tsaOcsp, 'an OCSP response for the outside TSA').toHaveLength(1);
    const [approval] = findSignatures(final);
    const vri = dss.vri(contentsOf(doc, approval.field))!;
    expect(vri.ocsps.some((o) => o.equals(tsaOcsp[0]))).toBe(true);
    expect(vri.certs.some((c) => c.equals(Buffer.from(ext.tsa.cert.rawData)))).toBe(true);
    const report = await verifyPdf(final, { trustAnchors: [new Uint8Array(ext.root.rawData), new Uint8Array(signing.pki.root.cert.rawData)] });
    expect(report.signatures.find((x) => x.field === approval.field)!.timestamp).toMatchObject({ status: 'valid', trust: 'trusted' });
  });
});
