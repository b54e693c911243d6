/**
 * "Sandbox copy": a test envelope shaped like a real one, so the help-desk operator can walk the same
 * path the caller walks — the same number of documents with the same page counts and page sizes (the
 * content replaced by pages marked 「テスト用」), the same fields, the same recipients in the same order
 * and roles — but every recipient addressed to the operator, with fresh access codes shown to the
 * operator once. Sent at once; audited on both envelopes under the operator's name.
 */
import { randomInt } from 'node:crypto';
import { beginText, endText, moveText, PDFDocument, PDFHexString, PDFName, PDFString, popGraphicsState, pushGraphicsState, rgb, setFillingRgbColor, setFontAndSize, showText, StandardFonts } from 'pdf-lib';
import type { Services } from '../services.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { appendAudit } from '../audit/log.js';
import { unwrapDataKey } from '../store/blobs.js';
import { createEnvelope } from '../envelopes/create.js';
import { documentsOf, envelopeFor, fieldsOf, recipientsOf } from '../envelopes/load.js';
import type { EnvelopeInput } from '../../shared/api/sender.js';
import type { Lang } from '../../shared/i18n/errors.js';

export const SANDBOX_TITLE_PREFIX = '【テスト】';

export interface SandboxCopy {
  envelopeId: string;
  title: string;
  /** Shown once: the codes the operator types on each recipient's link, in recipient order. */
  recipients: { position: number; name: string; email: string; role: 'signer' | 'cc'; accessCode: string | null }[];
}

type Box = { x: number; y: number; width: number; height: number };

/** Each page's MediaBox and CropBox of the document as it was uploaded (fields are placed on these). */
async function pageBoxes(bytes: Uint8Array): Promise<{ media: Box; crop: Box }[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
  return doc.getPages().map((p) => ({ media: p.getMediaBox(), crop: p.getCropBox() }));
}

/** UTF-16BE hex of a text, for a Type0 font with the UniJIS-UCS2-H CMap. */
const ucs2Hex = (text: string) => [...text].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('');

/**
 * A PDF whose pages have the given boxes, each saying 「テスト用」 / "TEST COPY". The Japanese line uses a
 * non-embedded Adobe-Japan1 font (ISO 32000-1 §9.7.5.2, predefined CMap UniJIS-UCS2-H): a few hundred
 * bytes instead of a CJK font program, and any PDF viewer substitutes a Japanese system font.
 */
export async function testPlaceholderPdf(boxes: { media: Box; crop: Box }[], title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${SANDBOX_TITLE_PREFIX}${title}`);
  const helvetica = await doc.embedFont(StandardFonts.Helvetica);
  const ctx = doc.context;
  const japanese = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'HeiseiKakuGo-W5',
      Encoding: 'UniJIS-UCS2-H',
      DescendantFonts: [
        ctx.obj({
          Type: 'Font',
          Subtype: 'CIDFontType0',
          BaseFont: 'HeiseiKakuGo-W5',
          CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Japan1'), Supplement: 2 },
          FontDescriptor: ctx.obj({ Type: 'FontDescriptor', FontName: 'HeiseiKakuGo-W5', Flags: 4, FontBBox: [-92, -250, 1010, 922], ItalicAngle: 0, Ascent: 880, Descent: -120, CapHeight: 700, StemV: 80 }),
          DW: 1000,
        }),
      ],
    }),
  );
  boxes.forEach(({ media, crop }, i) => {
    const page = doc.addPage([media.width, media.height]);
    page.setMediaBox(media.x, media.y, media.width, media.height);
    page.setCropBox(crop.x, crop.y, crop.width, crop.height);
    const size = Math.max(12, Math.min(48, crop.width / 8));
    const x = crop.x + crop.width * 0.1;
    const y = crop.y + crop.height * 0.6;
    page.node.setFontDictionary(PDFName.of('JP'), japanese);
    // 「テスト用」 in the Japanese font, as plain operators (pdf-lib draws CJK text only from a font file).
    page.pushOperators(pushGraphicsState(), beginText(), setFillingRgbColor(0.75, 0, 0), setFontAndSize('JP', size), moveText(x, y), showText(PDFHexString.of(ucs2Hex('テスト用'))), endText(), popGraphicsState());
    page.drawText(`TEST COPY  ${i + 1} / ${boxes.length}`, { x, y: y - size * 1.2, size: size / 2, font: helvetica, color: rgb(0.75, 0, 0) });
  });
  return doc.save({ useObjectStreams: false });
}

/** Four random digits, the municipal default; a cc recipient has none. */
const freshCode = () => String(randomInt(0, 10_000)).padStart(4, '0');

export async function sandboxCopy(s: Services, operator: Actor, envelopeId: string, lang: Lang): Promise<SandboxCopy> {
  const env = envelopeFor(s.db, operator, envelopeId);
  const docs = documentsOf(s.db, env.id);
  const people = recipientsOf(s.db, env.id);
  const title = `${SANDBOX_TITLE_PREFIX}${env.title}`.slice(0, 200);
  const files = await Promise.all(
    docs.map(async (d, i) => {
      const original = s.blobs.get(unwrapDataKey(s.masterKey, d.wrappedKey), d.uploadedBlobId);
      let boxes = await pageBoxes(original).catch(() => [] as { media: Box; crop: Box }[]);
      // pdf-lib could not read it: A4 pages, as many as the upload had.
      if (boxes.length !== d.pageCount) {
        const a4 = { x: 0, y: 0, width: 595.28, height: 841.89 };
        boxes = Array.from({ length: d.pageCount }, () => ({ media: a4, crop: a4 }));
      }
      return { name: `test-${i + 1}.pdf`, bytes: await testPlaceholderPdf(boxes, env.title) };
    }),
  );
  const codes = people.map((r) => (r.role === 'signer' ? freshCode() : null));
  const input: EnvelopeInput = {
    title,
    message: lang === 'ja' ? 'ヘルプデスクが操作を再現するためのテスト用の封筒です。' : 'A test envelope the help desk uses to walk the same path.',
    transactionDate: null,
    counterparty: null,
    amount: null,
    managementNumber: null,
    recipients: people.map((r, i) => ({ name: r.name, email: operator.email, role: r.role, language: r.language, ...(codes[i] ? { accessCode: codes[i] } : {}) })),
    fields: docs.flatMap((d, document) =>
      fieldsOf(s.db, d.id).map((f) => ({
        document,
        recipient: people.findIndex((r) => r.id === f.recipientId),
        label: f.label,
        type: f.type,
        required: f.required,
        page: f.page,
        rect: { x: f.x, y: f.y, width: f.width, height: f.height },
      })),
    ),
    send: true,
  };
  const created = await createEnvelope(s, operator, input, files, lang, { sameAddressAllowed: true });
  s.db.transaction(
    (tx) => {
      const at = s.now();
      appendAudit(s.auditKey, tx, { envelopeId: env.id, actor: actorLabel(operator), action: 'helpdesk.sandbox-copied', ip: operator.ip, userAgent: operator.userAgent, at, details: { sandboxEnvelopeId: created.envelopeId } });
      appendAudit(s.auditKey, tx, { envelopeId: created.envelopeId, actor: actorLabel(operator), action: 'helpdesk.sandbox-of', ip: operator.ip, userAgent: operator.userAgent, at, details: { envelopeId: env.id } });
    },
    { behavior: 'immediate' },
  );
  return {
    envelopeId: created.envelopeId,
    title,
    recipients: people.map((r, position) => ({ position, name: r.name, email: operator.email, role: r.role, accessCode: codes[position] })),
  };
}
