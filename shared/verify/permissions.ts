/**
 * Certification (DocMDP, ISO 32000-1 §12.8.2.2) and field locks (FieldMDP, §12.8.2.4) enforced on the
 * classified changes after a signature. P=1: only validation data and document timestamps (PAdES);
 * P=2: plus form filling and invisible signing; P=3: plus annotations. A visible signature added to a
 * certified document is flagged unless P=3 (the "sneaky signature" attack, Mainka et al. 2021).
 */
import { LEVELS, problem, type Change, type ModificationLevel, type Problem } from './report.js';

export interface Permissions {
  docMdp?: 1 | 2 | 3;
  fieldMdp?: { action: 'All' | 'Include' | 'Exclude'; fields: string[] };
}

const ALLOWED_BY_P: Record<1 | 2 | 3, ModificationLevel> = { 1: 'lta', 2: 'form', 3: 'annotations' };

export function locked(lock: NonNullable<Permissions['fieldMdp']>, field: string): boolean {
  const listed = lock.fields.some((f) => f === field || field.startsWith(`${f}.`));
  return lock.action === 'All' || (lock.action === 'Include' ? listed : !listed);
}

export function enforcePermissions(perms: Permissions, level: ModificationLevel, changes: Change[]): Problem[] {
  const out: Problem[] = [];
  if (perms.docMdp) {
    const allowed = ALLOWED_BY_P[perms.docMdp];
    if (LEVELS.indexOf(level) > LEVELS.indexOf(allowed)) out.push(problem('docmdp-violation', 'error', { p: perms.docMdp }));
    if (perms.docMdp < 3 && changes.some((c) => c.kind === 'signature-added' && c.visible)) {
      out.push(problem('visible-signature-on-certified', 'error'));
    }
  }
  if (perms.fieldMdp) {
    const hit = changes.find((c) => c.field !== undefined && (c.kind === 'form-fill' || c.kind === 'signature-added') && locked(perms.fieldMdp!, c.field));
    // A warning, as in EU DSS's default policy (the corpus' test-with-vri.pdf expects "intact"): the
    // change is listed and the verdict can be at best "valid-with-changes", never "valid".
    if (hit) out.push(problem('fieldmdp-violation', 'warning', { field: hit.field! }));
  }
  return out;
}
