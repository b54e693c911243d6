/**
 * Subsetting a CID-keyed CFF font (Adobe TN #5176 CFF, TN #5177 Type 2 charstrings) to the glyphs a
 * revision uses: the CharStrings of those glyphs only (GIDs renumbered, CIDs kept through the
 * charset), the FDs they use, and only the subroutines they call, renumbered (call operands rewritten
 * for the new biases). The result is a FontFile3 /CIDFontType0C program.
 */
import { bias, CallGraph, encodeInt, scanCharstring } from './charstrings.js';
import { concat, dictEntry, readDict, readIndex, writeIndex, type Index } from './cff-structures.js';

/** Where the parts of a CID-keyed CFF lie. */
function layout(cff: Uint8Array) {
  const hdrSize = cff[2];
  const names = readIndex(cff, hdrSize);
  const tops = readIndex(cff, names.end);
  const strings = readIndex(cff, tops.end);
  const gsubrs = readIndex(cff, strings.end);
  const top = readDict(tops.item(0));
  const get = (op: string) => top.find((e) => e.op === op)?.operands;
  if (!get('12 30') || !get('12 37') || !get('12 36')) throw new Error('not a CID-keyed CFF font');
  return { hdrSize, names, tops, strings, gsubrs, top, get, charsetAt: get('15')![0] };
}

const cidMappers = new WeakMap<Uint8Array, (gid: number) => number>();

/** GID → CID through the font's charset (formats 0, 1, 2), memoised per font. */
export function cidMapper(cff: Uint8Array): (gid: number) => number {
  let m = cidMappers.get(cff);
  if (m) return m;
  const { charsetAt } = layout(cff);
  const format = cff[charsetAt];
  const memo = new Map<number, number>();
  m = (gid: number): number => {
    if (gid === 0) return 0;
    const hit = memo.get(gid);
    if (hit !== undefined) return hit;
    let cid: number;
    let at = charsetAt + 1;
    if (format === 0) cid = (cff[at + (gid - 1) * 2] << 8) | cff[at + (gid - 1) * 2 + 1];
    else {
      let g = 1;
      for (;;) {
        const first = (cff[at] << 8) | cff[at + 1];
        const nLeft = format === 1 ? cff[at + 2] : (cff[at + 2] << 8) | cff[at + 3];
        if (gid <= g + nLeft) {
          cid = first + (gid - g);
          break;
        }
        g += nLeft + 1;
        at += format === 1 ? 3 : 4;
      }
    }
    memo.set(gid, cid);
    return cid;
  };
  cidMappers.set(cff, m);
  return m;
}

export interface CffSubset {
  /** The subset CFF program. */
  data: Uint8Array;
}

/** Subsets a CID-keyed CFF to `gids` (original glyph ids; .notdef is always kept). */
export function subsetCidCff(cff: Uint8Array, gids: number[]): CffSubset {
  const { hdrSize, names, tops, strings, gsubrs, top, get } = layout(cff);
  const charStrings = readIndex(cff, get('17')![0]);
  const fdArray = readIndex(cff, get('12 36')![0]);
  const fdSelectAt = get('12 37')![0];
  const cidOf = cidMapper(cff);

  const fdOf = (gid: number): number => {
    const format = cff[fdSelectAt];
    if (format === 0) return cff[fdSelectAt + 1 + gid];
    const n = (cff[fdSelectAt + 1] << 8) | cff[fdSelectAt + 2];
    let fd = 0;
    for (let r = 0; r < n; r++) {
      const at = fdSelectAt + 3 + r * 3;
      if (((cff[at] << 8) | cff[at + 1]) > gid) break;
      fd = cff[at + 2];
    }
    return fd;
  };

  const fds = Array.from({ length: fdArray.count }, (_, i) => {
    const dict = readDict(fdArray.item(i));
    const priv = dict.find((e) => e.op === '18')!.operands;
    const privDict = readDict(cff.subarray(priv[1], priv[1] + priv[0]));
    const subrsOff = privDict.find((e) => e.op === '19')?.operands[0];
    const subrs = subrsOff === undefined ? readIndex(new Uint8Array([0, 0]), 0) : readIndex(cff, priv[1] + subrsOff);
    return { dict, privDict, subrs };
  });

  const kept = [0, ...new Set(gids.filter((g) => g > 0 && g < charStrings.count))];
  const graph = new CallGraph();
  for (const gid of kept) scanCharstring(charStrings.item(gid), fdOf(gid), gsubrs, fds[fdOf(gid)].subrs, graph);

  // Only the FDs the kept glyphs use, renumbered in FDSelect.
  const keptFds = [...new Set(kept.map(fdOf))].sort((a, b) => a - b);
  const fdIndex = new Map(keptFds.map((fd, i) => [fd, i]));

  // Subroutines: renumbered to the used ones when every call site is a literal (the usual case), else
  // kept at their numbers with the unused ones emptied to `return`.
  const RETURN = new Uint8Array([11]);
  const renumber = graph.renumberable;
  const order = (used: Set<number> | undefined) => [...(used ?? [])].sort((a, b) => a - b);
  const gOrder = order(graph.usedGlobal);
  const gNew = new Map(gOrder.map((old, i) => [old, i]));
  const lOrder = new Map(keptFds.map((fd) => [fd, order(graph.usedLocal.get(fd))]));
  const lNew = new Map(keptFds.map((fd) => [fd, new Map(lOrder.get(fd)!.map((old, i) => [old, i]))]));
  const rewrite = (buf: Uint8Array): Uint8Array => {
    const sites = graph.sites.get(buf.byteOffset);
    if (!renumber || !sites) return buf;
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const site of [...sites.values()].sort((a, b) => a.start - b.start)) {
      const index = site.local ? lNew.get(site.fd)!.get(site.index)! : gNew.get(site.index)!;
      const count = site.local ? lOrder.get(site.fd)!.length : gOrder.length;
      parts.push(buf.subarray(at, site.start), encodeInt(index - bias(count)));
      at = site.end;
    }
    parts.push(buf.subarray(at));
    return concat(parts);
  };
  const subrIndex = (all: Index, used: number[]) =>
    renumber
      ? writeIndex(used.map((i) => rewrite(all.item(i))))
      : writeIndex(Array.from({ length: all.count }, (_, i) => (used.includes(i) ? all.item(i) : RETURN)));

  const nameIdx = cff.subarray(hdrSize, names.end);
  const stringIdx = cff.subarray(tops.end, strings.end);
  const gsubrIdx = subrIndex(gsubrs, gOrder);
  const charset = concat([new Uint8Array([0]), ...kept.slice(1).map((g) => new Uint8Array([cidOf(g) >> 8, cidOf(g) & 0xff]))]);
  const fdSelect = new Uint8Array([0, ...kept.map((g) => fdIndex.get(fdOf(g))!)]);
  const charStringsIdx = writeIndex(kept.map((g) => rewrite(charStrings.item(g))));
  const privates = keptFds.map((fd) => {
    const used = lOrder.get(fd)!;
    const subrs = used.length ? subrIndex(fds[fd].subrs, used) : new Uint8Array();
    const rest = fds[fd].privDict.filter((e) => e.op !== '19').map((e) => e.raw);
    const len = rest.reduce((n, r) => n + r.length, 0) + (subrs.length ? 6 : 0);
    return { dict: concat([...rest, ...(subrs.length ? [dictEntry('19', [len])] : [])]), subrs };
  });

  const topWith = (offs: { charset: number; fdSelect: number; charStrings: number; fdArray: number }) =>
    writeIndex([
      concat([
        ...top.filter((e) => !['15', '17', '12 36', '12 37'].includes(e.op)).map((e) => e.raw),
        dictEntry('15', [offs.charset]),
        dictEntry('12 37', [offs.fdSelect]),
        dictEntry('17', [offs.charStrings]),
        dictEntry('12 36', [offs.fdArray]),
      ]),
    ]);
  const fdArrayWith = (privOffsets: number[]) =>
    writeIndex(
      keptFds.map((fd, i) =>
        concat([...fds[fd].dict.filter((e) => e.op !== '18').map((e) => e.raw), dictEntry('18', [privates[i].dict.length, privOffsets[i]])]),
      ),
    );
  const header = new Uint8Array([1, 0, 4, 4]);
  const topLen = topWith({ charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0 }).length;
  let at = header.length + nameIdx.length + topLen + stringIdx.length + gsubrIdx.length;
  const charsetAtNew = at;
  at += charset.length;
  const fdSelectAtNew = at;
  at += fdSelect.length;
  const charStringsAtNew = at;
  at += charStringsIdx.length;
  const fdArrayAtNew = at;
  at += fdArrayWith(privates.map(() => 0)).length;
  const privOffsets = privates.map((p) => {
    const o = at;
    at += p.dict.length + p.subrs.length;
    return o;
  });
  const data = concat([
    header,
    nameIdx,
    topWith({ charset: charsetAtNew, fdSelect: fdSelectAtNew, charStrings: charStringsAtNew, fdArray: fdArrayAtNew }),
    stringIdx,
    gsubrIdx,
    charset,
    fdSelect,
    charStringsIdx,
    fdArrayWith(privOffsets),
    ...privates.flatMap((p) => [p.dict, p.subrs]),
  ]);
  return { data };
}
