/**
 * CMS SignedData (RFC 5652) and RFC 3161 TimeStampToken verification, on our own decoding (x509.ts):
 * exactly one SignerInfo, a resolvable signer (issuerAndSerial or subjectKeyIdentifier), a matching
 * message digest, a verifying signature, no eContent on detached signatures (PADES.md "USF").
 */
import { problem, type Problem } from '../report.js';
import { UnsupportedAlgorithm, digestByOid, schemeName, signatureScheme, verifySignature, type DigestFn, type DigestName } from './algorithms.js';
import { concatBytes, sameBytes } from './bytes.js';
import { bytesKey, namesEqual, parseCertificate, subjectKeyId, type Certificate } from './certificates.js';
import { algorithm, decodeSignedData, decodeTstInfo, type Attribute, type SignedData, type SignerInfo } from './x509.js';

export type { SignedData, SignerInfo } from './x509.js';

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
  signerCert?: Certificate;
  certificates: Certificate[];
  digest?: DigestName;
  scheme?: string;
  signedData?: SignedData;
  signerInfo?: SignerInfo;
  /** The encapsulated content (TSTInfo of a timestamp token). */
  eContent?: Uint8Array;
}

function attr(list: Attribute[] | undefined, oid: string): Attribute[] {
  return list?.filter((a) => a.oid === oid) ?? [];
}

/**
 * Parsed CMS by exact bytes (small LRU): the same signatures are checked again and again (a side
 * panel re-verifying, every later revision's diff). The parsed objects are only read, never changed.
 */
const parsed = new Map<string, SignedData | undefined>();
const PARSED_MAX = 64;

function remember<T extends SignedData | undefined>(key: string, v: T): T {
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, v);
  return v;
}

/** Parse DER/BER ContentInfo → SignedData; only the first element counts, so /Contents padding is ignored. */
export function parseSignedData(der: Uint8Array): SignedData | undefined {
  const key = bytesKey(der); // the exact bytes, padding included: nothing else decides the parse
  if (parsed.has(key)) {
    const hit = parsed.get(key);
    parsed.delete(key);
    return remember(key, hit);
  }
  try {
    return remember(key, decodeSignedData(der, parseCertificate));
  } catch {
    return remember(key, undefined);
  }
}

function findSigner(si: SignerInfo, certs: Certificate[]): Certificate | undefined {
  const sid = si.sid;
  if ('serial' in sid) return certs.find((c) => sameBytes(c.serial, sid.serial) && namesEqual(c.issuer, sid.issuer));
  return certs.find((c) => {
    const k = subjectKeyId(c);
    return k !== undefined && sameBytes(k, sid.keyId);
  });
}

export interface VerifySignedDataOptions {
  /** Detached content parts (PDF ByteRange), or undefined to use eContent. */
  detached?: Uint8Array[];
  /** eContent must be absent (detached SubFilters) / present with this type. */
  expect: 'detached' | 'tstinfo' | 'sha1-digest';
  digestFn: DigestFn;
}

export async function verifySignedData(sd: SignedData, opts: VerifySignedDataOptions): Promise<SignedDataResult> {
  const problems: Problem[] = [];
  const certificates = sd.certificates;
  const out: SignedDataResult = { status: 'invalid', problems, certificates, signedData: sd };
  if (sd.signerInfos.length !== 1) {
    problems.push(problem('cms-signer-count', 'error', { count: sd.signerInfos.length }));
    return out;
  }
  const si = sd.signerInfos[0];
  out.signerInfo = si;
  const eContent = sd.eContent;
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
  if (opts.expect === 'tstinfo' && (sd.eContentType !== OID_TSTINFO || !eContent)) {
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
    const digest = digestByOid(si.digestAlgorithm.oid);
    out.digest = digest;
    const scheme = signatureScheme(si.signatureAlgorithm, digest);
    out.scheme = schemeName(scheme);
    const contentParts = opts.expect === 'detached' ? opts.detached ?? [] : [eContent ?? new Uint8Array(0)];
    let signedBytes: Uint8Array;
    if (si.signedAttrs && si.signedAttrsDer) {
      const md = attr(si.signedAttrs, OID_MESSAGE_DIGEST);
      if (md.length !== 1 || !md[0].values[0]?.is(4)) {
        problems.push(problem('message-digest-missing', 'error'));
        return out;
      }
      const ct = attr(si.signedAttrs, OID_CONTENT_TYPE);
      const expectedType = opts.expect === 'tstinfo' ? OID_TSTINFO : sd.eContentType;
      if (ct.length === 1 && ct[0].values[0]?.is(6, false) && ct[0].values[0].oid() !== expectedType) {
        problems.push(problem('cms-malformed', 'error'));
        return out;
      }
      const actual = await opts.digestFn(digest, contentParts);
      if (!sameBytes(actual, md[0].values[0].octets())) {
        problems.push(problem('digest-mismatch', 'error'));
        return out;
      }
      signedBytes = si.signedAttrsDer; // re-tagged as the DER SET OF (RFC 5652 §5.4)
      const certProblem = await checkSigningCertificateAttr(si, signer, opts.digestFn);
      if (certProblem) problems.push(certProblem);
    } else {
      if (sd.eContentType !== OID_DATA && opts.expect === 'detached') {
        problems.push(problem('cms-malformed', 'error'));
        return out;
      }
      signedBytes = concatBytes(contentParts);
    }
    const ok = await verifySignature(signer.publicKey, scheme, signedBytes, si.signature);
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
async function checkSigningCertificateAttr(si: SignerInfo, signer: Certificate, digestFn: DigestFn): Promise<Problem | undefined> {
  for (const [oid, v2] of [
    [OID_SIGNING_CERT_V2, true],
    [OID_SIGNING_CERT, false],
  ] as const) {
    const a = attr(si.signedAttrs, oid)[0];
    if (!a) continue;
    try {
      const first = a.values[0].seq()[0].seq()[0].seq();
      let idx = 0;
      let alg: DigestName = v2 ? 'SHA-256' : 'SHA-1';
      if (v2 && first[0]?.is(16, true)) {
        alg = digestByOid(algorithm(first[0]).oid);
        idx = 1;
      }
      const hash = first[idx].octets();
      const actual = await digestFn(alg, [signer.der]);
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
  tsaCert?: Certificate;
  certificates: Certificate[];
}

/** Verify a TimeStampToken and that its imprint is the hash of `data`. */
export async function verifyTimestampToken(token: SignedData | undefined, data: Uint8Array[], digestFn: DigestFn): Promise<TimestampResult> {
  if (!token) return { status: 'invalid', problems: [problem('timestamp-invalid', 'error', { detail: 'malformed token' })], certificates: [] };
  const r = await verifySignedData(token, { expect: 'tstinfo', digestFn });
  const res: TimestampResult = { status: r.status, problems: r.problems, tsaCert: r.signerCert, certificates: r.certificates };
  if (!r.eContent) return { ...res, status: 'invalid' };
  try {
    const tst = decodeTstInfo(r.eContent);
    res.genTime = tst.genTime;
    const alg = digestByOid(tst.imprintAlgorithm.oid);
    const imprint = tst.imprint;
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
export function signatureTimestampToken(si: SignerInfo): SignedData | undefined | null {
  const a = attr(si.unsignedAttrs, OID_TIMESTAMP_TOKEN)[0];
  if (!a) return null;
  const first = a.values[0];
  return first ? parseSignedData(first.bytes) : undefined;
}
