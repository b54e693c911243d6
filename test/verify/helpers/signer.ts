/**
 * A tiny PAdES test signer (independent of server/signing): appends one incremental revision with a
 * signature or document timestamp, a DSS revision, or arbitrary object updates — using shared/pdf to
 * read the base file, writing xref tables or streams like the original.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createHash } from 'node:crypto';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, openPdf, type PdfObject } from '../../../shared/pdf/index.js';
import type { Party, Pki } from './pki.js';

const enc = new TextEncoder();
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

export function latin1(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

export function concat(parts: (string | Uint8Array)[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));
}

/** Serialise a direct object (streams must stay indirect). */
export function ser(o: PdfObject | undefined): string {
  if (o === null || o === undefined) return 'null';
  if (typeof o === 'boolean') return o ? 'true' : 'false';
  if (typeof o === 'number') return Number.isInteger(o) ? String(o) : o.toFixed(4).replace(/\.?0+$/, '');
  if (o instanceof PdfName) return `/${o.name.replace(/[^A-Za-z0-9_.\-+]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (o instanceof PdfString) return `<${Buffer.from(o.bytes).toString('hex')}>`;
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (Array.isArray(o)) return `[${o.map(ser).join(' ')}]`;
  if (o instanceof PdfDict) return `<<${[...o.map].map(([k, v]) => `${ser(new PdfName(k))} ${ser(v)}`).join(' ')}>>`;
  if (o instanceof PdfStream) throw new Error('a stream cannot be serialised inline');
  return 'null';
}

/** A copy of `d` with some keys replaced (value `undefined` removes the key), serialised. */
export function withKeys(d: PdfDict, changes: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of d.map) if (!(k in changes)) parts.push(`${ser(new PdfName(k))} ${ser(v)}`);
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) parts.push(`/${k} ${v}`);
  return `<<${parts.join(' ')}>>`;
}

export function streamObject(dict: string, data: Uint8Array): Uint8Array {
  return concat([`<<${dict} /Length ${data.length}>>\nstream\n`, data, '\nendstream']);
}

/**
 * Append one revision with `objects` (number → body) and a cross-reference section of the same kind as
 * the file's (or `kind`). `withXref: false` appends the objects without any xref (an "ISA" attack).
 */
export function appendRevision(
  base: Uint8Array,
  objects: Map<number, string | Uint8Array>,
  opts: { kind?: 'table' | 'stream'; withXref?: boolean; trailer?: Record<string, string> } = {},
): Uint8Array {
  const doc = openPdf(base);
  const kind = opts.kind ?? doc.xrefKind;
  const parts: (string | Uint8Array)[] = [];
  let pos = base.length;
  const offsets = new Map<number, number>();
  const sep = base[base.length - 1] === 0x0a ? '' : '\n';
  parts.push(sep);
  pos += sep.length;
  for (const [num, body] of [...objects].sort((a, b) => a[0] - b[0])) {
    const chunk = concat([`${num} 0 obj\n`, body, '\nendobj\n']);
    offsets.set(num, pos);
    parts.push(chunk);
    pos += chunk.length;
  }
  if (opts.withXref === false) return concat([base, ...parts]);
  const maxNum = Math.max(doc.size - 1, ...objects.keys());
  const trailerBase: Record<string, string> = {
    Root: ser(doc.trailer.get('Root')),
    Prev: String(doc.startxref),
  };
  if (doc.trailer.has('Info')) trailerBase.Info = ser(doc.trailer.get('Info'));
  if (doc.trailer.has('ID')) trailerBase.ID = ser(doc.trailer.get('ID'));
  const trailer = { ...trailerBase, ...opts.trailer };
  const xrefAt = pos;
  if (kind === 'table') {
    const size = maxNum + 1;
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    let x = 'xref\n';
    for (const n of nums) x += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
    const t = Object.entries({ Size: String(size), ...trailer }).map(([k, v]) => `/${k} ${v}`).join(' ');
    x += `trailer\n<< ${t} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    parts.push(x);
  } else {
    const xnum = maxNum + 1;
    offsets.set(xnum, xrefAt);
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const rows = new Uint8Array(nums.length * 6);
    nums.forEach((n, i) => {
      const o = offsets.get(n)!;
      rows.set([1, (o >>> 24) & 255, (o >>> 16) & 255, (o >>> 8) & 255, o & 255, 0], i * 6);
    });
    const t = Object.entries({ Type: '/XRef', Size: String(xnum + 1), W: '[1 4 1]', Index: `[${nums.map((n) => `${n} 1`).join(' ')}]`, ...trailer })
      .map(([k, v]) => `/${k} ${v}`)
      .join(' ');
    parts.push(concat([`${xnum} 0 obj\n`, streamObject(t, rows), `\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`]));
  }
  return concat([base, ...parts]);
}

function sha256(parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

function pkiCert(p: Party): pkijs.Certificate {
  return pkijs.Certificate.fromBER(ab(p.der));
}

function hashOf(p: Party): string {
  return p.alg === 'ecdsa' ? 'SHA-256' : 'SHA-256';
}

async function signedData(
  signer: Party,
  chain: Party[],
  digest: Uint8Array,
  content: { type: string; eContent?: Uint8Array },
  unsigned?: pkijs.Attribute[],
): Promise<pkijs.SignedData> {
  const cert = pkiCert(signer);
  const sd = new pkijs.SignedData({
    version: content.eContent ? 3 : 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: content.type,
      ...(content.eContent ? { eContent: new asn1js.OctetString({ valueHex: ab(content.eContent) }) } : {}),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: content.type })] }),
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: ab(digest) })] }),
          ],
        }),
      }),
    ],
    certificates: [cert, ...chain.map(pkiCert)],
  });
  await sd.sign(signer.keys.privateKey, 0, hashOf(signer));
  if (unsigned) sd.signerInfos[0].unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: unsigned });
  return sd;
}

function contentInfo(sd: pkijs.SignedData): Uint8Array {
  return new Uint8Array(new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: sd.toSchema(true) }).toSchema().toBER(false));
}

/** An RFC 3161 TimeStampToken over `imprint` (SHA-256), from the test TSA. */
export async function timestampToken(tsa: Party, chain: Party[], imprint: Uint8Array, genTime: Date): Promise<Uint8Array> {
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: '1.3.6.1.4.1.99999.1',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: ab(imprint) }),
    }),
    serialNumber: new asn1js.Integer({ value: Math.floor(Math.random() * 1e9) }),
    genTime,
  });
  const tstDer = new Uint8Array(tst.toSchema().toBER(false));
  const sd = await signedData(tsa, chain, sha256([tstDer]), { type: OID_TSTINFO, eContent: tstDer });
  return contentInfo(sd);
}

export interface SignOptions {
  pki: Pki;
  field?: string;
  kind?: 'signature' | 'timestamp';
  reason?: string;
  signingTime?: Date;
  /** Add a signature timestamp (unsigned attribute). */
  timestamp?: boolean;
  timestampTime?: Date;
  docMdp?: 1 | 2 | 3;
  /** FieldMDP lock in the signature's /Reference (ISO 32000-1 §12.8.2.4). */
  fieldMdp?: { action: 'All' | 'Include' | 'Exclude'; fields?: string[] };
  /** Visible widget rectangle (default invisible [0 0 0 0]). */
  rect?: [number, number, number, number];
  page?: number;
  contentsBytes?: number;
  /** Tamper with the CMS bytes before embedding (for forged-dictionary tests). */
  mutateContents?: (der: Uint8Array) => Uint8Array;
}

function pdfDate(d: Date): string {
  return `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** Append a signed revision: new field + widget (page /Annots), AcroForm, signature dictionary. */
export async function signPdf(base: Uint8Array, o: SignOptions): Promise<Uint8Array> {
  const doc = openPdf(base);
  const n = doc.size;
  const sigNum = n;
  const fieldNum = n + 1;
  const apNum = n + 2;
  const isTs = o.kind === 'timestamp';
  const field = o.field ?? `Signature${n}`;
  const page = doc.page(o.page ?? 0);
  const catalog = doc.catalog();
  const catalogRef = doc.catalogRef()!;
  const objects = new Map<number, string | Uint8Array>();
  const rect = o.rect ?? [0, 0, 0, 0];
  const visible = rect[2] > rect[0] && rect[3] > rect[1];

  // AcroForm (indirect object or direct in the catalog)
  const formObj = catalog.get('AcroForm');
  const form = doc.dict(formObj);
  const oldFields = (doc.resolve(form?.get('Fields')) as PdfObject[] | undefined) ?? [];
  const newForm = form
    ? withKeys(form, { Fields: `[${[...oldFields.map(ser), `${fieldNum} 0 R`].join(' ')}]`, SigFlags: '3' })
    : `<< /Fields [${fieldNum} 0 R] /SigFlags 3 >>`;
  const catalogChanges: Record<string, string | undefined> = {};
  if (formObj instanceof PdfRef) objects.set(formObj.num, newForm);
  else catalogChanges.AcroForm = newForm;
  if (o.docMdp) catalogChanges.Perms = `<< /DocMDP ${sigNum} 0 R >>`;
  if (Object.keys(catalogChanges).length) objects.set(catalogRef.num, withKeys(catalog, catalogChanges));

  // the page's /Annots
  const annots = page.dict.get('Annots');
  const oldAnnots = (doc.resolve(annots) as PdfObject[] | undefined) ?? [];
  const newAnnots = `[${[...oldAnnots.map(ser), `${fieldNum} 0 R`].join(' ')}]`;
  if (annots instanceof PdfRef) objects.set(annots.num, newAnnots);
  else objects.set(page.ref.num, withKeys(page.dict, { Annots: newAnnots }));

  objects.set(
    fieldNum,
    `<< /Type /Annot /Subtype /Widget /FT /Sig /T (${field}) /V ${sigNum} 0 R /F 132 /P ${page.ref.num} 0 R /Rect [${rect.join(' ')}]${
      visible ? ` /AP << /N ${apNum} 0 R >>` : ''
    } >>`,
  );
  if (visible) {
    const w = rect[2] - rect[0];
    const h = rect[3] - rect[1];
    objects.set(apNum, streamObject(`/Type /XObject /Subtype /Form /BBox [0 0 ${w} ${h}]`, enc.encode(`1 0 0 rg 0 0 ${w} ${h} re f`)));
  }
  const contentsLen = o.contentsBytes ?? 12000;
  const placeholder = '0'.repeat(contentsLen * 2);
  const refs: string[] = [];
  if (o.docMdp) refs.push(`<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${o.docMdp} /V /1.2 >> >>`);
  if (o.fieldMdp) {
    const fields = o.fieldMdp.fields ? ` /Fields [${o.fieldMdp.fields.map((f) => `(${f})`).join(' ')}]` : '';
    refs.push(`<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams /Action /${o.fieldMdp.action}${fields} /V /1.2 >> >>`);
  }
  const reference = refs.length ? ` /Reference [${refs.join(' ')}]` : '';
  const when = o.signingTime ?? new Date('2025-04-01T01:02:03Z');
  const sigDict = isTs
    ? `<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange [0 0000000000 0000000000 0000000000] /Contents <${placeholder}> >>`
    : `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 0000000000 0000000000 0000000000] /Contents <${placeholder}> /M (${pdfDate(when)}) /Reason <FEFF${Buffer.from(
        o.reason ?? '承認しました',
        'utf16le',
      )
        .swap16()
        .toString('hex')}>${reference} >>`;
  objects.set(sigNum, sigDict);
  const out = appendRevision(base, objects);

  // ByteRange around the /Contents hex string of the new signature dictionary
  const text = latin1(out);
  const sigAt = text.lastIndexOf(`\n${sigNum} 0 obj\n`);
  const a = text.indexOf('/Contents <', sigAt) + '/Contents '.length;
  const b = a + placeholder.length + 2;
  const br = `[0 ${String(a).padStart(10, '0')} ${String(b).padStart(10, '0')} ${String(out.length - b).padStart(10, '0')}]`;
  const brAt = text.indexOf('/ByteRange [', sigAt) + '/ByteRange '.length;
  out.set(enc.encode(br), brAt);
  const digest = sha256([out.subarray(0, a), out.subarray(b)]);

  let der: Uint8Array;
  if (isTs) {
    der = await timestampToken(o.pki.tsa, [o.pki.root], digest, o.timestampTime ?? when);
  } else {
    const sd = await signedData(o.pki.signer, [o.pki.root], digest, { type: OID_DATA });
    if (o.timestamp) {
      const token = await timestampToken(o.pki.tsa, [o.pki.root], sha256([new Uint8Array(sd.signerInfos[0].signature.valueBlock.valueHexView)]), o.timestampTime ?? when);
      sd.signerInfos[0].unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 1,
        attributes: [new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.14', values: [asn1js.fromBER(ab(token)).result] })],
      });
    }
    der = contentInfo(sd);
  }
  if (o.mutateContents) der = o.mutateContents(der);
  if (der.length > contentsLen) throw new Error(`signature (${der.length} B) does not fit the placeholder`);
  out.set(enc.encode(Buffer.from(der).toString('hex')), a + 1);
  return out;
}

/** Append a DSS revision with certificates, CRLs and OCSP responses (B-LT). */
export function addDss(base: Uint8Array, data: { certs: Uint8Array[]; crls?: Uint8Array[]; ocsps?: Uint8Array[] }): Uint8Array {
  const doc = openPdf(base);
  let n = doc.size;
  const objects = new Map<number, string | Uint8Array>();
  const certRefs: string[] = [];
  const crlRefs: string[] = [];
  for (const c of data.certs) {
    objects.set(n, streamObject('', c));
    certRefs.push(`${n++} 0 R`);
  }
  for (const c of data.crls ?? []) {
    objects.set(n, streamObject('', c));
    crlRefs.push(`${n++} 0 R`);
  }
  const ocspRefs: string[] = [];
  for (const o of data.ocsps ?? []) {
    objects.set(n, streamObject('', o));
    ocspRefs.push(`${n++} 0 R`);
  }
  const dss = `<< /Type /DSS /Certs [${certRefs.join(' ')}] /CRLs [${crlRefs.join(' ')}] /OCSPs [${ocspRefs.join(' ')}] >>`;
  objects.set(doc.catalogRef()!.num, withKeys(doc.catalog(), { DSS: dss }));
  return appendRevision(base, objects);
}

/**
 * A basic OCSP response (RFC 6960) on `cert`, issued by `issuer`, signed by `responder`: the issuer itself,
 * or a delegated responder whose certificate goes into the response.
 */
export async function ocspResponse(o: {
  cert: Party;
  issuer: Party;
  responder: Party;
  status?: 'good' | 'revoked';
  revokedAt?: Date;
  thisUpdate?: Date;
  nextUpdate?: Date;
}): Promise<Uint8Array> {
  const certID = new pkijs.CertID();
  await certID.createForCertificate(pkiCert(o.cert), { hashAlgorithm: 'SHA-1', issuerCertificate: pkiCert(o.issuer) });
  const certStatus =
    o.status === 'revoked'
      ? new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.GeneralizedTime({ valueDate: o.revokedAt ?? new Date('2024-01-01T00:00:00Z') })] })
      : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  const thisUpdate = o.thisUpdate ?? new Date('2024-01-01T00:00:00Z');
  const responderKey = pkiCert(o.responder).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const keyHash = new Uint8Array(createHash('sha1').update(responderKey).digest());
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData: new pkijs.ResponseData({
      responderID: new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.OctetString({ valueHex: ab(keyHash) })] }),
      producedAt: thisUpdate,
      responses: [new pkijs.SingleResponse({ certID, certStatus, thisUpdate, nextUpdate: o.nextUpdate ?? new Date('2038-01-01T00:00:00Z') })],
    }),
    ...(o.responder === o.issuer ? {} : { certs: [pkiCert(o.responder)] }),
  });
  await basic.sign(o.responder.keys.privateKey, 'SHA-256');
  return successfulOcsp(basic);
}

/** An OCSPResponse (successful, id-pkix-ocsp-basic) around a signed basic response. */
export function successfulOcsp(basic: pkijs.BasicOCSPResponse): Uint8Array {
  const resp = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: '1.3.6.1.5.5.7.48.1.1',
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(resp.toSchema().toBER(false));
}
