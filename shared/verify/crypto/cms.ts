/**
 * CMS SignedData (RFC 5652) and RFC 3161 TimeStampToken verification. Our own checks on pkijs parsing:
 * exactly one SignerInfo, a resolvable signer (issuerAndSerial or subjectKeyIdentifier), a matching
 * message digest, a verifying signature, no eContent on detached signatures (PADES.md "USF").
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { problem, type Problem } from '../report.js';
import { UnsupportedAlgorithm, digestByOid, schemeName, signatureScheme, verifySignature, type DigestFn, type DigestName } from './algorithms.js';
import { ab, concatBytes, hex, sameBytes } from './bytes.js';
import { certDer, namesEqual, parseCertificate, subjectKeyId } from './certificates.js';
import { INTEGER, OBJECT_IDENTIFIER, SEQUENCE, SET, childrenOf, contentIs, isContextTag, isUniversal, readTlv, sequenceOf, type Tlv } from './der.js';

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_CERT = '1.2.840.113549.1.9.16.2.12';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface SignedDataResult {
  /** Signature verifies and the message digest matches. */
  status: 'valid' | 'invalid' | 'unsupported';
  problems: Problem[];
  signerCert?: pkijs.Certificate;
  certificates: pkijs.Certificate[];
  digest?: DigestName;
  scheme?: string;
  signedData?: pkijs.SignedData;
  signerInfo?: pkijs.SignerInfo;
  /** The encapsulated content (TSTInfo of a timestamp token). */
  eContent?: Uint8Array;
}

function octets(v: asn1js.OctetString): Uint8Array {
  if (v.idBlock.isConstructed) {
    return concatBytes((v.valueBlock.value as asn1js.OctetString[]).map((p) => octets(p)));
  }
  return new Uint8Array(v.valueBlock.valueHexView);
}

function attr(si: pkijs.SignerInfo, oid: string): pkijs.Attribute[] {
  return si.signedAttrs?.attributes.filter((a) => a.type === oid) ?? [];
}

/**
 * Parsed CMS by exact bytes (small LRU): pkijs parsing dominates verification time, and the same
 * signatures are checked again and again (a side panel re-verifying, every later revision's diff).
 * The parsed objects are only read, never changed.
 */
const parsed = new Map<string, pkijs.SignedData | undefined>();
const PARSED_MAX = 64;

function remember<T extends pkijs.SignedData | undefined>(key: string, v: T): T {
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, v);
  return v;
}

/** Parse DER/BER ContentInfo → SignedData; only the first element counts, so /Contents padding is ignored. */
export function parseSignedData(der: Uint8Array): pkijs.SignedData | undefined {
  const key = hex(der); // the exact bytes, padding included: nothing else decides the parse
  if (parsed.has(key)) {
    const hit = parsed.get(key);
    parsed.delete(key);
    return remember(key, hit);
  }
  try {
    return remember(key, signedDataAt(der));
  } catch {
    return remember(key, undefined);
  }
}

/** Content octets of the OIDs the walker looks for. */
const SIGNED_DATA_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const TIMESTAMP_TOKEN_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e];

class Malformed extends Error {}

/** One element decoded by asn1js (it must be exactly one well-formed element). */
function decode(b: Uint8Array, t: Tlv): asn1js.AsnType {
  const asn = asn1js.fromBER(ab(b.subarray(t.start, t.end)));
  if (asn.offset === -1 || asn.result.error) throw new Malformed();
  return asn.result;
}

/**
 * ContentInfo → SignedData (RFC 5652 §5.1), walked by position with the TLV walker instead of decoding
 * the whole container and matching pkijs' schema against it: algorithms, encapsulated content and signer
 * infos are decoded by asn1js/pkijs; certificates go through the certificate cache (the same few come
 * back in every signature and token); a signature timestamp token is kept as bytes until asked for.
 * Anything out of shape → undefined ("cms-malformed").
 */
function signedDataAt(b: Uint8Array): pkijs.SignedData | undefined {
  const ci = readTlv(b, 0);
  if (!isUniversal(ci, SEQUENCE, true)) return undefined;
  const ciItems = childrenOf(b, ci);
  if (!ciItems || ciItems.length !== 2 || !isUniversal(ciItems[0], OBJECT_IDENTIFIER, false) || !contentIs(b, ciItems[0], SIGNED_DATA_OID)) return undefined;
  const wrapped = isContextTag(ciItems[1], 0) ? childrenOf(b, ciItems[1]) : undefined;
  if (!wrapped || wrapped.length !== 1 || !isUniversal(wrapped[0], SEQUENCE, true)) return undefined;
  const items = childrenOf(b, wrapped[0]);
  if (!items) return undefined;
  let i = 0;
  const version = items[i++];
  const algorithms = items[i++];
  const encap = items[i++];
  if (!isUniversal(version, INTEGER, false) || !isUniversal(algorithms, SET, true) || !isUniversal(encap, SEQUENCE, true)) return undefined;
  let certificates: pkijs.CertificateSetItem[] | undefined;
  if (isContextTag(items[i], 0)) {
    const list = childrenOf(b, items[i++]);
    if (!list) return undefined;
    certificates = [];
    for (const c of list) {
      // Only X.509 certificates (a universal SEQUENCE) can sign; other choices are kept out.
      if (c.cls !== 0) continue;
      const cert = parseCertificate(b.subarray(c.start, c.end));
      if (!cert) return undefined;
      certificates.push(cert);
    }
  }
  if (isContextTag(items[i], 1)) i++; // revocation info: validation reads the DSS, not the CMS
  const signerInfos = items[i++];
  if (i !== items.length || !isUniversal(signerInfos, SET, true)) return undefined;
  const algs = childrenOf(b, algorithms);
  const sis = childrenOf(b, signerInfos);
  if (!algs || !sis) return undefined;
  try {
    const v = decode(b, version);
    if (!(v instanceof asn1js.Integer)) return undefined;
    return new pkijs.SignedData({
      version: v.valueBlock.valueDec,
      digestAlgorithms: algs.map((a) => new pkijs.AlgorithmIdentifier({ schema: decode(b, a) })),
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ schema: decode(b, encap) }),
      ...(certificates ? { certificates } : {}),
      signerInfos: sis.map((si) => signerInfoAt(b, si)),
    });
  } catch {
    return undefined;
  }
}

/** The first id-aa-timeStampToken value of each SignerInfo, as bytes (empty: the attribute has no value). */
const timestampTokenBytes = new WeakMap<pkijs.SignerInfo, Uint8Array>();

/** A SignerInfo without its unsigned attributes (pkijs need not decode the timestamp token in them). */
function signerInfoAt(b: Uint8Array, t: Tlv): pkijs.SignerInfo {
  const parts = isUniversal(t, SEQUENCE, true) ? childrenOf(b, t) : undefined;
  if (!parts || parts.length < 2) throw new Malformed();
  const last = parts[parts.length - 1];
  let token: Uint8Array | undefined;
  let body = b.subarray(t.start, t.end);
  if (isContextTag(last, 1)) {
    const attrs = childrenOf(b, last);
    if (!attrs) throw new Malformed();
    for (const a of attrs) {
      const [type, values, ...extra] = (isUniversal(a, SEQUENCE, true) ? childrenOf(b, a) : undefined) ?? [];
      if (extra.length || !isUniversal(type, OBJECT_IDENTIFIER, false) || !isUniversal(values, SET, true)) throw new Malformed();
      if (token === undefined && contentIs(b, type, TIMESTAMP_TOKEN_OID)) {
        const first = childrenOf(b, values)?.[0];
        token = first ? b.slice(first.start, first.end) : new Uint8Array(0);
      }
    }
    body = sequenceOf(b, parts.slice(0, -1));
  }
  const asn = asn1js.fromBER(ab(body));
  if (asn.offset === -1 || asn.result.error) throw new Malformed();
  const si = new pkijs.SignerInfo({ schema: asn.result });
  if (token) timestampTokenBytes.set(si, token);
  return si;
}

function findSigner(si: pkijs.SignerInfo, certs: pkijs.Certificate[]): pkijs.Certificate | undefined {
  const sid = si.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = new Uint8Array(sid.serialNumber.valueBlock.valueHexView);
    return certs.find((c) => sameBytes(new Uint8Array(c.serialNumber.valueBlock.valueHexView), serial) && namesEqual(c.issuer, sid.issuer));
  }
  // [0] SubjectKeyIdentifier (implicit OCTET STRING, primitive or constructed).
  const block = sid as { valueBlock?: { valueHexView?: Uint8Array; value?: { valueBlock?: { valueHexView?: Uint8Array } }[] } };
  const ski = block.valueBlock?.valueHexView?.length ? block.valueBlock.valueHexView : block.valueBlock?.value?.[0]?.valueBlock?.valueHexView;
  if (!ski) return undefined;
  return certs.find((c) => {
    const k = subjectKeyId(c);
    return k !== undefined && sameBytes(k, new Uint8Array(ski));
  });
}

export interface VerifySignedDataOptions {
  /** Detached content parts (PDF ByteRange), or undefined to use eContent. */
  detached?: Uint8Array[];
  /** eContent must be absent (detached SubFilters) / present with this type. */
  expect: 'detached' | 'tstinfo' | 'sha1-digest';
  digestFn: DigestFn;
}

export async function verifySignedData(sd: pkijs.SignedData, opts: VerifySignedDataOptions): Promise<SignedDataResult> {
  const problems: Problem[] = [];
  const certificates = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const out: SignedDataResult = { status: 'invalid', problems, certificates, signedData: sd };
  if (sd.signerInfos.length !== 1) {
    problems.push(problem('cms-signer-count', 'error', { count: sd.signerInfos.length }));
    return out;
  }
  const si = sd.signerInfos[0];
  out.signerInfo = si;
  const eci = sd.encapContentInfo;
  const eContent = eci.eContent ? octets(eci.eContent) : undefined;
  out.eContent = eContent;
  if (opts.expect === 'sha1-digest') {
    // adbe.pkcs7.sha1: eContent is the SHA-1 of the ByteRange; the CMS signs that eContent.
    const actual = await opts.digestFn('SHA-1', opts.detached ?? []);
    if (!eContent || !sameBytes(eContent, actual)) {
      problems.push(problem('digest-mismatch', 'error'));
      return out;
    }
  }
  if (opts.expect === 'detached' && eContent !== undefined) {
    problems.push(problem('cms-econtent', 'error'));
    return out;
  }
  if (opts.expect === 'tstinfo' && (eci.eContentType !== OID_TSTINFO || !eContent)) {
    problems.push(problem('timestamp-invalid', 'error', { detail: 'not a TSTInfo' }));
    return out;
  }
  const signer = findSigner(si, certificates);
  if (!signer) {
    problems.push(problem('signer-certificate-missing', 'error'));
    return out;
  }
  out.signerCert = signer;
  try {
    const digest = digestByOid(si.digestAlgorithm.algorithmId);
    out.digest = digest;
    const scheme = signatureScheme(si.signatureAlgorithm, digest);
    out.scheme = schemeName(scheme);
    const contentParts = opts.expect === 'detached' ? opts.detached ?? [] : [eContent ?? new Uint8Array(0)];
    let signedBytes: Uint8Array;
    if (si.signedAttrs) {
      const md = attr(si, OID_MESSAGE_DIGEST);
      if (md.length !== 1 || !(md[0].values[0] instanceof asn1js.OctetString)) {
        problems.push(problem('message-digest-missing', 'error'));
        return out;
      }
      const ct = attr(si, OID_CONTENT_TYPE);
      const expectedType = opts.expect === 'tstinfo' ? OID_TSTINFO : eci.eContentType;
      if (ct.length === 1 && ct[0].values[0] instanceof asn1js.ObjectIdentifier && ct[0].values[0].valueBlock.toString() !== expectedType) {
        problems.push(problem('cms-malformed', 'error'));
        return out;
      }
      const actual = await opts.digestFn(digest, contentParts);
      if (!sameBytes(actual, octets(md[0].values[0] as asn1js.OctetString))) {
        problems.push(problem('digest-mismatch', 'error'));
        return out;
      }
      const enc = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
      enc[0] = 0x31; // signed over the DER SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
      signedBytes = enc;
      const certProblem = await checkSigningCertificateAttr(si, signer, opts.digestFn);
      if (certProblem) problems.push(certProblem);
    } else {
      if (eci.eContentType !== OID_DATA && opts.expect === 'detached') {
        problems.push(problem('cms-malformed', 'error'));
        return out;
      }
      signedBytes = concatBytes(contentParts);
    }
    const ok = await verifySignature(signer.subjectPublicKeyInfo, scheme, signedBytes, new Uint8Array(si.signature.valueBlock.valueHexView));
    if (!ok) {
      problems.push(problem('signature-invalid', 'error'));
      return out;
    }
    if (digest === 'SHA-1' || out.scheme.includes('SHA-1')) problems.push(problem('weak-sha1', 'warning'));
    out.status = problems.some((p) => p.severity === 'error') ? 'invalid' : 'valid';
    return out;
  } catch (e) {
    if (e instanceof UnsupportedAlgorithm) {
      problems.push(problem('algorithm-unsupported', 'error', { algorithm: e.what }));
      out.status = 'unsupported';
      return out;
    }
    problems.push(problem('cms-malformed', 'error'));
    return out;
  }
}

/** ESS signing-certificate(-v2): the first ESSCertID's hash must be the signer certificate's. */
async function checkSigningCertificateAttr(si: pkijs.SignerInfo, signer: pkijs.Certificate, digestFn: DigestFn): Promise<Problem | undefined> {
  for (const [oid, v2] of [
    [OID_SIGNING_CERT_V2, true],
    [OID_SIGNING_CERT, false],
  ] as const) {
    const a = attr(si, oid)[0];
    if (!a) continue;
    try {
      const seq = a.values[0] as asn1js.Sequence;
      const certs = seq.valueBlock.value[0] as asn1js.Sequence;
      const first = certs.valueBlock.value[0] as asn1js.Sequence;
      let idx = 0;
      let alg: DigestName = v2 ? 'SHA-256' : 'SHA-1';
      if (v2 && first.valueBlock.value[0] instanceof asn1js.Sequence) {
        alg = digestByOid(new pkijs.AlgorithmIdentifier({ schema: first.valueBlock.value[0] }).algorithmId);
        idx = 1;
      }
      const hash = new Uint8Array((first.valueBlock.value[idx] as asn1js.OctetString).valueBlock.valueHexView);
      const actual = await digestFn(alg, [certDer(signer)]);
      if (!sameBytes(hash, actual)) return problem('signing-certificate-mismatch', 'error');
    } catch (e) {
      if (e instanceof UnsupportedAlgorithm) return undefined;
      return problem('cms-malformed', 'error');
    }
  }
  return undefined;
}

export interface TimestampResult {
  status: 'valid' | 'invalid' | 'unsupported';
  problems: Problem[];
  genTime?: Date;
  tsaCert?: pkijs.Certificate;
  certificates: pkijs.Certificate[];
}

/** Verify a TimeStampToken and that its imprint is the hash of `data`. */
export async function verifyTimestampToken(token: pkijs.SignedData | undefined, data: Uint8Array[], digestFn: DigestFn): Promise<TimestampResult> {
  if (!token) return { status: 'invalid', problems: [problem('timestamp-invalid', 'error', { detail: 'malformed token' })], certificates: [] };
  const r = await verifySignedData(token, { expect: 'tstinfo', digestFn });
  const res: TimestampResult = { status: r.status, problems: r.problems, tsaCert: r.signerCert, certificates: r.certificates };
  if (!r.eContent) return { ...res, status: 'invalid' };
  try {
    const asn = asn1js.fromBER(ab(r.eContent));
    const tst = new pkijs.TSTInfo({ schema: asn.result });
    res.genTime = tst.genTime;
    const alg = digestByOid(tst.messageImprint.hashAlgorithm.algorithmId);
    const imprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
    const actual = await digestFn(alg, data);
    if (!sameBytes(imprint, actual)) {
      res.problems.push(problem('timestamp-imprint-mismatch', 'error'));
      res.status = 'invalid';
    }
  } catch (e) {
    if (e instanceof UnsupportedAlgorithm) {
      res.problems.push(problem('algorithm-unsupported', 'error', { algorithm: e.what }));
      res.status = 'unsupported';
    } else {
      res.problems.push(problem('timestamp-invalid', 'error', { detail: 'bad TSTInfo' }));
      res.status = 'invalid';
    }
  }
  return res;
}

/** The signature timestamp (unsigned attribute id-aa-timeStampToken), if any: null when absent. */
export function signatureTimestampToken(si: pkijs.SignerInfo): pkijs.SignedData | undefined | null {
  const raw = timestampTokenBytes.get(si);
  if (raw === undefined) return null;
  return raw.length ? parseSignedData(raw) : undefined;
}
