/**
 * Revocation material for chains the embedded CA did not issue (an external signing certificate, an
 * external TSA): for every certificate below its root, an OCSP response from the responder its AIA
 * names (RFC 6960, POST), else the CRL of its CRL distribution point (RFC 5280), fetched at
 * conclusion. Each answer is checked (response status, signature by the issuer or its delegated
 * responder, the certificate's status, CRL issuer and signature) before it goes into the DSS. When a
 * certificate's status cannot be had, or it is revoked, the conclusion fails with
 * SigningUnavailableError and is retried: never a B-LTA file whose validation data is incomplete.
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as pkijs from 'pkijs';
import { bufferSource } from '../bytes.js';
import { algorithm, contentOf, children, issuerAndSerial, nullValue, octets, read, seq } from '../cms/der.js';
import { SigningUnavailableError } from '../service.js';
import { EKU } from '../../../shared/verify/trust/purpose.js';
import { x509 } from './x509.js';

const SHA1 = '1.3.14.3.2.26';
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** Signature algorithms of OCSP responses → node:crypto digest names (RSA PKCS#1 v1.5 and ECDSA). */
const SIGNATURE_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

export interface RevocationMaterial {
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** Certificates the answers bring along (delegated OCSP responders), for the DSS. */
  certs: Uint8Array[];
}

export interface RevocationOptions {
  timeoutMs?: number;
  now?: Date;
}

const normSerial = (hex: string) => hex.toLowerCase().replace(/^(00)+(?=.)/, '');
const der = (c: x509.X509Certificate) => new Uint8Array(c.rawData);
const isSelfSigned = (c: x509.X509Certificate) => c.subject === c.issuer;

export function ocspUrls(cert: x509.X509Certificate): string[] {
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  return (aia?.ocsp ?? []).map((n) => n.value).filter((u) => /^https?:\/\//.test(u));
}

export function crlUrls(cert: x509.X509Certificate): string[] {
  const dp = cert.getExtension(x509.CRLDistributionPointsExtension);
  const out: string[] = [];
  for (const p of dp?.distributionPoints ?? []) {
    for (const n of p.distributionPoint?.fullName ?? []) {
      const u = n.uniformResourceIdentifier;
      if (u && /^https?:\/\//.test(u)) out.push(u);
    }
  }
  return out;
}

/**
 * Certificates of `chain` (below a self-signed root) that name neither an OCSP responder nor a CRL:
 * their status can never be embedded, so no long-term-valid file can be made with them.
 */
export function withoutRevocationPointers(chain: x509.X509Certificate[]): x509.X509Certificate[] {
  return chain.filter((c) => !isSelfSigned(c) && !ocspUrls(c).length && !crlUrls(c).length);
}

function issuerIn(cert: x509.X509Certificate, pool: x509.X509Certificate[]): x509.X509Certificate | undefined {
  return pool.find((p) => p.subject === cert.issuer && !p.equal(cert));
}

/** OCSPRequest for one certificate (CertID with SHA-1, as every responder accepts). */
export function ocspRequest(cert: x509.X509Certificate, issuer: x509.X509Certificate): Uint8Array {
  const { issuer: issuerName, serial } = issuerAndSerial(der(cert));
  const spki = new Uint8Array(issuer.publicKey.rawData);
  const [, bits] = children(spki, read(spki, 0));
  const key = contentOf(spki, bits).subarray(1); // without the unused-bits byte
  const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest();
  const certId = seq(algorithm(SHA1, nullValue()), octets(sha1(issuerName)), octets(sha1(key)), serial);
  return seq(seq(seq(seq(certId))));
}

async function fetchBytes(url: string, timeoutMs: number, init?: RequestInit): Promise<Uint8Array> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function checkSignature(spki: Uint8Array, algorithmOid: string, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = SIGNATURE_HASH[algorithmOid];
  if (!hash) throw new Error(`unsupported signature algorithm ${algorithmOid}`);
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return verifySignature(hash, data, key, signature);
}

/** Checks an OCSPResponse about `cert`; returns the responder certificates it carries. */
async function checkOcsp(response: Uint8Array, cert: x509.X509Certificate, issuer: x509.X509Certificate, now: Date): Promise<Uint8Array[]> {
  let basic: pkijs.BasicOCSPResponse;
  try {
    const resp = pkijs.OCSPResponse.fromBER(bufferSource(response));
    const status = resp.responseStatus.valueBlock.valueDec;
    if (status !== 0) throw new Error(`responder refused (OCSPResponseStatus ${status})`);
    if (resp.responseBytes?.responseType !== OCSP_BASIC) throw new Error('not a basic OCSP response');
    basic = pkijs.BasicOCSPResponse.fromBER(bufferSource(new Uint8Array(resp.responseBytes.response.valueBlock.valueHexView)));
  } catch (e) {
    throw new Error(`unreadable OCSP response (${(e as Error).message})`);
  }
  const serial = normSerial(cert.serialNumber);
  const single = basic.tbsResponseData.responses.find(
    (r) => normSerial(Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).toString('hex')) === serial,
  );
  if (!single) throw new Error('the response does not answer for this certificate');
  // Signed by the issuer itself, or by a responder certificate the issuer gave id-kp-OCSPSigning.
  const carried = (basic.certs ?? []).map((c) => new Uint8Array(c.toSchema().toBER(false)));
  const candidates: Uint8Array[] = [new Uint8Array(issuer.publicKey.rawData)];
  for (const c of carried) {
    const rc = new x509.X509Certificate(bufferSource(c));
    const eku = rc.getExtension(x509.ExtendedKeyUsageExtension);
    if (rc.issuer === issuer.subject && eku?.usages.includes(EKU.ocspSigning) && (await rc.verify({ publicKey: issuer.publicKey, signatureOnly: true }))) {
      candidates.push(new Uint8Array(rc.publicKey.rawData));
    }
  }
  const tbs = basic.tbsResponseData.tbsView;
  const sig = new Uint8Array(basic.signature.valueBlock.valueHexView);
  const alg = basic.signatureAlgorithm.algorithmId;
  if (!candidates.some((spki) => checkSignature(spki, alg, tbs, sig))) throw new Error('the OCSP response signature does not verify');
  const status = single.certStatus as { idBlock?: { tagNumber?: number } };
  const tag = status.idBlock?.tagNumber;
  if (tag === 1) throw new RevokedError(cert, 'OCSP');
  if (tag !== 0) throw new Error('the responder does not know the certificate (status unknown)');
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime()) throw new Error('the OCSP response is out of date');
  return carried;
}

/** Checks a CRL of `issuer` and that `cert` is not on it. */
async function checkCrl(crlDer: Uint8Array, cert: x509.X509Certificate, issuer: x509.X509Certificate | undefined, now: Date): Promise<void> {
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(bufferSource(crlDer));
  } catch (e) {
    throw new Error(`unreadable CRL (${(e as Error).message})`);
  }
  if (crl.issuer !== cert.issuer) throw new Error(`the CRL is issued by ${crl.issuer}, not ${cert.issuer}`);
  if (issuer && !(await crl.verify({ publicKey: issuer.publicKey }))) throw new Error('the CRL signature does not verify');
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) throw new Error('the CRL is out of date');
  const serial = normSerial(cert.serialNumber);
  if (crl.entries.some((e) => normSerial(e.serialNumber) === serial)) throw new RevokedError(cert, 'CRL');
}

class RevokedError extends Error {
  constructor(cert: x509.X509Certificate, source: string) {
    super(`certificate "${cert.subject}" is revoked (${source})`);
  }
}

/** The issuer of `cert` from its AIA caIssuers URLs (a DER or PEM certificate), when it names one. */
async function fetchIssuer(cert: x509.X509Certificate, timeoutMs: number, tried: string[]): Promise<x509.X509Certificate | undefined> {
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  for (const url of (aia?.caIssuers ?? []).map((n) => n.value).filter((u) => /^https?:\/\//.test(u))) {
    try {
      const bytes = await fetchBytes(url, timeoutMs);
      const text = Buffer.from(bytes).toString('latin1');
      const c = new x509.X509Certificate(text.includes('-----BEGIN CERTIFICATE-----') ? text : bufferSource(bytes));
      if (c.subject !== cert.issuer || !(await cert.verify({ publicKey: c.publicKey, signatureOnly: true }))) throw new Error('not the issuer');
      return c;
    } catch (e) {
      tried.push(`caIssuers ${url}: ${(e as Error).message}`);
    }
  }
  return undefined;
}

/**
 * OCSP responses or CRLs for every certificate of `chains` below its root (issuers missing from the
 * chains are fetched from the AIA caIssuers URL and covered too). `pool` helps find issuers
 * (the chains themselves are searched first).
 */
export async function fetchRevocationData(chains: x509.X509Certificate[], opts: RevocationOptions = {}): Promise<RevocationMaterial> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const now = opts.now ?? new Date();
  const out: RevocationMaterial = { ocsps: [], crls: [], certs: [] };
  const crlCache = new Map<string, Uint8Array>();
  const known = [...chains];
  for (let i = 0; i < known.length; i++) {
    const cert = known[i];
    if (isSelfSigned(cert)) continue;
    const tried: string[] = [];
    let issuer = issuerIn(cert, known);
    if (!issuer) {
      // A TSA token often carries only the TSA's own certificate: its issuer from the AIA caIssuers.
      issuer = await fetchIssuer(cert, timeoutMs, tried);
      if (issuer) {
        known.push(issuer);
        out.certs.push(der(issuer));
      } else if (ocspUrls(cert).length) tried.push('OCSP: the issuer certificate is neither in the chain nor at an AIA caIssuers URL');
    }
    let done = false;
    if (issuer) {
      for (const url of ocspUrls(cert)) {
        try {
          const resp = await fetchBytes(url, timeoutMs, {
            method: 'POST',
            headers: { 'content-type': 'application/ocsp-request' },
            body: bufferSource(ocspRequest(cert, issuer)),
          });
          out.certs.push(...(await checkOcsp(resp, cert, issuer, now)));
          out.ocsps.push(resp);
          done = true;
          break;
        } catch (e) {
          if (e instanceof RevokedError) throw new SigningUnavailableError(e.message, { cause: e });
          tried.push(`OCSP ${url}: ${(e as Error).message}`);
        }
      }
    }
    if (!done) {
      for (const url of crlUrls(cert)) {
        try {
          const crl = crlCache.get(url) ?? (await fetchBytes(url, timeoutMs));
          await checkCrl(crl, cert, issuer, now);
          if (!crlCache.has(url)) out.crls.push(crl);
          crlCache.set(url, crl);
          done = true;
          break;
        } catch (e) {
          if (e instanceof RevokedError) throw new SigningUnavailableError(e.message, { cause: e });
          tried.push(`CRL ${url}: ${(e as Error).message}`);
        }
      }
    }
    if (!done) {
      throw new SigningUnavailableError(
        tried.length
          ? `revocation status of "${cert.subject}" could not be obtained for the DSS (${tried.join('; ')})`
          : `certificate "${cert.subject}" names no OCSP responder or CRL distribution point: its revocation status cannot be embedded`,
      );
    }
  }
  return out;
}
