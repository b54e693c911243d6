/**
 * Document-level dictionaries: the AcroForm (fields may be added only as new signature fields, none
 * removed), the DSS (validation data, an LTA update), metadata (XMP stream, /Info) and the catalog,
 * whose keys may change only where one of these explains it.
 */
import { PdfRef, rethrowLimit, type PdfDict, type PdfDocument, type PdfObject } from '../../../pdf/index.js';
import { maxLevel, type ChangeKind, type ModificationLevel } from '../../report.js';
import { asDict, changedKeys, reachableChanged, refsIn } from '../diff.js';
import { subset, type ChangeRule } from './types.js';

function catalogOf(doc: PdfDocument): PdfDict | undefined {
  try {
    return doc.catalog();
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

function resolved(doc: PdfDocument, o: PdfObject | undefined): PdfObject | undefined {
  try {
    return doc.resolve(o);
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

/** Object numbers reachable from `start` in `doc` (bounded), for "belonged to X before". */
function reachable(doc: PdfDocument, start: PdfObject | undefined, limit = 50_000): Set<number> {
  const out = new Set<number>();
  const stack = refsIn(start);
  while (stack.length && out.size < limit) {
    const r = stack.pop()!;
    if (out.has(r.num)) continue;
    out.add(r.num);
    try {
      refsIn(doc.getObject(r.num), stack);
    } catch (e) {
      rethrowLimit(e);
      // unreadable
    }
  }
  return out;
}

export const acroFormRule: ChangeRule = {
  name: 'acroform',
  apply(ctx) {
    const { diff } = ctx;
    const cBefore = catalogOf(diff.before);
    const cAfter = catalogOf(diff.after);
    if (!cAfter) return;
    const formRef = cAfter.get('AcroForm');
    const fBefore = asDict(resolved(diff.before, cBefore?.get('AcroForm')));
    const fAfter = asDict(resolved(diff.after, formRef));
    if (!fAfter) return;
    const keys = changedKeys(fBefore, fAfter);
    if (!subset(keys, ['Fields', 'SigFlags', 'NeedAppearances', 'DR', 'DA'])) return;
    const oldFields = refsOfArray(diff.before, fBefore?.get('Fields'));
    const newFields = refsOfArray(diff.after, fAfter.get('Fields'));
    const newNums = new Set(newFields.map((r) => r.num));
    if (oldFields.some((r) => !newNums.has(r.num))) return; // a field was removed
    let level: ModificationLevel = 'lta';
    const oldNums = new Set(oldFields.map((r) => r.num));
    for (const r of newFields) {
      if (oldNums.has(r.num)) continue;
      const sig = ctx.newSignatureFields.get(r.num);
      if (!sig) return; // only signature fields may be added after signing
      level = maxLevel(level, sig.level);
    }
    const onlyFields = keys.every((k) => k === 'Fields' || k === 'SigFlags');
    if (!onlyFields) level = maxLevel(level, 'form');
    const l = level as 'lta' | 'form';
    const kind: ChangeKind = !onlyFields ? 'form-fill' : l === 'lta' ? 'timestamp-added' : 'signature-added';
    ctx.acroFormLevel = l;
    ctx.acroFormKind = kind;
    if (formRef instanceof PdfRef && diff.changes.has(formRef.num)) ctx.claim({ object: formRef.num, level: l, kind, detail: '/AcroForm' });
    const fieldsRef = fAfter.get('Fields');
    if (fieldsRef instanceof PdfRef && diff.changes.has(fieldsRef.num)) ctx.claim({ object: fieldsRef.num, level: l, kind, detail: '/AcroForm /Fields' });
    // New resources (fonts for appearances) in /DR.
    for (const n of reachableChanged(diff, fAfter.get('DR'))) ctx.claim({ object: n, level: 'form', kind: 'form-fill', detail: '/AcroForm /DR' });
  },
};

function refsOfArray(doc: PdfDocument, o: PdfObject | undefined): PdfRef[] {
  const a = resolved(doc, o);
  return Array.isArray(a) ? (a.filter((x) => x instanceof PdfRef) as PdfRef[]) : [];
}

export const dssRule: ChangeRule = {
  name: 'dss',
  apply(ctx) {
    const { diff } = ctx;
    const dssAfter = catalogOf(diff.after)?.get('DSS');
    if (dssAfter === undefined) return;
    const dssBefore = catalogOf(diff.before)?.get('DSS');
    const owned = reachable(diff.before, dssBefore === undefined ? undefined : [dssBefore]);
    const start = [dssAfter];
    for (const n of reachableChanged(diff, start, (num) => owned.has(num))) ctx.claim({ object: n, level: 'lta', kind: 'dss', detail: '/DSS' });
  },
};

export const metadataRule: ChangeRule = {
  name: 'metadata',
  apply(ctx) {
    const { diff } = ctx;
    const mAfter = catalogOf(diff.after)?.get('Metadata');
    const mBefore = catalogOf(diff.before)?.get('Metadata');
    if (mAfter instanceof PdfRef) {
      const ch = diff.changes.get(mAfter.num);
      const sameObject = mBefore instanceof PdfRef && mBefore.num === mAfter.num;
      if (ch && (ch.before === undefined || sameObject)) ctx.claim({ object: mAfter.num, level: 'lta', kind: 'metadata', detail: 'XMP metadata' });
    }
    const iAfter = diff.after.trailer.get('Info');
    const iBefore = diff.before.trailer.get('Info');
    if (iAfter instanceof PdfRef) {
      const ch = diff.changes.get(iAfter.num);
      const sameObject = iBefore instanceof PdfRef && iBefore.num === iAfter.num;
      if (ch && (ch.before === undefined || sameObject) && asDict(ch.after)) ctx.claim({ object: iAfter.num, level: 'lta', kind: 'metadata', detail: '/Info' });
    }
  },
};

/** Catalog keys each explained by one rule; anything else changing in the catalog is "other". */
const CATALOG_KEYS: Record<string, (ctx: Parameters<ChangeRule['apply']>[0]) => ModificationLevel | undefined> = {
  DSS: () => 'lta',
  Extensions: () => 'lta',
  Version: () => 'lta',
  Metadata: () => 'lta',
  AcroForm: (ctx) => ctx.acroFormLevel,
  Names: (ctx) => ctx.namesLevel,
};

/**
 * The catalog's /Names may change only in its /AP tree: appearance streams Acrobat stores for the
 * icons of comments it adds (an annotation-level change).
 */
export const annotationAppearanceNamesRule: ChangeRule = {
  name: 'names-ap',
  apply(ctx) {
    const { diff } = ctx;
    const nAfterRef = catalogOf(diff.after)?.get('Names');
    const nBefore = asDict(resolved(diff.before, catalogOf(diff.before)?.get('Names')));
    const nAfter = asDict(resolved(diff.after, nAfterRef));
    if (!nAfter) return;
    const keys = changedKeys(nBefore, nAfter);
    if (!subset(keys, ['AP'])) return;
    const owned = reachable(diff.before, nBefore?.get('AP'));
    for (const n of reachableChanged(diff, nAfter.get('AP'), (num) => owned.has(num))) {
      ctx.claim({ object: n, level: 'annotations', kind: 'annotation-added', detail: '/Names /AP' });
    }
    if (nAfterRef instanceof PdfRef && diff.changes.has(nAfterRef.num)) {
      ctx.claim({ object: nAfterRef.num, level: 'annotations', kind: 'annotation-added', detail: '/Names /AP' });
    }
    ctx.namesLevel = keys.length ? 'annotations' : undefined;
  },
};

export const catalogRule: ChangeRule = {
  name: 'catalog',
  apply(ctx) {
    const { diff } = ctx;
    const root = diff.after.trailer.get('Root');
    if (!(root instanceof PdfRef)) return;
    const ch = diff.changes.get(root.num);
    if (!ch || ch.before === undefined) return;
    let level: ModificationLevel = 'lta';
    let kind: ChangeKind = 'dss';
    for (const key of changedKeys(asDict(ch.before), asDict(ch.after))) {
      const l = CATALOG_KEYS[key]?.(ctx);
      if (!l) return;
      if (maxLevel(level, l) !== level || key === 'AcroForm' || key === 'Names') {
        kind = key === 'AcroForm' ? ctx.acroFormKind ?? 'form-fill' : key === 'Names' ? 'annotation-added' : key === 'Metadata' ? 'metadata' : 'dss';
      }
      level = maxLevel(level, l);
    }
    ctx.claim({ object: root.num, level, kind, detail: 'catalog' });
  },
};
