/** CFF INDEX and DICT structures (Adobe TN #5176 §5, §4), read and written. */

export interface Index {
  count: number;
  item(i: number): Uint8Array;
  end: number;
}

export function readIndex(b: Uint8Array, at: number): Index {
  const count = (b[at] << 8) | b[at + 1];
  if (count === 0) return { count, item: () => new Uint8Array(), end: at + 2 };
  const offSize = b[at + 2];
  const off = (i: number) => {
    let v = 0;
    for (let k = 0; k < offSize; k++) v = v * 256 + b[at + 3 + i * offSize + k];
    return v;
  };
  const dataStart = at + 3 + (count + 1) * offSize - 1;
  return { count, item: (i) => b.subarray(dataStart + off(i), dataStart + off(i + 1)), end: dataStart + off(count) };
}

export function writeIndex(items: Uint8Array[]): Uint8Array {
  if (!items.length) return new Uint8Array([0, 0]);
  const total = items.reduce((n, x) => n + x.length, 0) + 1;
  const offSize = total < 0x100 ? 1 : total < 0x10000 ? 2 : total < 0x1000000 ? 3 : 4;
  const out = new Uint8Array(3 + (items.length + 1) * offSize + total - 1);
  out[0] = items.length >> 8;
  out[1] = items.length & 0xff;
  out[2] = offSize;
  let off = 1;
  let at = 3 + (items.length + 1) * offSize;
  const putOff = (i: number, v: number) => {
    for (let k = offSize - 1; k >= 0; k--, v = Math.floor(v / 256)) out[3 + i * offSize + k] = v & 0xff;
  };
  items.forEach((x, i) => {
    putOff(i, off);
    out.set(x, at);
    at += x.length;
    off += x.length;
  });
  putOff(items.length, off);
  return out;
}

/** A DICT as entries: operator key ("17", "12 36") → operand numbers, plus each entry's raw bytes. */
export interface DictEntry {
  op: string;
  operands: number[];
  raw: Uint8Array;
}

export function readDict(b: Uint8Array): DictEntry[] {
  const out: DictEntry[] = [];
  let operands: number[] = [];
  let start = 0;
  for (let i = 0; i < b.length; ) {
    const v = b[i];
    if (v <= 21) {
      let op = String(v);
      i++;
      if (v === 12) op = `12 ${b[i++]}`;
      out.push({ op, operands, raw: b.subarray(start, i) });
      operands = [];
      start = i;
    } else if (v === 28) {
      operands.push(((b[i + 1] << 24) >> 16) | b[i + 2]);
      i += 3;
    } else if (v === 29) {
      operands.push((b[i + 1] << 24) | (b[i + 2] << 16) | (b[i + 3] << 8) | b[i + 4]);
      i += 5;
    } else if (v === 30) {
      // real: nibbles until 0xf; the value is not needed for the entries we rewrite
      i++;
      while (i < b.length && (b[i] & 0x0f) !== 0x0f && (b[i] & 0xf0) !== 0xf0) i++;
      i++;
      operands.push(0);
    } else if (v >= 32 && v <= 246) {
      operands.push(v - 139);
      i++;
    } else if (v >= 247 && v <= 250) {
      operands.push((v - 247) * 256 + b[i + 1] + 108);
      i += 2;
    } else if (v >= 251 && v <= 254) {
      operands.push(-(v - 251) * 256 - b[i + 1] - 108);
      i += 2;
    } else throw new Error(`CFF DICT: bad byte ${v}`);
  }
  return out;
}

/** Operands as 5-byte integers (fixed size, so offsets can be laid out before they are known). */
export function dictEntry(op: string, operands: number[]): Uint8Array {
  const ops = op.split(' ').map(Number);
  const out = new Uint8Array(operands.length * 5 + ops.length);
  operands.forEach((v, i) => {
    out[i * 5] = 29;
    new DataView(out.buffer).setInt32(i * 5 + 1, v);
  });
  out.set(ops, operands.length * 5);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
