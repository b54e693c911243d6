/**
 * Our X.509 / CMS / OCSP decoding (shared/verify/crypto/x509.ts) against pkijs, an independent decoder,
 * on every certificate, timestamp token and OCSP response found in the corpus's real signed PDFs;
 * and on hostile input, only ever the Malformed error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { PdfStream, PdfString, openPdf } from '../../shared/pdf/index.js';
import { isCa, extKeyUsages, nameString, subjectKeyId, type Certificate } from '../../shared/verify/crypto/certificates.js';
import { parseSignedData, signatureTimestampToken, type SignedData } from '../../shared/verify/crypto/cms.js';
import { Malformed, decodeCertificate, decodeOcsp, decodeSignedData, decodeTstInfo, oidString } from '../../shared/verify/crypto/x509.js';
import { CORPUS_DIR } from '../helpers/shared-dir.js';

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

function pdfsIn(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? pdfsIn(p) : n.endsWith('.pdf') ? [p] : [];
  });
}

/** Every CMS (signature /Contents) and DSS OCSP response in the corpus. */
function material() {
  const cms: Uint8Array[] = [];
  const ocsp: Uint8Array[] = [];
  for (const file of pdfsIn(CORPUS_DIR)) {
    try {
      const doc = openPdf(new Uint8Array(readFileSync(file)));
      for (const f of doc.fields()) {
        const v = doc.dict(f.dict.get('V'));
        const c = v ? doc.resolve(v.get('Contents')) : undefined;
        if (c instanceof PdfString && c.bytes.length > 100) cms.push(c.bytes);
      }
      const dss = doc.dict(doc.catalog().get('DSS'));
      const list = dss ? doc.resolve(dss.get('OCSPs')) : undefined;
      for (const r of Array.isArray(list) ? list : []) {
        const s = doc.resolve(r);
        if (s instanceof PdfStream) ocsp.push(s.decode(1 << 24));
      }
    } catch {
      // a deliberately broken corpus file: nothing to compare
    }
  }
  return { cms, ocsp };
}

const { cms, ocsp } = material();

function theirsName(n: pkijs.RelativeDistinguishedNames) {
  return n.typesAndValues.map((tv) => [tv.type, typeof tv.value.valueBlock.value === 'string' ? tv.value.valueBlock.value : null]);
}

function compareCertificate(ours: Certificate) {
  const theirs = pkijs.Certificate.fromBER(ours.der.slice());
  expect(hex(ours.serial)).toBe(hex(theirs.serialNumber.valueBlock.valueHexView));
  expect(ours.subject.attributes.map((a) => [a.type, a.value])).toEqual(theirsName(theirs.subject));
  expect(ours.issuer.attributes.map((a) => [a.type, a.value])).toEqual(theirsName(theirs.issuer));
  expect(ours.notBefore.getTime()).toBe(theirs.notBefore.value.getTime());
  expect(ours.notAfter.getTime()).toBe(theirs.notAfter.value.getTime());
  expect(hex(ours.tbs)).toBe(hex(theirs.tbsView));
  expect(hex(ours.signature)).toBe(hex(theirs.signatureValue.valueBlock.valueHexView));
  expect(ours.signatureAlgorithm.oid).toBe(theirs.signatureAlgorithm.algorithmId);
  expect(hex(ours.publicKey.der)).toBe(hex(theirs.subjectPublicKeyInfo.toSchema().toBER(false)));
  expect(ours.publicKey.algorithm.oid).toBe(theirs.subjectPublicKeyInfo.algorithm.algorithmId);
  expect(ours.extensions.map((e) => [e.oid, e.critical])).toEqual((theirs.extensions ?? []).map((e) => [e.extnID, e.critical]));
  const bc = theirs.extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as pkijs.BasicConstraints | undefined;
  expect(isCa(ours)).toBe(bc ? !!bc.cA : undefined);
  const ski = theirs.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
  expect(subjectKeyId(ours) && hex(subjectKeyId(ours)!)).toBe(ski ? hex(ski.valueBlock.valueHexView) : undefined);
  const eku = theirs.extensions?.find((e) => e.extnID === '2.5.29.37')?.parsedValue as pkijs.ExtKeyUsage | undefined;
  expect(extKeyUsages(ours)).toEqual(eku?.keyPurposes);
  expect(nameString(ours.subject)).toContain('=');
}

describe('our X.509 and CMS decoding agrees with pkijs on the corpus', () => {
  it('finds enough real material to be worth comparing', () => {
    expect(cms.length).toBeGreaterThan(30);
    expect(ocsp.length).toBeGreaterThan(3);
  });

  it('every CMS: the same signer infos, encapsulated content and certificates', () => {
    let certs = 0;
    let tokens = 0;
    for (const der of cms) {
      const ours = parseSignedData(der);
      let theirs: pkijs.SignedData | undefined;
      try {
        theirs = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(der.slice()).content });
      } catch {
        theirs = undefined;
      }
      if (!theirs) {
        expect(ours, 'pkijs cannot read it: neither may we').toBeUndefined();
        continue;
      }
      expect(ours, 'pkijs reads it').toBeDefined();
      const sd = ours as SignedData;
      expect(sd.eContentType).toBe(theirs.encapContentInfo.eContentType);
      expect(sd.signerInfos).toHaveLength(theirs.signerInfos.length);
      for (const [i, si] of sd.signerInfos.entries()) {
        const t = theirs.signerInfos[i];
        expect(si.digestAlgorithm.oid).toBe(t.digestAlgorithm.algorithmId);
        expect(si.signatureAlgorithm.oid).toBe(t.signatureAlgorithm.algorithmId);
        expect(hex(si.signature)).toBe(hex(t.signature.valueBlock.valueHexView));
        expect(si.signedAttrs?.map((a) => a.oid)).toEqual(t.signedAttrs?.attributes.map((a) => a.type));
        if (t.signedAttrs) {
          const enc = new Uint8Array(t.signedAttrs.encodedValue.slice(0));
          enc[0] = 0x31;
          expect(hex(si.signedAttrsDer!)).toBe(hex(enc));
        }
        const token = signatureTimestampToken(si);
        if (token) {
          tokens++;
          const tst = decodeTstInfo(token.eContent!);
          const theirsTst = new pkijs.TSTInfo({ schema: asn1js.fromBER(token.eContent!.slice()).result });
          expect(tst.genTime.getTime()).toBe(theirsTst.genTime.getTime());
          expect(tst.policy).toBe(theirsTst.policy);
          expect(hex(tst.imprint)).toBe(hex(theirsTst.messageImprint.hashedMessage.valueBlock.valueHexView));
        }
      }
      const theirCerts = (theirs.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
      expect(sd.certificates).toHaveLength(theirCerts.length);
      for (const c of sd.certificates) {
        compareCertificate(c);
        certs++;
      }
    }
    expect(certs).toBeGreaterThan(30);
    console.log(`compared ${cms.length} CMS, ${certs} certificates, ${tokens} timestamp tokens, ${ocsp.length} OCSP responses`);
    expect(tokens).toBeGreaterThan(5);
  });

  it('every OCSP response in a DSS: the same single responses', () => {
    for (const der of ocsp) {
      const ours = decodeOcsp(der, (d) => decodeCertificate(d));
      const outer = asn1js.fromBER(der.slice()).result;
      let basic: pkijs.BasicOCSPResponse;
      try {
        const resp = new pkijs.OCSPResponse({ schema: outer });
        basic = new pkijs.BasicOCSPResponse({ schema: asn1js.fromBER(resp.responseBytes!.response.valueBlock.valueHexView).result });
      } catch {
        basic = new pkijs.BasicOCSPResponse({ schema: outer });
      }
      expect(hex(ours.tbs)).toBe(hex(basic.tbsResponseData.tbsView));
      expect(ours.responses.map((r) => [hex(r.serial), r.status, r.thisUpdate.getTime(), r.nextUpdate?.getTime()])).toEqual(
        basic.tbsResponseData.responses.map((r) => [
          hex(r.certID.serialNumber.valueBlock.valueHexView),
          ['good', 'revoked', 'unknown'][(r.certStatus as asn1js.BaseBlock).idBlock.tagNumber],
          r.thisUpdate.getTime(),
          r.nextUpdate?.getTime(),
        ]),
      );
      expect(ours.certs.map((c) => hex(c.der))).toEqual((basic.certs ?? []).map((c) => hex(c.toSchema().toBER(false))));
    }
  });

  it('reads object identifiers as asn1js does, 2.25.{UUID} arcs beyond 2^53 included', () => {
    for (const oid of ['1.2.840.113549.1.9.16.2.47', '2.5.29.19', '0.4.0.127.0.7.1.1.4.1.3', '2.25.140116281536862853409862543215217238961', '2.999.1']) {
      const enc = new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));
      expect(oidString(enc.subarray(2))).toBe(oid);
    }
  });
});

describe('hostile input', () => {
  it('truncations and bit flips of real certificates and CMS give Malformed or a value, never another error', () => {
    const samples = cms.slice(0, 12);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let malformed = 0;
    for (const der of samples) {
      for (let k = 0; k < 60; k++) {
        const m = der.slice(0, k % 3 === 0 ? rand(der.length) : der.length);
        for (let f = 0; f < 4 && m.length; f++) m[rand(m.length)] ^= 1 << rand(8);
        try {
          decodeSignedData(m, (d) => decodeCertificate(d));
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(Malformed);
          malformed++;
        }
        try {
          decodeCertificate(m.subarray(rand(64)));
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(Malformed);
        }
      }
    }
    expect(malformed).toBeGreaterThan(100);
  });
});
