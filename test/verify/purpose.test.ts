/**
 * Certificate purposes and CA rules (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12, §6.1.4; RFC 3161 §2.3;
 * RFC 6960 §4.2.2.2): a certificate that chains to the trust list still has to be meant for what it did.
 */
import 'reflect-metadata'; // @peculiar/x509's tsyringe needs it before it loads
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { simplePdf } from '../pdf/helpers/build.js';
import { issue, makeCrl, makePki, type Party, type Pki } from './helpers/pki.js';
import { addDss, ocspResponse, signPdf } from './helpers/signer.js';

let pki: Pki;
const KU = x509.KeyUsageFlags;

beforeAll(async () => {
  pki = await makePki();
});

function codes(r: VerificationReport): string[] {
  return [...r.problems, ...r.signatures.flatMap((s) => s.problems)].map((p) => p.code);
}

function detail(r: VerificationReport, code: string): string | undefined {
  return r.signatures.flatMap((s) => s.problems).find((p) => p.code === code)?.message.en;
}

async function signedBy(signer: Party, extra: { dssCerts?: Uint8Array[]; timestamp?: boolean; tsa?: Party } = {}): Promise<VerificationReport> {
  let pdf = await signPdf(simplePdf(1), { pki: { ...pki, signer, tsa: extra.tsa ?? pki.tsa }, field: 'S', timestamp: extra.timestamp });
  if (extra.dssCerts) pdf = addDss(pdf, { certs: extra.dssCerts });
  return verifyPdf(pdf, { trustAnchors: [pki.root.der] });
}

describe('the signer certificate', () => {
  it('signs documents with digitalSignature or nonRepudiation, and any document-signing extended key usage or none', async () => {
    for (const [ku, eku] of [
      [KU.nonRepudiation, undefined],
      [KU.digitalSignature, ['1.3.6.1.5.5.7.3.4']],
      [null, ['1.3.6.1.4.1.311.10.3.12', '1.3.6.1.5.5.7.3.2']],
      [KU.digitalSignature | KU.keyEncipherment, ['2.5.29.37.0']],
    ] as const) {
      const signer = await issue(pki.root, 'CN=Signer, O=Esign Witness Test', { keyUsage: ku, eku: eku ? [...eku] : undefined });
      const r = await signedBy(signer);
      expect(r.verdict, `${ku} ${eku}`).toBe('valid');
    }
  });

  it('is not valid when its key usage is only for encryption', async () => {
    const signer = await issue(pki.root, 'CN=Encryption Only, O=Esign Witness Test', { keyUsage: KU.keyEncipherment });
    const r = await signedBy(signer);
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[0].trust).toBe('untrusted');
    expect(detail(r, 'certificate-purpose')).toContain('neither digitalSignature nor nonRepudiation');
  });

  it('is not valid when its extended key usage is for TLS servers only', async () => {
    const signer = await issue(pki.root, 'CN=www.example.jp', { eku: ['1.3.6.1.5.5.7.3.1'] });
    const r = await signedBy(signer);
    expect(r.verdict).toBe('invalid');
    expect(detail(r, 'certificate-purpose')).toContain('does not include document signing');
  });

  it('is not valid with a critical extension the verifier does not know', async () => {
    const signer = await issue(pki.root, 'CN=Odd Signer', { extensions: [new x509.Extension('1.3.6.1.4.1.99999.7', true, new Uint8Array([5, 0]))] });
    const r = await signedBy(signer);
    expect(r.verdict).toBe('invalid');
    expect(detail(r, 'chain-invalid')).toContain('unrecognised critical extension 1.3.6.1.4.1.99999.7');
    // The same extension marked non-critical may be ignored.
    const relaxed = await issue(pki.root, 'CN=Odd Signer', { extensions: [new x509.Extension('1.3.6.1.4.1.99999.7', false, new Uint8Array([5, 0]))] });
    expect((await signedBy(relaxed)).verdict).toBe('valid');
  });
});

describe('the CAs in the chain', () => {
  const viaSubCa = async (opts: Parameters<typeof issue>[2]) => {
    const sub = await issue(pki.root, 'CN=Sub CA, O=Esign Witness Test', opts);
    const signer = await issue(sub, 'CN=Signer, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.36'] });
    return signedBy(signer, { dssCerts: [sub.der] });
  };

  it('accepts an intermediate CA that says it is one', async () => {
    const r = await viaSubCa({ ca: true });
    expect(r.signatures[0].chain).toHaveLength(3);
    expect(r.verdict).toBe('valid');
  });

  it('refuses an intermediate without basicConstraints, or with cA false', async () => {
    for (const opts of [{ noBasicConstraints: true, keyUsage: KU.keyCertSign }, { ca: false, keyUsage: KU.keyCertSign }]) {
      const r = await viaSubCa(opts);
      expect(r.signatures[0].chain).toHaveLength(3);
      expect(r.verdict).toBe('invalid');
      expect(detail(r, 'chain-invalid')).toContain('Sub CA is not a CA');
    }
  });

  it('refuses an intermediate whose key usage does not include keyCertSign', async () => {
    const r = await viaSubCa({ ca: true, keyUsage: KU.cRLSign | KU.digitalSignature });
    expect(r.verdict).toBe('invalid');
    expect(detail(r, 'chain-invalid')).toContain('does not allow signing certificates');
  });

  it('enforces pathLenConstraint: a CA allowed no CA below it cannot vouch through one', async () => {
    const top = await issue(pki.root, 'CN=Top CA, O=Esign Witness Test', { ca: true, pathLength: 0 });
    const below = await issue(top, 'CN=Below CA, O=Esign Witness Test', { ca: true });
    const signer = await issue(below, 'CN=Signer, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.36'] });
    const r = await signedBy(signer, { dssCerts: [top.der, below.der] });
    expect(r.signatures[0].chain).toHaveLength(4);
    expect(r.verdict).toBe('invalid');
    expect(detail(r, 'chain-invalid')).toContain('Top CA allows 0 CA certificate(s) below it');
    // pathLength 1 leaves room for it.
    const roomy = await issue(pki.root, 'CN=Top CA, O=Esign Witness Test', { ca: true, pathLength: 1 });
    const below2 = await issue(roomy, 'CN=Below CA, O=Esign Witness Test', { ca: true });
    const signer2 = await issue(below2, 'CN=Signer, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.36'] });
    expect((await signedBy(signer2, { dssCerts: [roomy.der, below2.der] })).verdict).toBe('valid');
  });
  it('reads a CRL only from a CA whose key usage allows signing CRLs', async () => {
    const revokedBy = async (keyUsage: number) => {
      const sub = await issue(pki.root, 'CN=Sub CA, O=Esign Witness Test', { ca: true, keyUsage });
      const signer = await issue(sub, 'CN=Signer, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.36'] });
      const crl = await makeCrl(sub, [{ serialNumber: signer.cert.serialNumber, date: new Date('2024-06-01T00:00:00Z') }]);
      const pdf = addDss(await signPdf(simplePdf(1), { pki: { ...pki, signer }, field: 'S' }), { certs: [sub.der], crls: [crl] });
      return (await verifyPdf(pdf, { trustAnchors: [pki.root.der] })).signatures[0].revocation;
    };
    expect(await revokedBy(KU.keyCertSign | KU.cRLSign)).toBe('revoked');
    expect(await revokedBy(KU.keyCertSign)).toBe('unknown');
  });
});

describe('timestamp authorities', () => {
  it('a signature timestamp from a certificate without id-kp-timeStamping does not count, and says why', async () => {
    const notTsa = await issue(pki.root, 'CN=Not A TSA, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.36'] });
    const good = await signedBy(pki.signer, { timestamp: true });
    expect(good.signatures[0].trustTime?.source).toBe('timestamp');
    const r = await signedBy(pki.signer, { timestamp: true, tsa: notTsa });
    expect(r.signatures[0].timestamp.trust).toBe('untrusted');
    expect(r.signatures[0].trustTime?.source).toBe('claimed');
    expect(codes(r)).toContain('timestamp-untrusted');
    expect(r.verdict).toBe('invalid');
  });

  it('a document timestamp from a certificate without id-kp-timeStamping is invalid', async () => {
    const notTsa = await issue(pki.root, 'CN=Not A TSA, O=Esign Witness Test');
    const signed = await signPdf(simplePdf(1), { pki, field: 'S' });
    const ok = await verifyPdf(await signPdf(signed, { pki, field: 'DocTs', kind: 'timestamp' }), { trustAnchors: [pki.root.der] });
    expect(ok.verdict).toBe('valid');
    const r = await verifyPdf(await signPdf(signed, { pki: { ...pki, tsa: notTsa }, field: 'DocTs', kind: 'timestamp' }), { trustAnchors: [pki.root.der] });
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[1].problems.find((p) => p.code === 'certificate-purpose')?.message.en).toContain('no id-kp-timeStamping');
  });
});

describe('OCSP responders', () => {
  it('takes a delegated response only from a certificate the CA issued for OCSP signing', async () => {
    const signed = await signPdf(simplePdf(1), { pki, field: 'S' });
    const revocationWith = async (responder: Party) => {
      const ocsp = await ocspResponse({ cert: pki.signer, issuer: pki.root, responder });
      return (await verifyPdf(addDss(signed, { certs: [pki.root.der], ocsps: [ocsp] }), { trustAnchors: [pki.root.der] })).signatures[0];
    };
    expect((await revocationWith(pki.root)).revocation).toBe('good');
    const responder = await issue(pki.root, 'CN=OCSP Responder, O=Esign Witness Test', { eku: ['1.3.6.1.5.5.7.3.9'] });
    expect((await revocationWith(responder)).revocation).toBe('good');
    // Another certificate of the same CA — here the TSA's, or the signer vouching for itself — is no responder.
    expect((await revocationWith(pki.tsa)).revocation).toBe('unknown');
    expect((await revocationWith(pki.signer)).revocation).toBe('unknown');
  });
});
