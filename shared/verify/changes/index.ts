/**
 * The diff walker: for each later revision, diff it against its predecessor and let the rules explain
 * the changed objects. Unexplained changes are "other"; new objects nothing refers to are ignored.
 */
import { PdfRef, rethrowLimit, type PdfDocument } from '../../pdf/index.js';
import { maxLevel, type Change, type ModificationLevel } from '../report.js';
import { diffRevision } from './diff.js';
import { ReferenceIndex } from './references.js';
import { ALLOWED_CHANGE_RULES, type RuleContext } from './rules/index.js';

export interface RevisionChanges {
  /** 1-based version number. */
  version: number;
  level: ModificationLevel;
  changes: Change[];
}

export function analyseRevision(doc: PdfDocument, index: number): RevisionChanges {
  const before = doc.atRevision(index - 1);
  const after = doc.atRevision(index);
  const version = index + 1;
  const diff = diffRevision(before, after);
  const claims = new Map<number, Change>();
  const loose: Change[] = [];
  let pageIndex: Map<number, number> | undefined;
  const ctx: RuleContext = {
    diff,
    claim(c) {
      if (c.object === undefined) {
        loose.push({ ...c, revision: version });
        return;
      }
      if (!diff.changes.has(c.object)) return;
      const prev = claims.get(c.object);
      if (!prev || maxLevel(prev.level, c.level) === c.level) claims.set(c.object, { ...c, revision: version });
    },
    isClaimed: (n) => claims.has(n),
    beforeRefs: new ReferenceIndex(before),
    afterRefs: new ReferenceIndex(after),
    newSignatureFields: new Map(),
    newSignatureWidgets: new Map(),
    pageOf(num) {
      if (!pageIndex) {
        pageIndex = new Map();
        try {
          for (const p of after.pages()) pageIndex.set(p.ref.num, p.index + 1);
        } catch (e) {
          rethrowLimit(e);
          // no page numbers then
        }
      }
      return pageIndex.get(num);
    },
  };
  for (const rule of ALLOWED_CHANGE_RULES) {
    try {
      rule.apply(ctx);
    } catch (e) {
      rethrowLimit(e);
      // A rule that cannot read what it needs explains nothing: its objects stay "other".
    }
  }
  const changes: Change[] = [...loose];
  let level: ModificationLevel = 'none';
  for (const c of loose) level = maxLevel(level, c.level);
  for (const [num, ch] of diff.changes) {
    const claim = claims.get(num);
    if (claim) {
      changes.push(claim);
      level = maxLevel(level, claim.level);
      continue;
    }
    if (!ch.unreadable && (ch.before === undefined || ch.after === undefined)) {
      // New (or freed) objects that nothing refers to change nothing a reader shows.
      const refs = ctx.afterRefs.referrers(num);
      if (refs && refs.size === 0) continue;
    }
    const page = ctx.pageOf(num);
    changes.push({
      revision: version,
      kind: 'other',
      level: 'other',
      object: num,
      page,
      detail: ch.unreadable ? 'unreadable object' : ch.before === undefined ? 'new object' : ch.after === undefined ? 'object deleted' : 'object changed',
    });
    level = 'other';
  }
  for (const key of diff.trailerChanges) {
    if (key === 'Info') {
      const info = after.trailer.get('Info');
      if (info instanceof PdfRef && claims.has(info.num)) continue;
      if (info instanceof PdfRef && !diff.changes.has(info.num)) {
        changes.push({ revision: version, kind: 'metadata', level: 'lta', detail: 'trailer /Info' });
        level = maxLevel(level, 'lta');
        continue;
      }
    }
    changes.push({ revision: version, kind: 'other', level: 'other', detail: `trailer /${key} changed` });
    level = 'other';
  }
  return { version, level, changes };
}
