/**
 * Certificate path building and validation (RFC 5280 §6, reduced): anchors come only from the
 * configured trust list (certificates embedded in the CMS or the DSS never become anchors, PKI.js #408);
 * validity is judged at one given time; revocation comes from the DSS (CRLs, OCSP responses).
 */
import { digestByOid, signatureScheme, verifySignature, type DigestFn } from '../crypto/algorithms.js';
import { sameBytes } from '../crypto/bytes.js';
import { certKey, displayName, isCa, isSelfIssued, namesEqual, pathLength, type Certificate } from '../crypto/certificates.js';
import type { OcspResponse, SingleResponse } from '../crypto/x509.js';
import { problem, type Problem } from '../report.js';
import type { Crl } from './dss.js';
import { nameConstraintViolation } from './name-constraints.js';
import { isOcspResponder, mayIssue, purposeViolation, type CertificatePurpose } from './purpose.js';

/** Extensions whose meaning we know (or, for policies, accept as any-policy): RFC 5280 §4.2 requires
 * rejecting a certificate with a critical extension the verifier does not recognise. */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.30', // nameConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.36', // policyConstraints
  '2.5.29.37', // extKeyUsage
  '2.5.29.54', // inhibitAnyPolicy
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.3', // qcStatements
  '1.3.6.1.5.5.7.48.1.5', // id-pkix-ocsp-nocheck
]);

/** Anything signed by a certificate's key: a certificate, a CRL, an OCSP response. */
type Signed = Pick<Certificate, 'signatureAlgorithm' | 'tbs' | 'signature'>;

export interface RevocationData {
  crls: Crl[];
  ocsps: OcspResponse[];
}

export interface TrustResult {
  status: 'trusted' | 'untrusted' | 'unknown';
  chain: Certificate[];
  /** The chain reached a configured anchor. */
  anchored: boolean;
  /** The chain ends at a self-issued root (anchor or not). */
  complete: boolean;
  revocation: 'good' | 'revoked' | 'unknown';
  /** Chain certificates (below the root) without revocation information. */
  missingRevocation: string[];
  problems: Problem[];
}

/** Caches signature checks: many signatures share one chain, and one DSS's CRLs and OCSP responses. */
export class TrustContext {
  /** Signature checks of a certificate, a CRL or an OCSP response, by the certificate whose key was tried. */
  private readonly signedBy = new WeakMap<Signed, Map<Certificate, boolean>>();
  constructor(
    readonly anchors: Certificate[],
    readonly pool: Certificate[],
    readonly revocation: RevocationData,
    readonly digestFn: DigestFn,
  ) {}

  private anchorKeys = new Set<string>();
  private ready = false;

  private init(): void {
    if (this.ready) return;
    for (const a of this.anchors) this.anchorKeys.add(certKey(a));
    this.ready = true;
  }

  isAnchor(c: Certificate): boolean {
    this.init();
    return this.anchorKeys.has(certKey(c));
  }

  /** Does `signer`'s key verify this certificate's, CRL's or OCSP response's signature? Asked once per pair. */
  async signs(signer: Certificate, data: Signed): Promise<boolean> {
    let bySigner = this.signedBy.get(data);
    if (!bySigner) this.signedBy.set(data, (bySigner = new Map()));
    let ok = bySigner.get(signer);
    if (ok === undefined) {
      try {
        ok = await verifySignature(signer.publicKey, signatureScheme(data.signatureAlgorithm, undefined), data.tbs, data.signature);
      } catch {
        ok = false; // an unsupported or malformed algorithm verifies nothing
      }
      bySigner.set(signer, ok);
    }
    return ok;
  }

  async buildChain(leaf: Certificate, extra: Certificate[] = []): Promise<{ chain: Certificate[]; anchored: boolean; complete: boolean }> {
    const chain = [leaf];
    let cur = leaf;
    const candidates = [...this.anchors, ...extra, ...this.pool];
    for (let depth = 0; depth < 12; depth++) {
      if (this.isAnchor(cur)) return { chain, anchored: true, complete: true };
      let next: Certificate | undefined;
      for (const c of candidates) {
        if (c === cur || chain.includes(c) || !namesEqual(c.subject, cur.issuer)) continue;
        if (await this.signs(c, cur)) {
          next = c;
          break;
        }
      }
      if (!next) return { chain, anchored: false, complete: isSelfIssued(cur) && (await this.signs(cur, cur)) };
      chain.push(next);
      cur = next;
    }
    return { chain, anchored: false, complete: false };
  }

  /**
   * Revocation status of `cert` issued by `issuer` at `at`, from the CRLs and OCSP responses we hold.
   * A revocation dated at or before `at` counts whatever the data's age. "Good" counts only from data that
   * speaks for `at`: issued at or after it (nothing revoked up to then), or current at it (thisUpdate ≤ at
   * ≤ nextUpdate). Older data is stale: it says nothing about `at` (reported, and the status stays unknown).
   */
  async revocationOf(cert: Certificate, issuer: Certificate, at: Date): Promise<{ status: 'good' | 'revoked' | 'unknown'; date?: Date; stale?: boolean }> {
    const serial = cert.serial;
    let status: 'good' | 'revoked' | 'unknown' = 'unknown';
    let date: Date | undefined;
    let stale = false;
    const speaksFor = (thisUpdate: Date | undefined, nextUpdate: Date | undefined) =>
      !!thisUpdate && (thisUpdate >= at || (nextUpdate !== undefined && thisUpdate <= at && at <= nextUpdate));
    for (const crl of this.revocation.crls) {
      if (!namesEqual(crl.issuer, issuer.subject) || !mayIssue(issuer, 'crls')) continue;
      if (!(await this.signs(issuer, crl))) continue;
      const entry = crl.revoked.find((r) => sameBytes(r.serial, serial));
      if (entry && entry.date <= at) return { status: 'revoked', date: entry.date };
      if (speaksFor(crl.thisUpdate, crl.nextUpdate)) status = 'good';
      else stale = true;
    }
    for (const basic of this.revocation.ocsps) {
      for (const single of basic.responses) {
        if (!sameBytes(single.serial, serial)) continue;
        if (!(await this.certIdMatches(single, issuer))) continue;
        if (!(await this.ocspSignedFor(basic, issuer))) continue;
        if (single.status === 'revoked') {
          const revokedAt = single.revocationTime;
          if (!revokedAt || revokedAt <= at) return { status: 'revoked', date: revokedAt };
        } else if (single.status === 'good') {
          if (speaksFor(single.thisUpdate, single.nextUpdate)) status = 'good';
          else stale = true;
        }
      }
    }
    return { status, date, stale: status === 'unknown' && stale };
  }

  private async certIdMatches(id: SingleResponse, issuer: Certificate): Promise<boolean> {
    try {
      const alg = digestByOid(id.hashAlgorithm.oid);
      const keyHash = await this.digestFn(alg, [issuer.publicKey.key]);
      return sameBytes(keyHash, id.issuerKeyHash);
    } catch {
      return false;
    }
  }

  private async ocspSignedFor(basic: OcspResponse, issuer: Certificate): Promise<boolean> {
    if (await this.signs(issuer, basic)) return true;
    // Delegated responder: certificate in the response, issued by the CA for OCSP signing (RFC 6960 §4.2.2.2).
    for (const c of basic.certs) {
      if (namesEqual(c.issuer, issuer.subject) && isOcspResponder(c) && (await this.signs(issuer, c)) && (await this.signs(c, basic))) return true;
    }
    return false;
  }

  /** Build, then judge the chain of `leaf` at `at`, for `purpose` (what the leaf is used for here). */
  async evaluate(leaf: Certificate, at: Date, extra: Certificate[] = [], purpose?: CertificatePurpose): Promise<TrustResult> {
    const { chain, anchored, complete } = await this.buildChain(leaf, extra);
    const problems: Problem[] = [];
    const missingRevocation: string[] = [];
    let revocation: TrustResult['revocation'] = 'good';
    let broken = false;
    const severity = anchored ? 'error' : 'warning';
    const purposeWhy = purpose ? purposeViolation(leaf, purpose) : null;
    if (purposeWhy) {
      problems.push(problem('certificate-purpose', severity, { detail: purposeWhy }));
      broken = true;
    }
    for (let i = 0; i < chain.length; i++) {
      const c = chain[i];
      const anchor = this.isAnchor(c);
      // An issuer below the trust anchor must say it is a CA, allowed to sign certificates, with room
      // for the CAs below it (RFC 5280 §6.1.4 (k), (l), (m), (n)). The anchor is trusted as configured.
      const caWhy =
        i === 0 || anchor
          ? null
          : isCa(c) !== true
            ? `${displayName(c)} is not a CA`
            : !mayIssue(c, 'certificates')
              ? `${displayName(c)}: its key usage does not allow signing certificates`
              : null;
      const limit = i > 0 ? pathLength(c) : undefined;
      const below = chain.slice(1, i).filter((x) => !isSelfIssued(x)).length;
      const critical = c.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
      const why =
        caWhy ??
        (limit !== undefined && below > limit ? `${displayName(c)} allows ${limit} CA certificate(s) below it, the chain has ${below}` : null) ??
        (critical && !anchor ? `${displayName(c)} has an unrecognised critical extension ${critical.oid}` : null);
      if (why) {
        problems.push(problem('chain-invalid', severity, { detail: why }));
        broken = true;
      }
      // Name constraints of every CA above (self-issued intermediates are exempt, RFC 5280 §6.1.4).
      if (i === 0 || !isSelfIssued(c)) {
        for (let k = i + 1; k < chain.length; k++) {
          const excluded = nameConstraintViolation(chain[k], c);
          if (excluded) {
            problems.push(problem('chain-invalid', severity, { detail: excluded }));
            broken = true;
            break;
          }
        }
      }
      if (anchored && (c.notBefore > at || c.notAfter < at)) {
        problems.push(problem('certificate-expired', 'error', { subject: displayName(c), at: at.toISOString() }));
        broken = true;
      }
      const issuer = chain[i + 1];
      const isRoot = i === chain.length - 1 && (anchor || isSelfIssued(c));
      if (isRoot) continue;
      if (!issuer) {
        missingRevocation.push(displayName(c));
        revocation = 'unknown';
        continue;
      }
      const r = await this.revocationOf(c, issuer, at);
      if (r.status === 'revoked') {
        problems.push(problem('certificate-revoked', 'error', { subject: displayName(c), date: r.date?.toISOString() ?? '?' }));
        revocation = 'revoked';
        broken = true;
      } else if (r.status === 'unknown') {
        if (r.stale) problems.push(problem('revocation-stale', 'warning', { subject: displayName(c), at: at.toISOString() }));
        missingRevocation.push(displayName(c));
        if (revocation === 'good') revocation = 'unknown';
      }
    }
    let status: TrustResult['status'];
    if (!anchored) {
      status = revocation === 'revoked' ? 'untrusted' : 'unknown';
      if (status === 'unknown') problems.push(problem('trust-unknown', 'warning'));
    } else status = broken ? 'untrusted' : 'trusted';
    return { status, chain, anchored, complete, revocation, missingRevocation, problems };
  }
}
