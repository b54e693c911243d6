/**
 * Stream filters (ISO 32000-1 §7.4) with an output cap: a deflate bomb stops at the cap instead of
 * filling memory. FlateDecode (with PNG/TIFF predictors), ASCIIHexDecode, ASCII85Decode, RunLengthDecode.
 */
import { Inflate, Unzlib } from 'fflate';
import { PdfError } from './errors.js';
import { PdfDict, PdfName, type PdfObject } from './objects.js';

const CHUNK = 4096;

class Sink {
  parts: Uint8Array[] = [];
  length = 0;
  constructor(readonly max: number) {}
  push(d: Uint8Array): void {
    this.length += d.length;
    if (this.length > this.max) throw new PdfError('too-large', `decoded stream exceeds ${this.max} bytes`);
    this.parts.push(d);
  }
  concat(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function inflate(data: Uint8Array, max: number): Uint8Array {
  const zlib = data.length >= 2 && (data[0] & 0x0f) === 8 && ((data[0] << 8) | data[1]) % 31 === 0;
  const sink = new Sink(max);
  const run = (raw: boolean) => {
    sink.parts = [];
    sink.length = 0;
    const inf = raw ? new Inflate() : new Unzlib();
    inf.ondata = (chunk: Uint8Array) => sink.push(chunk);
    for (let i = 0; i < data.length; i += CHUNK) {
      inf.push(data.subarray(i, Math.min(i + CHUNK, data.length)), i + CHUNK >= data.length);
    }
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  };
  try {
    run(!zlib);
  } catch (e) {
    if (e instanceof PdfError) throw e;
    // Truncated or checksum-damaged data: keep what decoded (readers do the same); nothing → error.
    if (sink.length === 0) throw new PdfError('decode-error', `FlateDecode: ${(e as Error).message}`);
  }
  return sink.concat();
}

function unpredict(data: Uint8Array, parms: PdfDict | undefined, max: number): Uint8Array {
  if (!parms) return data;
  const predictor = num(parms.get('Predictor'), 1);
  if (predictor === 1) return data;
  const colors = num(parms.get('Colors'), 1);
  const bpc = num(parms.get('BitsPerComponent'), 8);
  const columns = num(parms.get('Columns'), 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20) {
    throw new PdfError('decode-error', 'bad predictor parameters');
  }
  const bpp = Math.max(1, (colors * bpc) >> 3);
  const rowLen = (colors * bpc * columns + 7) >> 3;
  if (predictor === 2) {
    if (bpc !== 8) throw new PdfError('unsupported-filter', 'TIFF predictor with bpc != 8');
    const out = Uint8Array.from(data);
    for (let r = 0; r < out.length; r += rowLen) for (let i = r + bpp; i < Math.min(r + rowLen, out.length); i++) out[i] = (out[i] + out[i - bpp]) & 0xff;
    return out;
  }
  const rows = Math.floor(data.length / (rowLen + 1));
  if (rows * rowLen > max) throw new PdfError('too-large', 'predicted stream too large');
  const out = new Uint8Array(rows * rowLen);
  let prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const row = out.subarray(r * rowLen, (r + 1) * rowLen);
    row.set(data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1)));
    for (let i = 0; i < rowLen; i++) {
      const left = i >= bpp ? row[i - bpp] : 0;
      const up = prev[i];
      const ul = i >= bpp ? prev[i - bpp] : 0;
      switch (type) {
        case 0: break;
        case 1: row[i] = (row[i] + left) & 0xff; break;
        case 2: row[i] = (row[i] + up) & 0xff; break;
        case 3: row[i] = (row[i] + ((left + up) >> 1)) & 0xff; break;
        case 4: {
          const p = left + up - ul;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - ul);
          row[i] = (row[i] + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul)) & 0xff;
          break;
        }
        default:
          throw new PdfError('decode-error', `bad PNG predictor row type ${type}`);
      }
    }
    prev = row;
  }
  return out;
}

function num(v: PdfObject | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

function asciiHex(data: Uint8Array, max: number): Uint8Array {
  const sink: number[] = [];
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else {
      sink.push(hi * 16 + v);
      hi = -1;
      if (sink.length > max) throw new PdfError('too-large', 'decoded stream too large');
    }
  }
  if (hi >= 0) sink.push(hi * 16);
  return Uint8Array.from(sink);
}

function ascii85(data: Uint8Array, max: number): Uint8Array {
  const out: number[] = [];
  let group: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break;
    if (c <= 0x20) continue;
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 0x21 || c > 0x75) throw new PdfError('decode-error', 'bad ASCII85 character');
    group.push(c - 0x21);
    if (group.length === 5) {
      let v = 0;
      for (const g of group) v = v * 85 + g;
      out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      group = [];
      if (out.length > max) throw new PdfError('too-large', 'decoded stream too large');
    }
  }
  if (group.length > 1) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    let v = 0;
    for (const g of group) v = v * 85 + g;
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    out.push(...bytes.slice(0, n - 1));
  }
  return Uint8Array.from(out);
}

function runLength(data: Uint8Array, max: number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    const n = data[i++];
    if (n === 128) break;
    if (n < 128) {
      for (let k = 0; k <= n && i < data.length; k++) out.push(data[i++]);
    } else {
      const b = data[i++];
      for (let k = 0; k < 257 - n; k++) out.push(b);
    }
    if (out.length > max) throw new PdfError('too-large', 'decoded stream too large');
  }
  return Uint8Array.from(out);
}

/** Apply the stream's /Filter chain to `raw`, never producing more than `max` bytes. */
export function decodeStreamData(raw: Uint8Array, dict: PdfDict, max: number, resolve: (o: PdfObject | undefined) => PdfObject | undefined): Uint8Array {
  const f = resolve(dict.get('Filter'));
  const p = resolve(dict.get('DecodeParms') ?? dict.get('DP'));
  const filters = f === undefined || f === null ? [] : Array.isArray(f) ? f.map((x) => resolve(x)) : [f];
  const parms = Array.isArray(p) ? p.map((x) => resolve(x)) : [p];
  if (filters.length > 8) throw new PdfError('too-complex', 'too many filters');
  let data = raw;
  filters.forEach((filter, i) => {
    if (!(filter instanceof PdfName)) throw new PdfError('decode-error', 'filter is not a name');
    const parm = parms[i] instanceof PdfDict ? (parms[i] as PdfDict) : undefined;
    switch (filter.name) {
      case 'FlateDecode':
      case 'Fl':
        data = unpredict(inflate(data, max), parm, max);
        break;
      case 'ASCIIHexDecode':
      case 'AHx':
        data = asciiHex(data, max);
        break;
      case 'ASCII85Decode':
      case 'A85':
        data = ascii85(data, max);
        break;
      case 'RunLengthDecode':
      case 'RL':
        data = runLength(data, max);
        break;
      default:
        throw new PdfError('unsupported-filter', `filter ${filter.name} is not supported`);
    }
  });
  return data;
}
