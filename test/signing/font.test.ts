import { describe, expect, it } from 'vitest';
import { CidFontSubset } from '../../server/signing/font/cid-subset.js';
import { notoSansJp } from '../../server/signing/font/noto-cjk.js';
import { NewPdf } from '../../server/signing/pdf/new-pdf.js';
import { raw } from '../../server/signing/pdf/serialize.js';
import { requireTool, run, tempDir, writeTemp } from './tools.js';

/** Kana, ASCII, full-width forms and a run of the CJK block: several FDs and many subroutines. */
function sampleText(): string[] {
  const lines: string[] = [];
  const range = (from: number, to: number) => String.fromCodePoint(...Array.from({ length: to - from + 1 }, (_, i) => from + i));
  lines.push(range(0x3041, 0x3093), range(0x30a1, 0x30f6), range(0x21, 0x7e), range(0xff01, 0xff5e));
  for (let c = 0x4e00; c < 0x4e00 + 1200; c += 40) lines.push(range(c, c + 39));
  lines.push('締結証明書 業務委託契約書 令和8年11月21日 髙橋 﨑 渡邊 齋藤 〇〇市長 様 ①②③ ㈱');
  // at most 40 characters a line, so every line fits the page
  return lines.flatMap((l) => Array.from({ length: Math.ceil([...l].length / 40) }, (_, i) => [...l].slice(i * 40, i * 40 + 40).join('')));
}

describe('CJK font subset (Type 0, CIDFontType0C)', () => {
  it('draws ~1,500 distinct characters that poppler and MuPDF render without complaint and extract back', () => {
    for (const t of ['pdffonts', 'pdftotext', 'mutool']) requireTool(t);
    const font = new CidFontSubset(notoSansJp());
    const lines = sampleText();
    const pdf = new NewPdf();
    const catalog = pdf.allocate();
    const pages = pdf.allocate();
    const page = pdf.allocate();
    const content = pdf.allocate();
    const ops = lines.map((l, i) => `BT 1 0 0 1 20 ${820 + 14 * lines.length - i * 14} Tm ${font.show(l, 10)} ET`).join('\n');
    const fonts = font.write(pdf);
    pdf.putStream(content, {}, Buffer.from(ops, 'latin1'));
    pdf.put(page, { Type: raw('/Page'), Parent: pages, MediaBox: [0, 0, 842, 842 + 14 * lines.length], Resources: { Font: fonts }, Contents: content });
    pdf.put(pages, { Type: raw('/Pages'), Kids: [page], Count: 1 });
    pdf.put(catalog, { Type: raw('/Catalog'), Pages: pages });
    const file = writeTemp(tempDir(), 'glyphs.pdf', pdf.toBytes(catalog));

    const pf = run('pdffonts', [file]);
    expect(pf.stderr).toBe('');
    expect(pf.stdout).toMatch(/\+NotoSansCJKjp-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(text.stderr).toBe('');
    const got = text.stdout.replace(/\s+/g, '');
    for (const l of lines) expect(got).toContain(l.replace(/\s+/g, ''));
    const draw = run('mutool', ['draw', '-o', `${file}.png`, file, '1']);
    expect(draw.stderr.split('\n').filter((l) => l && !/ICC support/.test(l) && !/^page /.test(l))).toEqual([]);
    const ppm = run('pdftoppm', ['-r', '30', '-png', file, `${file}-p`]);
    expect(ppm.stderr).toBe('');
  });

  it('keeps a few characters small (only their glyphs and subroutines)', () => {
    const font = new CidFontSubset(notoSansJp());
    font.show('令和8年11月21日', 10);
    const sink = new NewPdf();
    font.write(sink);
    const bytes = sink.toBytes(sink.allocate());
    expect(bytes.length).toBeLessThan(16 * 1024);
  });
});
