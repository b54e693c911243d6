/**
 * The allowed post-signature changes, in the order they run (later rules read what earlier ones
 * found: the AcroForm and page rules need the new signature fields; the catalog rule needs the AcroForm).
 */
import { annotationsRule } from './annotations.js';
import { acroFormRule, annotationAppearanceNamesRule, catalogRule, dssRule, metadataRule } from './document.js';
import { formFillRule } from './form-fill.js';
import { signatureAddedRule } from './signatures.js';
import type { ChangeRule } from './types.js';

export const ALLOWED_CHANGE_RULES: readonly ChangeRule[] = [
  signatureAddedRule,
  formFillRule,
  annotationsRule,
  acroFormRule,
  dssRule,
  metadataRule,
  annotationAppearanceNamesRule,
  catalogRule,
];

export type { ChangeRule, Claim, RuleContext } from './types.js';
