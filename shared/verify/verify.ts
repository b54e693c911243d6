/**
 * The validation core: every signature and document timestamp of a PDF, by revision — integrity,
 * coverage, signer and trust, timestamps, LTV, changes after signing (with DocMDP/FieldMDP) — as plain
 * data. Browser-safe; fails closed; never throws.
 */
import {
  PdfDict,
  PdfError,
  PdfName,
  PdfRef,
  PdfString,
  isInt,
  objectsEqual,
  openPdf,
  parsePdfDate,
  rethrowLimit,
  type OpenOptions,
  type PdfDocument,
  type PdfObject,
} from '../pdf/index.js';
import { analyseRevision, type RevisionChanges } from './changes/index.js';
import { webDigest, type DigestFn } from './crypto/algorithms.js';
import { displayName, identity, parseCertificate, type Certificate } from './crypto/certificates.js';
import { parseSignedData, signatureTimestampToken, verifySignedData, verifyTimestampToken, type SignedDataResult, type TimestampResult } from './crypto/cms.js';
import { enforcePermissions, locked, type Permissions } from './permissions.js';
import {
  maxLevel,
  problem,
  type Change,
  type ModificationLevel,
  type Problem,
  type SignatureReport,
  type VerificationReport,
  type Verdict,
} from './report.js';
import { TrustContext, type TrustResult } from './trust/chain.js';
import { readDss, type Dss } from './trust/dss.js';

export interface VerifyOptions {
  /** Trust anchors (DER certificates). Only these are ever trusted. */
  trustAnchors?: Uint8Array[];
  /** Judge certificate validity at this time instead of the timestamp's / the claimed time. */
  at?: Date;
  /** Hash implementation (default: WebCrypto over a concatenation of the ranges). */
  digest?: DigestFn;
  /** Reader limits (hostile input). */
  limits?: OpenOptions;
}

interface Candidate {
  num: number;
  field: string;
  fieldRef: PdfRef | undefined;
  /** The signature dictionary is a direct object inside the field. */
  direct: boolean;
}

const MAX_SIGNATURES = 300;
/** Changes listed per signature (the level always reflects all of them). */
const MAX_LISTED_CHANGES = 1000;

const DEFAULT_LIMITS: OpenOptions = { maxTokens: 20_000_000, maxDecodedBytes: 512 * 1024 * 1024, maxStreamBytes: 128 * 1024 * 1024 };

export async function verifyPdf(bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerificationReport> {
  try {
    return await run(bytes, options);
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): VerificationReport {
  let code: 'not-pdf' | 'too-complex' | 'broken-file' | 'internal-error' = 'internal-error';
  if (e instanceof PdfError) {
    code = e.code === 'not-pdf' ? 'not-pdf' : e.code === 'too-complex' || e.code === 'too-large' ? 'too-complex' : 'broken-file';
  } else if (e instanceof RangeError) code = 'too-complex'; // e.g. allocation failure on absurd sizes
  return { verdict: 'invalid', signatures: [], problems: [problem(code, 'error')], revisions: 0, pageCount: null };
}

function findCandidates(doc: PdfDocument): Candidate[] {
  const out = new Map<string, Candidate>();
  for (let i = doc.revisions.length - 1; i >= 0; i--) {
    let fields;
    try {
      fields = doc.atRevision(i).fields();
    } catch (e) {
      rethrowLimit(e);
      continue;
    }
    for (const f of fields) {
      const v = f.dict.get('V');
      // /FT /Sig fields, and any field whose value looks like a signature dictionary: a damaged or
      // forged /FT must not make a signature silently disappear (fail closed).
      if (f.type !== 'Sig' && !looksLikeSignature(doc.atRevision(i), v)) continue;
      if (v instanceof PdfRef) {
        const key = `i${v.num}`;
        if (!out.has(key)) out.set(key, { num: v.num, field: f.name, fieldRef: f.ref, direct: false });
      } else if (v instanceof PdfDict && f.ref) {
        const key = `d${f.ref.num}`;
        if (!out.has(key)) out.set(key, { num: f.ref.num, field: f.name, fieldRef: f.ref, direct: true });
      }
    }
  }
  return [...out.values()];
}

function looksLikeSignature(doc: PdfDocument, v: PdfObject | undefined): boolean {
  try {
    const d = doc.dict(v);
    return !!d && (d.has('ByteRange') || (d.has('Contents') && d.has('Filter')));
  } catch (e) {
    rethrowLimit(e);
    return false;
  }
}

function sigDictOf(doc: PdfDocument, c: Candidate): PdfDict | undefined {
  try {
    const o = doc.getObject(c.num);
    if (c.direct) {
      const v = o instanceof PdfDict ? o.get('V') : undefined;
      return v instanceof PdfDict ? v : undefined;
    }
    return o instanceof PdfDict ? o : undefined;
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

function textOf(doc: PdfDocument, o: PdfObject | undefined): string | null {
  try {
    const v = doc.resolve(o);
    return v instanceof PdfString ? v.text() : null;
  } catch (e) {
    rethrowLimit(e);
    return null;
  }
}

function nameOf(o: PdfObject | undefined): string | null {
  return o instanceof PdfName ? o.name : null;
}

async function run(bytes: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  const digestFn = options.digest ?? webDigest;
  const doc = openPdf(bytes, { ...DEFAULT_LIMITS, ...options.limits });
  const fileProblems: Problem[] = [];
  let pageCount: number | null = null;
  try {
    pageCount = doc.declaredPageCount();
  } catch (e) {
    rethrowLimit(e);
    pageCount = null;
  }
  if (doc.isEncrypted) fileProblems.push(problem('encrypted', 'error'));
  const candidates = findCandidates(doc);
  // Each signature looks at every later revision: bound the product on hostile files.
  if (candidates.length > MAX_SIGNATURES) throw new PdfError('too-complex', `more than ${MAX_SIGNATURES} signatures`);
  const anchors = (options.trustAnchors ?? []).map(parseCertificate).filter((c): c is Certificate => !!c);
  const dss = readDss(doc);
  const revisionChanges = new Map<number, RevisionChanges>();
  const changesOf = (index: number): RevisionChanges => {
    let r = revisionChanges.get(index);
    if (!r) {
      try {
        r = analyseRevision(doc, index);
      } catch (e) {
        rethrowLimit(e);
        r = { version: index + 1, level: 'other', changes: [{ revision: index + 1, kind: 'other', level: 'other', detail: e instanceof Error ? e.message : 'unreadable revision' }] };
      }
      revisionChanges.set(index, r);
    }
    return r;
  };
  const trust = new TrustContext(anchors, dss.certs, { crls: dss.crls, ocsps: dss.ocsps }, digestFn);
  const lastEnd = doc.revisions[doc.revisions.length - 1].end;
  const trailing = bytes.subarray(lastEnd);
  const appended = trailing.some((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x00 && b !== 0x0c);

  const reports: SignatureReport[] = [];
  const permissions = new Map<SignatureReport, Permissions>();
  for (const c of candidates) {
    const { report, perms } = await verifyOne(doc, bytes, c, { digestFn, trust, dss, at: options.at, changesOf, appended });
    reports.push(report);
    permissions.set(report, perms);
  }
  reports.sort((a, b) => a.revision - b.revision || a.field.localeCompare(b.field));
  markSignedChanges(reports, permissions);
  if (appended && reports.length === 0) fileProblems.push(problem('appended-data', 'warning'));
  return {
    verdict: verdictOf(reports, fileProblems),
    signatures: reports,
    problems: fileProblems,
    revisions: doc.revisions.length,
    pageCount,
  };
}

function verdictOf(reports: SignatureReport[], fileProblems: Problem[]): Verdict {
  const fileError = fileProblems.some((p) => p.severity === 'error');
  if (reports.length === 0) return fileError ? 'invalid' : 'unsigned';
  if (fileError) return 'invalid';
  const bad = reports.some(
    (r) => r.integrity !== 'valid' || r.coverage === 'nonstandard' || r.modificationsAfter.level === 'other' || r.problems.some((p) => p.severity === 'error'),
  );
  if (bad) return 'invalid';
  if (reports.some((r) => r.trust !== 'trusted')) return 'unknown-trust';
  const substantive = reports.some((r) => r.modificationsAfter.changes.some(isModification) || r.problems.some((p) => p.code === 'fieldmdp-violation'));
  return substantive ? 'valid-with-changes' : 'valid';
}

/** A change that makes the document differ from what a signature signed (see markSignedChanges). */
function isModification(c: Change): boolean {
  return isSubstantive(c) && !c.signed;
}

/**
 * Adobe's rule for documents several people sign in turn: after signature N, form filling and signing
 * that its DocMDP permits (no DocMDP, P=2 or P=3), on fields its FieldMDP does not lock, and that a later
 * signature — valid and covering that revision — vouches for, are the next signers' own acts, not
 * modifications of what N signed. They stay listed (marked `signed`). A fill after the last valid
 * signature is covered by nobody and still makes the verdict "valid-with-changes". A document timestamp
 * proves when, not who: it covers nothing here. A visible signature added later stays a change to look
 * at even when permitted: its appearance draws on the page (the "sneaky signature" of Mainka et al.).
 */
function markSignedChanges(reports: SignatureReport[], permissions: Map<SignatureReport, Permissions>): void {
  let coveredUpTo = 0;
  for (const r of reports) {
    if (r.kind === 'signature' && r.integrity === 'valid' && r.coverage !== 'nonstandard' && !r.problems.some((p) => p.severity === 'error')) {
      coveredUpTo = Math.max(coveredUpTo, r.revision);
    }
  }
  for (const r of reports) {
    const perms = permissions.get(r) ?? {};
    if (perms.docMdp === 1) continue;
    const changes = r.modificationsAfter.changes.map((c) =>
      c.level === 'form' &&
      (c.kind === 'form-fill' || (c.kind === 'signature-added' && !c.visible)) &&
      c.revision <= coveredUpTo &&
      !(perms.fieldMdp && c.field !== undefined && locked(perms.fieldMdp, c.field))
        ? { ...c, signed: true }
        : c,
    );
    r.modificationsAfter = { ...r.modificationsAfter, changes };
    const info = r.problems.findIndex((p) => p.code === 'changes-after');
    if (info >= 0 && !changes.some(isModification)) r.problems.splice(info, 1);
  }
}

/** Adding signatures, timestamps, validation data and metadata is the normal life of a signed PDF. */
function isSubstantive(c: Change): boolean {
  if (c.kind === 'timestamp-added' || c.kind === 'dss' || c.kind === 'metadata') return false;
  if (c.kind === 'signature-added') return !!c.visible;
  return true;
}

interface Shared {
  digestFn: DigestFn;
  trust: TrustContext;
  dss: Dss;
  at?: Date;
  changesOf(index: number): RevisionChanges;
  appended: boolean;
}

async function verifyOne(doc: PdfDocument, bytes: Uint8Array, c: Candidate, s: Shared): Promise<{ report: SignatureReport; perms: Permissions }> {
  const problems: Problem[] = [];
  const latestDict = sigDictOf(doc, c);
  const report: SignatureReport = {
    field: c.field,
    kind: 'signature',
    revision: doc.revisions.length,
    signer: null,
    name: null,
    reason: null,
    location: null,
    contactInfo: null,
    signingTime: null,
    timestampTime: null,
    timestamp: { status: 'absent', tsa: null, trust: null },
    subFilter: null,
    byteRange: null,
    digestAlgorithm: null,
    signatureAlgorithm: null,
    integrity: 'invalid',
    coverage: 'nonstandard',
    trust: 'unknown',
    trustTime: { at: (s.at ?? new Date()).toISOString(), source: s.at ? 'given' : 'now' },
    chain: [],
    revocation: 'unknown',
    certification: null,
    modificationsAfter: { level: 'none', changes: [] },
    ltv: { enabled: false, missing: [] },
    problems,
  };
  if (!latestDict) {
    problems.push(problem('contents-missing', 'error'));
    return { report, perms: {} };
  }

  // 1. ByteRange: exactly four non-negative integers starting at 0, inside the file.
  const br = doc.resolve(latestDict.get('ByteRange'));
  const range = Array.isArray(br) && br.length === 4 && br.every((x) => isInt(x) && x >= 0) ? (br as number[]) : undefined;
  report.byteRange = Array.isArray(br) && br.every((x) => typeof x === 'number') ? (br as number[]) : null;
  const [r0, r1, r2, r3] = range ?? [0, 0, 0, 0];
  if (!range || r0 !== 0 || r1 === 0 || r2 < r1 || r2 + r3 > bytes.length) {
    problems.push(problem('byte-range-invalid', 'error'));
  }
  const end = r2 + r3;

  // 2. The signed revision: the one ending where the signature's coverage ends.
  let revIndex = doc.revisions.findIndex((r) => r.end === end);
  const exact = revIndex >= 0;
  if (!exact) {
    revIndex = doc.revisions.findIndex((r) => r.end >= end);
    if (revIndex < 0) revIndex = doc.revisions.length - 1;
  }
  report.revision = revIndex + 1;
  const signedView = doc.atRevision(revIndex);
  const sig = sigDictOf(signedView, c) ?? latestDict;
  if (!objectsEqual(sig, latestDict)) problems.push(problem('signature-redefined', 'error'));
  if (sig.duplicateKeys.length) problems.push(problem('duplicate-keys', 'error'));

  // 3. What the signed revision says (never later redefinitions).
  report.name = textOf(signedView, sig.get('Name'));
  report.reason = textOf(signedView, sig.get('Reason'));
  report.location = textOf(signedView, sig.get('Location'));
  report.contactInfo = textOf(signedView, sig.get('ContactInfo'));
  const m = textOf(signedView, sig.get('M'));
  const claimed = m ? parsePdfDate(m) : undefined;
  report.signingTime = claimed ? claimed.toISOString() : null;
  const subFilter = nameOf(signedView.resolve(sig.get('SubFilter')));
  report.subFilter = subFilter;
  const isTimestamp = nameOf(sig.get('Type')) === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161';
  report.kind = isTimestamp ? 'timestamp' : 'signature';

  // 4. Coverage: the gap is exactly the /Contents hex string; the dictionary lies in the signed bytes.
  const contents = sig.get('Contents');
  let gapOk = false;
  if (!(contents instanceof PdfString)) {
    problems.push(problem('contents-missing', 'error'));
  } else {
    const entry = signedView.xrefEntry(c.num);
    const inFile = entry?.type === 'offset';
    gapOk = inFile && contents.hex && contents.start === r1 && contents.end === r2 && bytes[r1] === 0x3c && bytes[r2 - 1] === 0x3e;
    if (range && !gapOk) problems.push(problem('byte-range-gap', 'error'));
    if (!inFile || !(sig.start < r1 && sig.end > r2 && sig.end <= end)) problems.push(problem('dict-outside-signed-range', 'error'));
    if (contents.bytes.length === 0 || contents.bytes.every((b) => b === 0)) problems.push(problem('contents-empty', 'error'));
  }
  const coverageProblem = problems.some((p) => ['byte-range-invalid', 'byte-range-gap', 'dict-outside-signed-range'].includes(p.code));
  if (!coverageProblem && exact) report.coverage = end === bytes.length ? 'whole' : 'revision';
  else if (!coverageProblem && end === bytes.length) report.coverage = 'whole';
  else if (!exact) problems.push(problem('coverage-partial', 'error'));

  // 5. Cryptography.
  let cms: SignedDataResult | undefined;
  let tst: TimestampResult | undefined;
  const canHash = range !== undefined && r2 + r3 <= bytes.length && r1 <= r2;
  const parts = canHash ? [bytes.subarray(0, r1), bytes.subarray(r2, r2 + r3)] : [];
  const sd = contents instanceof PdfString && contents.bytes.length ? parseSignedData(contents.bytes) : undefined;
  if (contents instanceof PdfString && contents.bytes.length && !contents.bytes.every((b) => b === 0) && !sd) problems.push(problem('cms-malformed', 'error'));
  if (sd && canHash) {
    if (isTimestamp) {
      tst = await verifyTimestampToken(sd, parts, s.digestFn);
      problems.push(...tst.problems);
      report.integrity = tst.status;
      if (tst.genTime) report.timestampTime = tst.genTime.toISOString();
      if (tst.tsaCert) report.signer = identity(tst.tsaCert);
      report.timestamp = { status: tst.status === 'valid' ? 'valid' : 'invalid', tsa: tst.tsaCert ? displayName(tst.tsaCert) : null, trust: null };
    } else if (subFilter === 'adbe.pkcs7.detached' || subFilter === 'ETSI.CAdES.detached' || subFilter === 'adbe.pkcs7.sha1') {
      cms = await verifySignedData(sd, { detached: parts, expect: subFilter === 'adbe.pkcs7.sha1' ? 'sha1-digest' : 'detached', digestFn: s.digestFn });
      problems.push(...cms.problems);
      report.integrity = cms.status;
      if (cms.signerCert) report.signer = identity(cms.signerCert);
    } else {
      problems.push(problem('unsupported-subfilter', 'error', { subFilter: subFilter ?? '?' }));
      report.integrity = 'unsupported';
    }
    report.digestAlgorithm = cms?.digest ?? null;
    report.signatureAlgorithm = cms?.scheme ?? null;
  }
  if (coverageProblem && report.integrity === 'valid') report.integrity = 'invalid';

  // 6. Signature timestamp (unsigned attribute over the signature value).
  if (cms?.signerInfo && cms.status === 'valid') {
    const token = signatureTimestampToken(cms.signerInfo);
    if (token !== null) {
      tst = await verifyTimestampToken(token, [cms.signerInfo.signature], s.digestFn);
      report.timestamp = { status: tst.status === 'valid' ? 'valid' : 'invalid', tsa: tst.tsaCert ? displayName(tst.tsaCert) : null, trust: null };
      if (tst.status === 'valid' && tst.genTime) report.timestampTime = tst.genTime.toISOString();
      else {
        // Reported as the timestamp's problems, not the signature's (whose own checks passed).
        const detail = tst.problems.map((p) => p.code).join(', ') || 'token';
        const imprint = tst.problems.some((p) => p.code === 'timestamp-imprint-mismatch');
        problems.push(imprint ? problem('timestamp-imprint-mismatch', 'error') : problem('timestamp-invalid', 'error', { detail }));
      }
    }
  }

  // 7. Trust. The signature timestamp's TSA first: its time counts only when the token verifies and
  // the TSA chains to the trust list (with no trust list at all nothing is trusted anyway). Then the
  // signer, at the given time, else that timestamp's time, else the claimed /M — and the report says which.
  const signerCert = isTimestamp ? tst?.tsaCert : cms?.signerCert;
  let signerTrust: TrustResult | undefined;
  let tsaTrust: TrustResult | undefined;
  if (!isTimestamp && tst?.status === 'valid' && tst.tsaCert && tst.genTime) {
    tsaTrust = await s.trust.evaluate(tst.tsaCert, s.at ?? tst.genTime, tst.certificates, 'timestamping');
    report.timestamp.trust = tsaTrust.status;
    if (tsaTrust.status === 'untrusted') problems.push(problem('timestamp-untrusted', 'error'));
    else if (tsaTrust.status === 'unknown' && s.trust.anchors.length) problems.push(problem('timestamp-untrusted', 'warning'));
  }
  const timestampOk = !!tst && tst.status === 'valid' && !!tst.genTime && (isTimestamp || tsaTrust?.status === 'trusted' || s.trust.anchors.length === 0);
  const at = s.at ?? (timestampOk ? tst!.genTime! : claimed ?? new Date());
  report.trustTime = { at: at.toISOString(), source: s.at ? 'given' : timestampOk ? 'timestamp' : claimed ? 'claimed' : 'now' };
  if (signerCert && report.integrity === 'valid') {
    signerTrust = await s.trust.evaluate(signerCert, at, isTimestamp ? tst!.certificates : cms!.certificates, isTimestamp ? 'timestamping' : 'document-signing');
    report.trust = signerTrust.status;
    report.chain = signerTrust.chain.map(displayName);
    report.revocation = signerTrust.revocation;
    problems.push(...signerTrust.problems);
  }
  if (isTimestamp) report.timestamp.trust = report.trust;

  // 8. LTV: the DSS holds the chain and revocation data for offline validation.
  if (signerTrust) {
    const missing = [...signerTrust.missingRevocation, ...(tsaTrust?.missingRevocation ?? [])];
    if (!signerTrust.complete) missing.push(`chain of ${displayName(signerCert!)}`);
    if (tsaTrust && !tsaTrust.complete) missing.push(`chain of ${displayName(tst!.tsaCert!)}`);
    report.ltv = { enabled: s.dss.present && missing.length === 0, missing: s.dss.present ? missing : ['DSS', ...missing] };
  }

  // 9. Changes after this signature, classified by the allowed-change rules.
  let level: ModificationLevel = 'none';
  const changes: Change[] = [];
  for (let i = revIndex + 1; i < doc.revisions.length; i++) {
    const rc = s.changesOf(i);
    level = maxLevel(level, rc.level);
    for (const c of rc.changes) if (changes.length < MAX_LISTED_CHANGES) changes.push(c);
  }
  if (s.appended && end < bytes.length) {
    changes.push({ revision: doc.revisions.length + 1, kind: 'appended-data', level: 'other', detail: 'bytes after the last %%EOF' });
    level = 'other';
    problems.push(problem('appended-data', 'error'));
  }
  report.modificationsAfter = { level, changes };
  if (level === 'other') problems.push(problem('disallowed-changes', 'error'));
  else if (changes.some(isSubstantive)) problems.push(problem('changes-after', 'info', { level }));

  // 10. DocMDP / FieldMDP.
  const perms: Permissions = readPermissions(signedView, sig);
  if (perms.docMdp) report.certification = { permission: perms.docMdp };
  problems.push(...enforcePermissions(perms, level, changes));
  return { report, perms };
}

function readPermissions(doc: PdfDocument, sig: PdfDict): Permissions {
  const out: Permissions = {};
  try {
    const refs = doc.resolve(sig.get('Reference'));
    for (const r of Array.isArray(refs) ? refs : []) {
      const d = doc.dict(r);
      if (!d) continue;
      const method = nameOf(doc.resolve(d.get('TransformMethod')));
      const params = doc.dict(d.get('TransformParams'));
      if (method === 'DocMDP') {
        const p = doc.resolve(params?.get('P'));
        out.docMdp = p === 1 || p === 3 ? p : 2;
      } else if (method === 'FieldMDP' && params) out.fieldMdp = readLock(doc, params);
    }
    // A field's /Lock only tells the signing software what to lock; what binds is the FieldMDP
    // reference in the signed dictionary (ISO 32000-1 §12.7.4.5, §12.8.2.4).
  } catch (e) {
    rethrowLimit(e);
    // unreadable permissions: none enforced beyond the change levels
  }
  return out;
}

function readLock(doc: PdfDocument, d: PdfDict): Permissions['fieldMdp'] {
  const action = nameOf(doc.resolve(d.get('Action')));
  const fields = doc.resolve(d.get('Fields'));
  const names = Array.isArray(fields) ? fields.map((f) => textOf(doc, f)).filter((x): x is string => x !== null) : [];
  return { action: action === 'Include' || action === 'Exclude' ? action : 'All', fields: names };
}
