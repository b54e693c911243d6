/** Type 2 charstrings (Adobe TN #5177): which subroutines a glyph calls, and where the numbers are. */
import type { Index } from './cff-structures.js';

/** Subroutine number bias (TN #5177 §4.7). */
export const bias = (n: number) => (n < 1240 ? 107 : n < 33900 ? 1131 : 32768);

/** A subroutine call whose number is the literal just before it: where that literal lies. */
interface CallSite {
  start: number;
  end: number;
  /** Subroutine index (bias applied). */
  index: number;
  local: boolean;
  /** The FD whose local subroutines a local call reaches (the calling glyph's). */
  fd: number;
}

/** What the scan of the kept glyphs found: used subroutines, and the call sites to renumber them. */
export class CallGraph {
  readonly usedGlobal = new Set<number>();
  readonly usedLocal = new Map<number, Set<number>>();
  /** Call sites per charstring, keyed by the charstring's offset in the font. */
  readonly sites = new Map<number, Map<number, CallSite>>();
  /** False when a subroutine number is not a plain literal or a global subroutine serves two FDs. */
  renumberable = true;

  record(buf: Uint8Array, site: CallSite) {
    let m = this.sites.get(buf.byteOffset);
    if (!m) this.sites.set(buf.byteOffset, (m = new Map()));
    const prev = m.get(site.start);
    if (prev && (prev.end !== site.end || prev.fd !== site.fd)) this.renumberable = false;
    m.set(site.start, site);
  }
}

/**
 * Follows a glyph's charstring through its subroutine calls (hint-mask lengths counted from the stem
 * hints, Type 2 §4.3), recording every subroutine used and where its number is written.
 */
export function scanCharstring(cs: Uint8Array, fd: number, gsubrs: Index, lsubrs: Index, graph: CallGraph): void {
  const stack: number[] = [];
  let stems = 0;
  let depth = 0;
  const run = (s: Uint8Array): 'return' | 'end' => {
    if (++depth > 12) throw new Error('CFF: subroutine nesting too deep');
    let last: { start: number; end: number } | undefined;
    try {
      for (let i = 0; i < s.length; ) {
        const v = s[i];
        if (v >= 32 || v === 28) {
          const start = i;
          if (v === 28) {
            stack.push(((s[i + 1] << 24) >> 16) | s[i + 2]);
            i += 3;
          } else if (v <= 246) {
            stack.push(v - 139);
            i++;
          } else if (v <= 250) {
            stack.push((v - 247) * 256 + s[i + 1] + 108);
            i += 2;
          } else if (v <= 254) {
            stack.push(-(v - 251) * 256 - s[i + 1] - 108);
            i += 2;
          } else {
            stack.push(((s[i + 1] << 24) | (s[i + 2] << 16) | (s[i + 3] << 8) | s[i + 4]) / 65536);
            i += 5;
          }
          last = v === 255 ? undefined : { start, end: i };
          continue;
        }
        const at = i;
        i++;
        switch (v) {
          case 1: // hstem
          case 3: // vstem
          case 18: // hstemhm
          case 23: // vstemhm
            stems += stack.length >> 1;
            stack.length = 0;
            break;
          case 19: // hintmask
          case 20: // cntrmask
            stems += stack.length >> 1;
            stack.length = 0;
            i += (stems + 7) >> 3;
            break;
          case 10: // callsubr
          case 29: {
            // callgsubr
            const local = v === 10;
            const subrs = local ? lsubrs : gsubrs;
            const index = Math.trunc(stack.pop() ?? 0) + bias(subrs.count);
            if (index < 0 || index >= subrs.count) throw new Error('CFF: subroutine out of range');
            if (last && last.end === at) graph.record(s, { ...last, index, local, fd });
            else graph.renumberable = false;
            if (local) {
              let used = graph.usedLocal.get(fd);
              if (!used) graph.usedLocal.set(fd, (used = new Set()));
              used.add(index);
            } else graph.usedGlobal.add(index);
            if (run(subrs.item(index)) === 'end') return 'end';
            break;
          }
          case 11:
            return 'return';
          case 14:
            return 'end';
          case 12:
            i++;
            stack.length = 0;
            break;
          default:
            stack.length = 0;
        }
        last = undefined;
      }
      return 'return';
    } finally {
      depth--;
    }
  };
  run(cs);
}

/** A Type 2 integer operand in its shortest form. */
export function encodeInt(v: number): Uint8Array {
  if (v >= -107 && v <= 107) return new Uint8Array([v + 139]);
  if (v >= 108 && v <= 1131) return new Uint8Array([((v - 108) >> 8) + 247, (v - 108) & 0xff]);
  if (v >= -1131 && v <= -108) return new Uint8Array([((-v - 108) >> 8) + 251, (-v - 108) & 0xff]);
  return new Uint8Array([28, (v >> 8) & 0xff, v & 0xff]);
}
