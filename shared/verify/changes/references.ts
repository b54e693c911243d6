/**
 * Who refers to whom in one revision: built only when a rule must know whether an object is shared
 * (an appearance stream also drawn by page content) or whether a new object was already referenced.
 * Bounded: past the budget every question answers "shared" (fail closed).
 */
import { rethrowLimit, type PdfDocument } from '../../pdf/index.js';
import { refsIn } from './diff.js';

export const TRAILER = -1;

export class ReferenceIndex {
  private index?: Map<number, Set<number>>;
  private overflow = false;
  constructor(
    private readonly doc: PdfDocument,
    private readonly maxObjects = 200_000,
  ) {}

  private build(): Map<number, Set<number>> {
    if (this.index) return this.index;
    const index = new Map<number, Set<number>>();
    const add = (from: number, to: number) => {
      let s = index.get(to);
      if (!s) index.set(to, (s = new Set()));
      s.add(from);
    };
    for (const r of refsIn(this.doc.trailer)) add(TRAILER, r.num);
    let n = 0;
    for (const [num, e] of this.doc.xref()) {
      if (e.type === 'free') continue;
      if (++n > this.maxObjects) {
        this.overflow = true;
        break;
      }
      try {
        for (const r of refsIn(this.doc.getObject(num))) add(num, r.num);
      } catch (e) {
        rethrowLimit(e);
        // unreadable objects refer to nothing we can see
      }
    }
    this.index = index;
    return index;
  }

  /** Objects (TRAILER for the trailer) that refer to `num`; undefined when the index overflowed. */
  referrers(num: number): Set<number> | undefined {
    const idx = this.build();
    if (this.overflow) return undefined;
    return idx.get(num) ?? new Set();
  }
}
