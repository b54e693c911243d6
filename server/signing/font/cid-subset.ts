/**
 * An embedded subset of Noto Sans CJK JP as a Type 0 / CIDFontType0 font (ISO 32000-1 §9.7):
 * Identity-H codes are the CIDs, the FontFile3 (/CIDFontType0C) holds only the glyphs used (see
 * cff-subset.ts), /W gives their widths and a ToUnicode CMap keeps the text extractable. One instance
 * per revision or generated document: lay out all text first (`show`, `width`), then `write` once.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Glyph } from '@pdf-lib/fontkit';
import type { PdfRef } from '../../../shared/pdf/index.js';
import { raw, type Writable } from '../pdf/serialize.js';
import { cidMapper, subsetCidCff } from './cff-subset.js';
import type { CjkFont } from './noto-cjk.js';

/** Where objects go: an incremental update or a new file. */
export interface ObjectSink {
  allocate(): PdfRef;
  put(r: PdfRef, value: Writable): void;
  putStream(r: PdfRef, dict: Record<string, Writable>, data: Uint8Array): void;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();

export class CidFontSubset {
  private readonly glyphs = new Map<string, Glyph>();
  private written = false;
  private readonly scale: number;
  private readonly cidOf: (gid: number) => number;

  constructor(
    private readonly cjk: CjkFont,
    readonly resourceName = 'J0',
  ) {
    this.scale = 1000 / cjk.font.unitsPerEm;
    this.cidOf = cidMapper(cjk.cff);
  }

  private glyph(ch: string): Glyph {
    let g = this.glyphs.get(ch);
    if (!g) {
      if (this.written) throw new Error('the font subset was already written');
      g = this.cjk.font.glyphForCodePoint(ch.codePointAt(0)!);
      this.glyphs.set(ch, g);
    }
    return g;
  }

  /** Advance width of `text` at `size` points. */
  width(text: string, size: number): number {
    let w = 0;
    for (const ch of Array.from(text)) w += this.glyph(ch).advanceWidth;
    return (w * this.scale * size) / 1000;
  }

  /** Content-stream operators drawing `text` at the current text position (codes are CIDs). */
  show(text: string, size: number): string {
    const codes = Array.from(text, (ch) => hex4(this.cidOf(this.glyph(ch).id))).join('');
    return `/${this.resourceName} ${size} Tf <${codes}> Tj`;
  }

  /** Writes the font; returns the /Font resource dictionary entries. */
  write(sink: ObjectSink): Record<string, PdfRef> {
    const used = [...this.glyphs.values()];
    const { data } = subsetCidCff(this.cjk.cff, used.map((g) => g.id));
    this.written = true;
    // Subset tag (§9.6.4): six capitals derived from the glyph set.
    const digest = createHash('sha256').update(used.map((g) => g.id).join(',')).digest();
    const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
    const baseFont = raw(`/${tag}+${this.cjk.postscriptName}`);
    const file = sink.allocate();
    sink.putStream(file, { Subtype: raw('/CIDFontType0C'), Filter: raw('/FlateDecode') }, deflateSync(data));
    const b = this.cjk.font.bbox;
    const k = this.scale;
    const descriptor = sink.allocate();
    sink.put(descriptor, {
      Type: raw('/FontDescriptor'),
      FontName: baseFont,
      Flags: 4,
      FontBBox: [b.minX, b.minY, b.maxX, b.maxY].map((v) => Math.round(v * k)),
      ItalicAngle: 0,
      Ascent: Math.round(this.cjk.font.ascent * k),
      Descent: Math.round(this.cjk.font.descent * k),
      CapHeight: Math.round((this.cjk.font.capHeight || this.cjk.font.ascent) * k),
      StemV: 80,
      FontFile3: file,
    });
    const byCid = [...new Map(used.map((g) => [this.cidOf(g.id), g])).entries()].sort((x, y) => x[0] - y[0]);
    const widths: Writable[] = byCid.flatMap(([cid, g]) => [cid, [Math.round(g.advanceWidth * k)]]);
    const cidFont = sink.allocate();
    sink.put(cidFont, {
      Type: raw('/Font'),
      Subtype: raw('/CIDFontType0'),
      BaseFont: baseFont,
      CIDSystemInfo: { Registry: raw('(Adobe)'), Ordering: raw('(Identity)'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: 1000,
      W: widths,
    });
    // bfchar blocks hold at most 100 entries (Adobe TN #5411).
    const entries = [...this.glyphs].map(
      ([ch, g]) => `<${hex4(this.cidOf(g.id))}> <${Buffer.from(ch, 'utf16le').swap16().toString('hex').toUpperCase()}>\n`,
    );
    let bf = '';
    for (let i = 0; i < entries.length; i += 100) {
      const block = entries.slice(i, i + 100);
      bf += `${block.length} beginbfchar\n${block.join('')}endbfchar\n`;
    }
    const toUnicode = sink.allocate();
    sink.putStream(
      toUnicode,
      {},
      Buffer.from(
        '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
          '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
          '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
          `${bf}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`,
        'latin1',
      ),
    );
    const type0 = sink.allocate();
    sink.put(type0, {
      Type: raw('/Font'),
      Subtype: raw('/Type0'),
      BaseFont: baseFont,
      Encoding: raw('/Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    });
    return { [this.resourceName]: type0 };
  }
}
