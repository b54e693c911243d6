/**
 * A hundred uploads a real clerk or an attacker might send: truncated, encrypted, not a PDF, empty,
 * broken cross-references, a 10,000-page file, the wrong type. Each with what makes it bad.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { sample } from './server.js';

export interface BadUpload {
  name: string;
  why: string;
  bytes: Uint8Array;
}

function replaceLast(buf: Buffer, find: string, repl: string): Buffer {
  const i = buf.lastIndexOf(find);
  if (i < 0) throw new Error(`"${find}" not found`);
  return Buffer.concat([buf.subarray(0, i), Buffer.from(repl), buf.subarray(i + find.length)]);
}

export async function badUploads(): Promise<BadUpload[]> {
  const out: BadUpload[] = [];
  const add = (name: string, why: string, bytes: Uint8Array) => out.push({ name, why, bytes });
  const gyomu = sample('gyomu-itaku.pdf');
  const ukesho = sample('ukesho.pdf');

  // Not a PDF at all, or nothing.
  add('empty.pdf', 'zero bytes', new Uint8Array(0));
  add('notes.pdf', 'plain text', Buffer.from('見積書です。よろしくお願いします。\n'));
  add('page.pdf', 'HTML', Buffer.from('<!doctype html><html><body>PDF</body></html>'));
  add('image.pdf', 'PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  add('archive.pdf', 'ZIP / docx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 1)]));
  add('data.pdf', 'JSON', Buffer.from('{"pdf": true}'));
  add('header-only.pdf', 'only a header', Buffer.from('%PDF-1.7\n'));
  add('eof-only.pdf', 'header and EOF', Buffer.from('%PDF-1.7\n%%EOF\n'));
  add('random.pdf', 'random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
  add('utf16.pdf', 'UTF-16 text', Buffer.from('\ufeff契約書', 'utf16le'));
  add('exe.pdf', 'a Windows executable', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500)]));
  add('ps.pdf', 'PostScript', Buffer.from('%!PS-Adobe-3.0\nshowpage\n'));

  // Truncated at many points of two real files.
  for (const [label, file] of [['gyomu', gyomu], ['ukesho', ukesho]] as const) {
    for (const frac of [0.001, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]) {
      add(`${label}-cut-${frac}.pdf`, `truncated at ${frac * 100}%`, file.subarray(0, Math.floor(file.length * frac)));
    }
    for (const drop of [2, 3, 6, 12, 20, 40]) add(`${label}-tail-${drop}.pdf`, `last ${drop} bytes missing`, file.subarray(0, file.length - drop));
  }

  // Broken cross-references.
  for (const [label, file] of [['gyomu', gyomu], ['ukesho', ukesho]] as const) {
    const sx = file.lastIndexOf('startxref');
    const offset = Number(/startxref\s+(\d+)/.exec(file.subarray(sx).toString('latin1'))![1]);
    for (const delta of [-100, -7, -1, 1, 5, 1000]) {
      add(`${label}-startxref${delta > 0 ? '+' : ''}${delta}.pdf`, `startxref moved by ${delta}`, replaceLast(file, `startxref\n${offset}`, `startxref\n${offset + delta}`));
    }
    add(`${label}-startxref-huge.pdf`, 'startxref beyond the file', replaceLast(file, `startxref\n${offset}`, 'startxref\n999999999'));
    add(`${label}-startxref-neg.pdf`, 'startxref negative', replaceLast(file, `startxref\n${offset}`, 'startxref\n-5'));
    add(`${label}-no-startxref.pdf`, 'no startxref', replaceLast(file, 'startxref', 'startxrof'));
    add(`${label}-no-trailer.pdf`, 'no trailer', replaceLast(file, 'trailer', 'trailor'));
    // Shift every xref entry by one byte, then by 100 bytes.
    const table = file.subarray(offset).toString('latin1');
    for (const shift of [1, 100]) {
      const shifted = table.replace(/(\d{10}) (\d{5}) n/g, (_m, o: string, g: string) => `${String(Number(o) + shift).padStart(10, '0')} ${g} n`);
      add(`${label}-xref-shift-${shift}.pdf`, `xref entries off by ${shift}`, Buffer.concat([file.subarray(0, offset), Buffer.from(shifted, 'latin1')]));
    }
    add(`${label}-xref-garbled.pdf`, 'xref keyword garbled', Buffer.concat([file.subarray(0, offset), Buffer.from(table.replace(/^xref/, 'xrfe'), 'latin1')]));
    add(`${label}-root-missing.pdf`, 'trailer without /Root', replaceLast(file, '/Root', '/Rooo'));
  }

  // Encrypted, in every way qpdf can.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'esign-bad-'));
  try {
    const src = path.join(dir, 'in.pdf');
    writeFileSync(src, ukesho);
    const variants: [string, string[]][] = [
      ['rc4-40', ['--allow-weak-crypto', '--encrypt', 'u', 'o', '40', '--']],
      ['rc4-128', ['--allow-weak-crypto', '--encrypt', 'u', 'o', '128', '--use-aes=n', '--']],
      ['aes-128', ['--encrypt', 'u', 'o', '128', '--use-aes=y', '--']],
      ['aes-256', ['--encrypt', 'u', 'o', '256', '--']],
      ['aes-256-no-user-password', ['--encrypt', '', 'owner', '256', '--']],
      ['aes-256-gyomu', ['--encrypt', '', 'owner', '256', '--']],
    ];
    for (const [label, args] of variants) {
      const dst = path.join(dir, `${label}.pdf`);
      const input = label.endsWith('gyomu') ? path.join(dir, 'g.pdf') : src;
      if (label.endsWith('gyomu')) writeFileSync(input, gyomu);
      execFileSync('qpdf', [...args, input, dst]);
      add(`encrypted-${label}.pdf`, `encrypted (${label})`, readFileSync(dst));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Too many pages.
  const many = await PDFDocument.create();
  for (let i = 0; i < 10_000; i++) many.addPage([200, 200]);
  add('10000-pages.pdf', '10,000 pages', await many.save());

  // Files with cross-reference streams (pdf-lib's default), cut or pointed wrong.
  const modern = await PDFDocument.create();
  for (let i = 0; i < 5; i++) modern.addPage([595, 842]).drawText(`page ${i + 1}`);
  const xs = Buffer.from(await modern.save({ useObjectStreams: true }));
  for (const frac of [0.2, 0.5, 0.8, 0.97]) add(`xrefstream-cut-${frac}.pdf`, `xref-stream file truncated at ${frac * 100}%`, xs.subarray(0, Math.floor(xs.length * frac)));
  const xsOffset = Number(/startxref\s+(\d+)/.exec(xs.subarray(xs.lastIndexOf('startxref')).toString('latin1'))![1]);
  add('xrefstream-startxref-off.pdf', 'startxref not at the xref stream', replaceLast(xs, `startxref\n${xsOffset}`, `startxref\n${xsOffset + 3}`));
  add('xrefstream-zeroed.pdf', 'xref stream overwritten with zeros', Buffer.concat([xs.subarray(0, xsOffset), Buffer.alloc(xs.length - xsOffset - 30), xs.subarray(xs.length - 30)]));
  // An incremental update whose /Prev points nowhere.
  const upd = Buffer.concat([ukesho, Buffer.from(`1 0 obj\n<< >>\nendobj\nxref\n1 1\n${String(ukesho.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 17 /Root 15 0 R /Prev 12 >>\nstartxref\n${ukesho.length + 22}\n%%EOF\n`)]);
  add('update-bad-prev.pdf', 'incremental update with /Prev pointing nowhere', upd);
  add('pdf-then-zip.pdf', 'a PDF header in front of a ZIP', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('PK\x03\x04'), Buffer.alloc(300, 7)]));
  add('nul-xref.pdf', 'xref table replaced by NUL bytes', (() => {
    const o = Number(/startxref\s+(\d+)/.exec(gyomu.subarray(gyomu.lastIndexOf('startxref')).toString('latin1'))![1]);
    const b = Buffer.from(gyomu);
    b.fill(0, o, gyomu.lastIndexOf('trailer'));
    return b;
  })());
  add('docx-named-pdf.pdf', 'a Word file with a .pdf name', Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00'), Buffer.from('[Content_Types].xml'), Buffer.alloc(400, 3)]));
  add('mail-error-page.pdf', 'a webmail error page saved as PDF', Buffer.from('<html><head><title>Gmail</title></head><body>Download failed</body></html>'));

  // Structurally odd files that must not get through.
  add('pages-cycle.pdf', 'page tree that points at itself', Buffer.from(minimalPdf('<< /Type /Pages /Kids [2 0 R] /Count 1 >>')));
  add('no-pages.pdf', 'catalog without /Pages', Buffer.from(minimalPdf(null)));
  return out;
}

/** A tiny classic-xref PDF whose object 2 is the given page-tree text (or a catalog without pages). */
function minimalPdf(pages: string | null): string {
  const objs = pages === null ? ['<< /Type /Catalog >>', '<< /Type /Pages /Kids [] /Count 0 >>'] : ['<< /Type /Catalog /Pages 2 0 R >>', pages];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return body;
}
