/**
 * The Japanese face of Noto Sans CJK (Debian fonts-noto-cjk). fontkit opens the .ttc collection by
 * PostScript name; the face's raw 'CFF ' table is kept for subsetting. Loaded once per process.
 * NOTO_CJK_FONT overrides the path.
 */
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';

const DEFAULT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const FACE = 'NotoSansCJKjp-Regular';

export interface CjkFont {
  font: Font;
  /** The face's CID-keyed CFF program. */
  cff: Uint8Array;
  postscriptName: string;
}

let cached: CjkFont | undefined;

export function notoSansJp(): CjkFont {
  if (!cached) {
    const file = process.env.NOTO_CJK_FONT || DEFAULT_PATH;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (cause) {
      throw new Error(`Japanese font not found at ${file} (install fonts-noto-cjk or set NOTO_CJK_FONT)`, { cause });
    }
    const font = fontkit.create(data, FACE) as Font | null;
    if (!font || typeof font.glyphForCodePoint !== 'function') throw new Error(`${file} has no face ${FACE}`);
    const table = (font as unknown as { directory: { tables: Record<string, { offset: number; length: number }> } }).directory.tables['CFF '];
    if (!table) throw new Error(`${FACE} has no CFF table`);
    cached = { font, cff: data.subarray(table.offset, table.offset + table.length), postscriptName: FACE };
  }
  return cached;
}
