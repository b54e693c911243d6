/**
 * An allowed-change rule looks at one revision's diff and claims the objects it explains, each with a
 * level (none < lta < form < annotations < other). Whatever no rule claims is "other". Rules share a
 * little state (the signature fields and widgets added in this revision) through the context.
 */
import { PdfDict, PdfRef, rethrowLimit, type PdfDocument, type PdfObject } from '../../../pdf/index.js';
import { reachableChanged, refsIn } from '../diff.js';
import { TRAILER } from '../references.js';
import type { Change, ChangeKind } from '../../report.js';
import type { RevisionDiff } from '../diff.js';
import type { ReferenceIndex } from '../references.js';

export type Claim = Omit<Change, 'revision'>;

export interface RuleContext {
  diff: RevisionDiff;
  claim(c: Claim): void;
  isClaimed(num: number): boolean;
  /** Referrers as of the previous revision / this revision. */
  beforeRefs: ReferenceIndex;
  afterRefs: ReferenceIndex;
  /** Signature fields and widgets this revision adds (filled by the signature rule). */
  newSignatureFields: Map<number, { level: 'lta' | 'form'; visible: boolean }>;
  newSignatureWidgets: Map<number, { level: 'lta' | 'form'; visible: boolean }>;
  /** Level at which the AcroForm dictionary's change is explained, if it is (filled by the AcroForm rule). */
  acroFormLevel?: 'lta' | 'form';
  acroFormKind?: ChangeKind;
  /** Level at which a change of the catalog's /Names is explained, if it is (filled by the names rule). */
  namesLevel?: 'annotations';
  /** 1-based page number of a page object in the new revision. */
  pageOf(num: number): number | undefined;
}

export interface ChangeRule {
  name: string;
  apply(ctx: RuleContext): void;
}

/** A terminal field's widgets: itself when merged, else its /Kids without /T. */
export function widgetsOf(doc: PdfDocument, field: PdfDict, fieldRef: PdfRef | undefined): { ref: PdfRef | undefined; dict: PdfDict }[] {
  const out: { ref: PdfRef | undefined; dict: PdfDict }[] = [];
  if (field.isName('Subtype', 'Widget') || field.has('Rect')) out.push({ ref: fieldRef, dict: field });
  const kids = doc.resolve(field.get('Kids'));
  if (Array.isArray(kids)) {
    for (const k of kids.slice(0, 1000)) {
      const d = doc.dict(k);
      if (d && !d.has('T')) out.push({ ref: k instanceof PdfRef ? k : undefined, dict: d });
    }
  }
  return out;
}

/** Object `num` of `doc`, undefined when free or unreadable (work limits still propagate). */
export function objectAt(doc: PdfDocument, num: number): PdfObject | undefined {
  try {
    return doc.getObject(num) ?? undefined;
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

/** Visible: a non-empty /Rect and neither Hidden (2) nor NoView (32) in /F. */
export function isVisible(doc: PdfDocument, annot: PdfDict): boolean {
  const r = doc.resolve(annot.get('Rect'));
  const f = doc.resolve(annot.get('F'));
  const flags = typeof f === 'number' ? f : 0;
  if (flags & 2 || flags & 32) return false;
  if (!Array.isArray(r) || r.length !== 4 || !r.every((x) => typeof x === 'number')) return false;
  const [x1, y1, x2, y2] = r as number[];
  return Math.abs(x2 - x1) > 0 && Math.abs(y2 - y1) > 0;
}

export function rectOf(doc: PdfDocument, annot: PdfDict): number[] | undefined {
  const r = doc.resolve(annot.get('Rect'));
  return Array.isArray(r) && r.every((x) => typeof x === 'number') ? (r as number[]) : undefined;
}

export function subset(keys: string[], allowed: string[]): boolean {
  return keys.every((k) => allowed.includes(k));
}

/** Object numbers reachable from an /AP through dictionaries (depth-bounded), as of `doc`. */
function appearanceObjects(doc: PdfDocument, ap: PdfObject | undefined): Set<number> {
  const out = new Set<number>();
  const stack: [PdfObject | undefined, number][] = [[ap, 0]];
  while (stack.length) {
    const [o, depth] = stack.pop()!;
    if (depth > 3) continue;
    for (const r of refsIn(o)) {
      if (out.has(r.num)) continue;
      out.add(r.num);
      try {
        const v = doc.getObject(r.num);
        if (v instanceof PdfDict) stack.push([v, depth + 1]); // follow dictionaries, not streams' resources
      } catch (e) {
        rethrowLimit(e);
        // unreadable: nothing more to follow
      }
    }
  }
  return out;
}

/**
 * A widget's appearance replaced in this revision. Allowed only when the old appearance objects were
 * used by this widget alone: re-pointing or rewriting an appearance that something else (page content,
 * another field, even the trailer) also uses would change more than this widget (pyHanko's "clobber"
 * cases). Claims the new/rewritten appearance objects; returns false when not allowed.
 */
export function claimAppearanceUpdate(
  ctx: RuleContext,
  widgetNum: number | undefined,
  apBefore: PdfObject | undefined,
  apAfter: PdfObject | undefined,
  claim: Omit<Claim, 'object'>,
): boolean {
  const { diff } = ctx;
  const own = appearanceObjects(diff.before, apBefore);
  const allowedReferrers = new Set([...own, ...(widgetNum === undefined ? [] : [widgetNum])]);
  for (const num of own) {
    const refs = ctx.beforeRefs.referrers(num);
    if (!refs) return false;
    for (const r of refs) if (r === TRAILER || !allowedReferrers.has(r)) return false;
  }
  for (const n of reachableChanged(diff, apAfter, (num) => own.has(num))) ctx.claim({ ...claim, object: n });
  return true;
}
