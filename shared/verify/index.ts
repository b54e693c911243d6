/**
 * The validation core (issue 4), browser-safe: `verifyPdf(bytes, { trustAnchors, at })` → plain data
 * shaped as DESIGN.md §3. Renderers (CLI, side panel, verify page) only display the report.
 */
export { verifyPdf, type VerifyOptions } from './verify.js';
export { useSignatureBackend, type DigestFn, type DigestName, type SignatureBackend } from './crypto/algorithms.js';
export {
  LEVELS,
  type Change,
  type ChangeKind,
  type ModificationLevel,
  type Problem,
  type Severity,
  type SignatureReport,
  type SignerIdentity,
  type VerificationReport,
  type Verdict,
} from './report.js';
