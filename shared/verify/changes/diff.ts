/**
 * Object-level diff of one revision against the previous one (PADES.md "ISA"): every object number the
 * new revision's xref defines or frees, compared by value — so an xref-only redefinition that points an
 * object at an older offset (shadow hide-and-replace) shows as the change it is.
 */
import { PdfDict, PdfRef, PdfStream, isName, objectsEqual, rethrowLimit, type PdfDocument, type PdfObject } from '../../pdf/index.js';

export interface ObjectChange {
  num: number;
  /** undefined: the object did not exist (or was free) before. */
  before: PdfObject | undefined;
  /** undefined: the revision frees the object. */
  after: PdfObject | undefined;
  /** Reading failed: treated as an unexplained change. */
  unreadable?: boolean;
}

export interface RevisionDiff {
  before: PdfDocument;
  after: PdfDocument;
  /** 1-based version number of `after`. */
  version: number;
  changes: Map<number, ObjectChange>;
  /** Trailer keys whose meaning changed (/Root, /Encrypt, /Info). */
  trailerChanges: string[];
}

function load(doc: PdfDocument, num: number): { value: PdfObject | undefined; error: boolean } {
  const e = doc.xrefEntry(num);
  if (!e || e.type === 'free') return { value: undefined, error: false };
  try {
    return { value: doc.getObject(num) ?? undefined, error: false };
  } catch (e) {
    rethrowLimit(e);
    return { value: undefined, error: true };
  }
}

function isStructural(v: PdfObject | undefined): boolean {
  return v instanceof PdfStream && (isName(v.dict.get('Type'), 'XRef') || isName(v.dict.get('Type'), 'ObjStm'));
}

export function diffRevision(before: PdfDocument, after: PdfDocument): RevisionDiff {
  const changes = new Map<number, ObjectChange>();
  for (const num of after.revision.objectNumbers) {
    if (num === 0) continue;
    const b = load(before, num);
    const a = load(after, num);
    if (a.error || b.error) {
      changes.set(num, { num, before: b.value, after: a.value, unreadable: true });
      continue;
    }
    if (isStructural(a.value) || (isStructural(b.value) && a.value === undefined)) continue;
    if (objectsEqual(a.value, b.value)) continue;
    changes.set(num, { num, before: b.value, after: a.value });
  }
  const trailerChanges: string[] = [];
  for (const key of ['Root', 'Encrypt', 'Info']) {
    if (!objectsEqual(before.trailer.get(key), after.trailer.get(key))) trailerChanges.push(key);
  }
  return { before, after, version: after.revisionIndex + 1, changes, trailerChanges };
}

/** References directly inside an object (not followed). */
export function refsIn(o: PdfObject | undefined, out: PdfRef[] = [], depth = 0): PdfRef[] {
  if (depth > 32 || o === undefined || o === null) return out;
  if (o instanceof PdfRef) out.push(o);
  else if (Array.isArray(o)) for (const x of o) refsIn(x, out, depth + 1);
  else if (o instanceof PdfDict) for (const v of o.map.values()) refsIn(v, out, depth + 1);
  else if (o instanceof PdfStream) refsIn(o.dict, out, depth + 1);
  return out;
}

/** Keys whose values differ between two dictionaries (missing on either side counts). */
export function changedKeys(a: PdfDict | undefined, b: PdfDict | undefined): string[] {
  const keys = new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])]);
  return [...keys].filter((k) => !objectsEqual(a?.get(k), b?.get(k)));
}

export function asDict(o: PdfObject | undefined): PdfDict | undefined {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return undefined;
}

/**
 * Objects changed in this revision reachable from `start` through changed objects only (new objects,
 * and — when `mayModify` says so — modified ones). Bounded.
 */
export function reachableChanged(diff: RevisionDiff, start: PdfObject | undefined, mayModify: (num: number) => boolean = () => false): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = refsIn(start);
  while (stack.length && out.length < 100_000) {
    const r = stack.pop()!;
    if (seen.has(r.num)) continue;
    seen.add(r.num);
    const ch = diff.changes.get(r.num);
    if (!ch) continue;
    if (ch.before !== undefined && !mayModify(r.num)) continue;
    out.push(r.num);
    refsIn(ch.after, stack);
  }
  return out;
}
