/** A new PDF file written from scratch (classic xref table), for documents we generate ourselves. */
import { PdfRef } from '../../../shared/pdf/index.js';
import type { ObjectSink } from '../font/cid-subset.js';
import { raw as rawText, serialize, type Writable } from './serialize.js';

export class NewPdf implements ObjectSink {
  private readonly objects: (string | Uint8Array)[][] = [];

  allocate(): PdfRef {
    this.objects.push([]);
    return new PdfRef(this.objects.length, 0);
  }

  put(r: PdfRef, value: Writable) {
    this.objects[r.num - 1] = [`${r.num} 0 obj\n${serialize(value)}\nendobj\n`];
  }

  putStream(r: PdfRef, dict: Record<string, Writable>, data: Uint8Array) {
    this.objects[r.num - 1] = [`${r.num} 0 obj\n${serialize({ ...dict, Length: data.length })}\nstream\n`, data, '\nendstream\nendobj\n'];
  }

  toBytes(root: PdfRef, info?: PdfRef, id?: Uint8Array): Uint8Array {
    const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let pos = parts[0].length;
    const offsets: number[] = [];
    for (const chunks of this.objects) {
      offsets.push(pos);
      for (const c of chunks) {
        const b = typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c);
        parts.push(b);
        pos += b.length;
      }
    }
    let xref = `xref\n0 ${this.objects.length + 1}\n0000000000 65535 f\r\n`;
    for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n\r\n`;
    const idHex = id ? `<${Buffer.from(id).toString('hex')}>` : undefined;
    const trailer = serialize({
      Size: this.objects.length + 1,
      Root: root,
      Info: info,
      ID: idHex ? [rawText(idHex), rawText(idHex)] : undefined,
    });
    parts.push(Buffer.from(`${xref}trailer\n${trailer}\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
    return new Uint8Array(Buffer.concat(parts));
  }
}
