/**
 * Writing PDF objects (ISO 32000-1 §7.3) as "binary strings" (one char per byte, latin1), the form the
 * incremental writer concatenates. Accepts the shared reader's objects, so a dictionary read from the
 * file can be written back with a few entries changed.
 */
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from '../../../shared/pdf/index.js';

/** Pre-formatted PDF syntax, written as is. */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export type Writable = PdfObject | PdfRaw | Writable[] | { [key: string]: Writable | undefined };

const REGULAR = /^[!-~]$/;
const DELIMS = '()<>[]{}/%#';

export function name(n: string): string {
  let out = '/';
  for (const b of Buffer.from(n, 'utf8')) {
    const c = String.fromCharCode(b);
    out += REGULAR.test(c) && !DELIMS.includes(c) ? c : '#' + b.toString(16).padStart(2, '0');
  }
  return out;
}

export function hexString(bytes: Uint8Array): string {
  return '<' + Buffer.from(bytes).toString('hex').toUpperCase() + '>';
}

/** A text string: ASCII as is, anything else UTF-16BE with a BOM (§7.9.2.2), always hex-encoded. */
export function textString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return hexString(Buffer.from(text, 'latin1'));
  const u = Buffer.alloc(2 + text.length * 2);
  u[0] = 0xfe;
  u[1] = 0xff;
  for (let i = 0; i < text.length; i++) u.writeUInt16BE(text.charCodeAt(i), 2 + 2 * i);
  return hexString(u);
}

export function num(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function serialize(o: Writable | undefined): string {
  if (o === null || o === undefined) return 'null';
  if (typeof o === 'boolean') return o ? 'true' : 'false';
  if (typeof o === 'number') return num(o);
  if (o instanceof PdfRaw) return o.text;
  if (o instanceof PdfName) return name(o.name);
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (o instanceof PdfString) return hexString(o.bytes);
  if (Array.isArray(o)) return '[' + o.map(serialize).join(' ') + ']';
  if (o instanceof PdfDict) {
    let s = '<<';
    for (const [k, v] of o.map) s += name(k) + ' ' + serialize(v) + '\n';
    return s + '>>';
  }
  if (o instanceof PdfStream) throw new Error('a stream cannot be written as a direct object');
  let s = '<<';
  for (const [k, v] of Object.entries(o)) if (v !== undefined) s += name(k) + ' ' + serialize(v) + '\n';
  return s + '>>';
}

/** A dictionary read from the file with some entries replaced (undefined removes the entry). */
export function withEntries(d: PdfDict, changes: Record<string, Writable | undefined>): { [key: string]: Writable | undefined } {
  const out: { [key: string]: Writable | undefined } = {};
  for (const [k, v] of d.map) out[k] = v;
  for (const [k, v] of Object.entries(changes)) out[k] = v;
  return out;
}

export const raw = (text: string) => new PdfRaw(text);
export const ref = (r: PdfRef) => r;
