import { readFileSync } from 'node:fs';
import 'reflect-metadata'; // @peculiar/x509's tsyringe needs it before it loads
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../shared/pdf/index.js';
import { verifyPdf, type VerificationReport } from '../../shared/verify/index.js';
import { buildPdf, simplePdf } from '../pdf/helpers/build.js';
import { issue, makeCrl, makePki, makeRoot, type Pki } from './helpers/pki.js';
import { addDss, appendRevision, concat, latin1, signPdf, streamObject, withKeys } from './helpers/signer.js';
import { SAMPLES_DIR } from '../helpers/shared-dir.js';

const samples = SAMPLES_DIR;
const enc = new TextEncoder();

let pki: Pki;
let contract: Uint8Array; // a sample contract, signed once (invisible approval, with signature timestamp)

/** The object number of the (first) signature dictionary: the one with a /ByteRange. */
function signatureObjectNumber(doc: ReturnType<typeof openPdf>): number {
  return [...doc.xref().keys()].find((num) => {
    try {
      return doc.dict(doc.getObject(num))?.has('ByteRange');
    } catch {
      return false;
    }
  })!;
}

function codes(r: VerificationReport): string[] {
  return [...r.problems, ...r.signatures.flatMap((s) => s.problems)].map((p) => p.code);
}

async function check(bytes: Uint8Array, anchors = [pki.root.der]): Promise<VerificationReport> {
  return verifyPdf(bytes, { trustAnchors: anchors });
}

beforeAll(async () => {
  pki = await makePki();
  contract = await signPdf(new Uint8Array(readFileSync(path.join(samples, 'ukesho.pdf'))), { pki, field: 'Approval1', timestamp: true });
});

describe('a correctly signed document', () => {
  it('is valid, with signer, reason, timestamp time and its clock named', async () => {
    const r = await check(contract);
    expect(r.verdict).toBe('valid');
    const [s] = r.signatures;
    expect(s).toMatchObject({
      field: 'Approval1',
      kind: 'signature',
      revision: 2,
      integrity: 'valid',
      coverage: 'whole',
      trust: 'trusted',
      reason: '承認しました',
      signingTime: '2025-04-01T01:02:03.000Z',
      timestampTime: '2025-04-01T01:02:03.000Z',
      timestamp: { status: 'valid', tsa: 'Test TSA', trust: 'trusted' },
      trustTime: { source: 'timestamp' },
      modificationsAfter: { level: 'none', changes: [] },
      digestAlgorithm: 'SHA-256',
    });
    expect(s.signer).toMatchObject({ name: '電子契約サービス', organization: 'Esign Witness Test', email: 'sign@example.lg.jp' });
    expect(s.chain).toEqual(['電子契約サービス', 'Test Root CA']);
  });

  it('is unknown-trust without the root on the trust list, and certificates in the CMS never become anchors', async () => {
    expect((await check(contract, [])).verdict).toBe('unknown-trust');
    const other = await makeRoot('Test Root CA'); // same name, different key
    const r = await check(contract, [other.der]);
    expect(r.verdict).toBe('unknown-trust');
    expect(r.signatures[0].trust).toBe('unknown');
  });

  it('judges validity at /M without a timestamp and at --at when given, and says which', async () => {
    const plain = await signPdf(contract, { pki, field: 'Approval2', signingTime: new Date('2026-02-03T04:05:06Z') });
    const r = await check(plain);
    expect(r.verdict).toBe('valid');
    expect(r.signatures[1].trustTime).toEqual({ at: '2026-02-03T04:05:06.000Z', source: 'claimed' });
    const late = await verifyPdf(plain, { trustAnchors: [pki.root.der], at: new Date('2045-01-01T00:00:00Z') });
    expect(late.signatures[1].trustTime.source).toBe('given');
    expect(late.verdict).toBe('invalid'); // every certificate has expired by 2045
    expect(codes(late)).toContain('certificate-expired');
  });

  it('does not take the time of a timestamp whose TSA is not on the trust list', async () => {
    const foreign = await makePki();
    const pdf = await signPdf(simplePdf(1), {
      pki: { ...pki, tsa: foreign.tsa, root: pki.root },
      field: 'S',
      timestamp: true,
      signingTime: new Date('2026-01-02T03:04:05Z'),
      timestampTime: new Date('2030-01-01T00:00:00Z'),
    });
    const r = await check(pdf);
    const [s] = r.signatures;
    expect(s.timestamp).toMatchObject({ status: 'valid', trust: 'unknown' });
    expect(s.trustTime).toEqual({ at: '2026-01-02T03:04:05.000Z', source: 'claimed' });
    expect(s.problems).toContainEqual(expect.objectContaining({ code: 'timestamp-untrusted', severity: 'warning' }));
    expect(r.verdict).toBe('valid');
  });

  it('verifies RSA PKCS#1 v1.5 and RSASSA-PSS signers as well as ECDSA', async () => {
    for (const alg of ['rsa', 'rsa-pss'] as const) {
      const p = await makePki(alg);
      const signed = await signPdf(simplePdf(1), { pki: p, field: 'S' });
      const r = await verifyPdf(signed, { trustAnchors: [p.root.der] });
      expect(r.verdict, alg).toBe('valid');
      expect(r.signatures[0].signatureAlgorithm).toContain(alg === 'rsa' ? 'PKCS#1' : 'PSS');
    }
  });

  it('keeps a multi-approval B-LTA document "valid" and LTV-enabled: signatures, DSS and a document timestamp are its normal life', async () => {
    let pdf = await signPdf(contract, { pki, field: 'Approval2', timestamp: true });
    expect((await check(pdf)).signatures[0].ltv.enabled).toBe(false);
    pdf = addDss(pdf, { certs: [pki.signer.der, pki.tsa.der, pki.root.der], crls: [await makeCrl(pki.root)] });
    pdf = await signPdf(pdf, { pki, kind: 'timestamp', field: 'DocTimeStamp1' });
    const r = await check(pdf);
    expect(r.verdict).toBe('valid');
    expect(r.signatures.map((s) => [s.kind, s.revision, s.modificationsAfter.level])).toEqual([
      ['signature', 2, 'form'],
      ['signature', 3, 'lta'],
      ['timestamp', 5, 'none'],
    ]);
    expect(r.signatures.every((s) => s.ltv.enabled)).toBe(true);
    expect(r.signatures[2]).toMatchObject({ coverage: 'whole', timestamp: { status: 'valid' }, trustTime: { source: 'timestamp' } });
  });

  it('uses revocation data only where it speaks for the validation time: a CRL expired before the signature is stale', async () => {
    // The signature timestamp says 2025-04-01. A CRL current then (or issued later) shows the signer good;
    // one whose nextUpdate passed before that says nothing about it.
    const judged = async (thisUpdate: string, nextUpdate: string) => {
      const crl = await makeCrl(pki.root, [], { thisUpdate: new Date(thisUpdate), nextUpdate: new Date(nextUpdate) });
      const r = await check(addDss(contract, { certs: [pki.root.der], crls: [crl] }));
      return r.signatures[0];
    };
    const current = await judged('2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    expect(current.trustTime.source).toBe('timestamp');
    expect(current.revocation).toBe('good');
    expect(current.problems.map((p) => p.code)).not.toContain('revocation-stale');
    expect((await judged('2025-06-01T00:00:00Z', '2025-07-01T00:00:00Z')).revocation).toBe('good');
    const stale = await judged('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z');
    expect(stale.revocation).toBe('unknown');
    expect(stale.problems.find((p) => p.code === 'revocation-stale')).toMatchObject({ severity: 'warning' });
    expect(stale.ltv.missing.length).toBeGreaterThan(0);
    // A revocation listed before the validation time counts however old the list is.
    const old = await makeCrl(pki.root, [{ serialNumber: pki.signer.cert.serialNumber, date: new Date('2024-01-15T00:00:00Z') }], {
      thisUpdate: new Date('2024-01-20T00:00:00Z'),
      nextUpdate: new Date('2024-02-01T00:00:00Z'),
    });
    expect((await check(addDss(contract, { certs: [pki.root.der], crls: [old] }))).signatures[0].revocation).toBe('revoked');
  });

  it('enforces the name constraints of a CA in the chain: a signer outside what it may certify is not trusted', async () => {
    const constrained = async (nc: pkijs.NameConstraints) => {
      const sub = await issue(pki.root, 'CN=Municipal Sub CA, O=Esign Witness Test', {
        ca: true,
        extensions: [new x509.Extension('2.5.29.30', true, nc.toSchema().toBER(false))],
      });
      const signer = await issue(sub, 'CN=電子契約サービス, O=Esign Witness Test, E=sign@example.lg.jp', { eku: ['1.3.6.1.5.5.7.3.36'] });
      const pdf = addDss(await signPdf(simplePdf(1), { pki: { ...pki, signer }, field: 'S' }), { certs: [sub.der] });
      const r = await check(pdf);
      return { r, s: r.signatures[0] };
    };
    const subtree = (type: 1 | 2 | 4, value: unknown) => new pkijs.GeneralSubtree({ base: new pkijs.GeneralName({ type, value } as pkijs.GeneralNameParameters) });
    const ok = await constrained(new pkijs.NameConstraints({ permittedSubtrees: [subtree(1, 'example.lg.jp')] }));
    expect(ok.s.chain).toHaveLength(3);
    expect(ok.s.trust).toBe('trusted');
    expect(ok.r.verdict).toBe('valid');
    const otherDomain = await constrained(new pkijs.NameConstraints({ permittedSubtrees: [subtree(1, '.city.example.jp')] }));
    expect(otherDomain.s.trust).toBe('untrusted');
    expect(otherDomain.r.verdict).toBe('invalid');
    expect(otherDomain.s.problems.find((p) => p.code === 'chain-invalid')?.message.en).toContain('sign@example.lg.jp');
    const excludedOrg = await constrained(
      new pkijs.NameConstraints({ excludedSubtrees: [subtree(4, new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: '電子契約サービス' }) })] }))] }),
    );
    expect(excludedOrg.s.trust).toBe('untrusted');
    expect(excludedOrg.s.problems.find((p) => p.code === 'chain-invalid')?.message.en).toContain('subject is excluded');
  });

  it('marks a signer revoked in the DSS CRL as invalid', async () => {
    const crl = await makeCrl(pki.root, [{ serialNumber: pki.signer.cert.serialNumber, date: new Date('2024-06-01T00:00:00Z') }]);
    const pdf = addDss(contract, { certs: [pki.root.der], crls: [crl] });
    const r = await check(pdf);
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[0].revocation).toBe('revoked');
    expect(codes(r)).toContain('certificate-revoked');
  });

  it('rejects a signer certificate that had expired when it signed', async () => {
    const expired = await issue(pki.root, 'CN=Expired signer', { notBefore: new Date('2021-01-01Z'), notAfter: new Date('2022-01-01Z') });
    const pdf = await signPdf(simplePdf(1), { pki: { ...pki, signer: expired }, field: 'S' });
    const r = await check(pdf);
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[0].trust).toBe('untrusted');
  });
});

describe('hand-made attacks', () => {
  it('a flipped byte in a signed range → invalid (digest mismatch)', async () => {
    const [, a, b] = (await check(contract)).signatures[0].byteRange!;
    for (const at of [100, a - 5, b + 3]) {
      const bad = contract.slice();
      bad[at] ^= 0x01;
      const r = await check(bad);
      expect(r.verdict, `offset ${at}`).toBe('invalid');
    }
    const bad = contract.slice();
    bad[200] ^= 0x04;
    expect(codes(await check(bad))).toContain('digest-mismatch');
  });

  it('an appended revision that changes page content → invalid, listing object and page', async () => {
    const doc = openPdf(contract);
    const page = doc.page(0);
    const n = doc.size;
    const objects = new Map<number, string | Uint8Array>([
      [n, streamObject('', enc.encode('BT /F1 40 Tf 100 400 Td (PAID) Tj ET'))],
      [page.ref.num, withKeys(page.dict, { Contents: `${n} 0 R` })],
    ]);
    const r = await check(appendRevision(contract, objects));
    expect(r.verdict).toBe('invalid');
    const changes = r.signatures[0].modificationsAfter;
    expect(changes.level).toBe('other');
    expect(changes.changes).toContainEqual(expect.objectContaining({ object: page.ref.num, page: 1, level: 'other' }));
    expect(codes(r)).toContain('disallowed-changes');
  });

  it('objects appended without any xref → invalid (appended data)', async () => {
    const tail = concat([contract, '\n99 0 obj\n<< /Type /Page >>\nendobj\n']);
    const r = await check(tail);
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('appended-data');
    // trailing whitespace alone is not a change
    expect((await check(concat([contract, '\n\n']))).verdict).toBe('valid');
  });

  it('signature wrapping: the signature dictionary moved into the unsigned /Contents gap → invalid', async () => {
    const r0 = await check(contract);
    const [, a, b] = r0.signatures[0].byteRange!;
    const doc = openPdf(contract);
    const sigNum = signatureObjectNumber(doc);
    const sig = doc.dict(doc.getObject(sigNum))!;
    // Forged dictionary written over the zero padding at the end of the hex string, then an xref-only
    // revision points the signature object at it.
    const forged = `${sigNum} 0 obj\n${withKeys(sig, { Reason: '(forged)', Contents: '<00>' })}\nendobj\n`;
    const at = b - 1 - forged.length - 10;
    expect(at).toBeGreaterThan(a);
    const wrapped = contract.slice();
    wrapped.set(enc.encode(forged), at);
    const tableAt = wrapped.length;
    const tail = `xref\n${sigNum} 1\n${String(at).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${doc.size} /Root ${doc.catalogRef()} /Prev ${doc.startxref} >>\nstartxref\n${tableAt}\n%%EOF\n`;
    const r = await check(concat([wrapped, tail]));
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toEqual(expect.arrayContaining(['dict-outside-signed-range']));
  });

  it('forged signature dictionaries are "invalid", never absent: missing, empty or zeroed /Contents, bad ByteRange', async () => {
    const forge = (sig: string) =>
      buildPdf({
        objects: {
          1: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>',
          2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Annots [4 0 R] >>',
          4: '<< /FT /Sig /T (Forged) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R >>',
          5: sig,
        },
      });
    const cases: [string, string, string][] = [
      ['missing /Contents', '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] >>', 'contents-missing'],
      ['empty /Contents', '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <> >>', 'contents-empty'],
      ['zeroed /Contents', `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <${'0'.repeat(64)}> >>`, 'contents-empty'],
      ['three-element ByteRange', `<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20] /Contents <3003020100> >>`, 'byte-range-invalid'],
      ['negative ByteRange', `<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 -10 20 30] /Contents <3003020100> >>`, 'byte-range-invalid'],
      ['ByteRange beyond EOF', `<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 999999] /Contents <3003020100> >>`, 'byte-range-invalid'],
      ['garbage CMS', `<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <3003020100> >>`, 'cms-malformed'],
    ];
    for (const [name, sig, code] of cases) {
      const r = await check(forge(sig));
      expect(r.verdict, name).toBe('invalid');
      expect(r.signatures.length, name).toBe(1);
      expect(codes(r), name).toContain(code);
    }
    // a damaged /FT does not hide a signature either
    const hidden = forge('<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 10 20 30] /Contents <00> >>');
    const r = await check(latin1ToBytes(latin1(hidden).replace('/FT /Sig', '/FT /Sih')));
    expect(r.verdict).toBe('invalid');
    expect(r.signatures.length).toBe(1);
  });

  it('a forged CMS (signature value altered) → signature-invalid', async () => {
    const pdf = await signPdf(simplePdf(1), {
      pki,
      field: 'S',
      mutateContents: (der) => {
        const copy = der.slice();
        copy[copy.length - 10] ^= 0x55; // inside the signature value at the end of the SignerInfo
        return copy;
      },
    });
    const r = await check(pdf);
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('signature-invalid');
  });

  it('shadow hide-and-replace: an xref-only revision points an object back at an older offset → invalid', async () => {
    // Revision 1 shows "A"; revision 2 (before signing) replaces the page content with "B"; the signer
    // approves "B"; then an xref-only revision points the content object at the old "A" bytes again.
    const v1 = simplePdf(1, 'table', { 20: streamObject('', enc.encode('BT (A: 100 yen) Tj ET')) });
    const doc1 = openPdf(v1);
    const page = doc1.page(0);
    const withContent = appendRevision(v1, new Map([[page.ref.num, withKeys(page.dict, { Contents: '20 0 R' })]]));
    const v2 = appendRevision(withContent, new Map([[20, streamObject('', enc.encode('BT (B: 1,000,000 yen) Tj ET'))]]));
    const signed = await signPdf(v2, { pki, field: 'S' });
    expect((await check(signed)).verdict).toBe('valid');
    const oldOffset = (openPdf(withContent).xrefEntry(20) as { offset: number }).offset;
    const doc = openPdf(signed);
    const tableAt = signed.length;
    const tail = `xref\n20 1\n${String(oldOffset).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${doc.size} /Root ${doc.catalogRef()} /Prev ${doc.startxref} >>\nstartxref\n${tableAt}\n%%EOF\n`;
    const attacked = concat([signed, tail]);
    expect(openPdf(attacked).revisions.at(-1)!.objectNumbers).toEqual([20]);
    const r = await check(attacked);
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[0].modificationsAfter.changes).toContainEqual(expect.objectContaining({ object: 20, level: 'other' }));
  });

  it('sneaky visible signature on a certified document (DocMDP P=2) → invalid; allowed and listed at P=3', async () => {
    for (const p of [2, 3] as const) {
      const certified = await signPdf(simplePdf(1), { pki, field: 'Certification', docMdp: p });
      expect((await check(certified)).signatures[0].certification).toEqual({ permission: p });
      const sneaky = await signPdf(certified, { pki, field: 'Approval', rect: [50, 700, 400, 800] });
      const r = await check(sneaky);
      const widget = r.signatures[0].modificationsAfter.changes.find((c) => c.annotationType === 'Widget');
      expect(widget).toMatchObject({ page: 1, rect: [50, 700, 400, 800], visible: true, kind: 'signature-added' });
      if (p === 2) {
        expect(r.verdict).toBe('invalid');
        expect(codes(r)).toContain('visible-signature-on-certified');
      } else {
        expect(r.verdict).toBe('valid-with-changes');
      }
      // an invisible approval signature is what P=2 permits
      expect((await check(await signPdf(certified, { pki, field: 'Invisible' }))).verdict).toBe('valid');
    }
  });

  it('DocMDP P=1: even a further signature is a violation; a document timestamp is not', async () => {
    const certified = await signPdf(simplePdf(1), { pki, field: 'Certification', docMdp: 1 });
    const r = await check(await signPdf(certified, { pki, field: 'Approval' }));
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('docmdp-violation');
    expect((await check(await signPdf(certified, { pki, kind: 'timestamp', field: 'Ts' }))).verdict).toBe('valid');
  });

  it('an annotation added under DocMDP P=2 is a violation, listed with page, type and rectangle', async () => {
    const certified = await signPdf(simplePdf(1), { pki, field: 'Certification', docMdp: 2 });
    const doc = openPdf(certified);
    const page = doc.page(0);
    const n = doc.size;
    const annots = (doc.resolve(page.dict.get('Annots')) as unknown[]).map(String).join(' ');
    const pdf = appendRevision(
      certified,
      new Map<number, string | Uint8Array>([
        [n, '<< /Type /Annot /Subtype /Square /Rect [10 20 300 400] /C [1 1 1] /IC [1 1 1] >>'],
        [page.ref.num, withKeys(page.dict, { Annots: `[${annots} ${n} 0 R]` })],
      ]),
    );
    const r = await check(pdf);
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('docmdp-violation');
    expect(r.signatures[0].modificationsAfter.changes).toContainEqual(
      expect.objectContaining({ kind: 'annotation-added', annotationType: 'Square', rect: [10, 20, 300, 400], page: 1 }),
    );
  });

  it('a later redefinition of the signature dictionary is flagged, and /Reason stays the signed one', async () => {
    const doc = openPdf(contract);
    const sigNum = signatureObjectNumber(doc);
    const sig = doc.dict(doc.getObject(sigNum))!;
    const pdf = appendRevision(contract, new Map([[sigNum, withKeys(sig, { Reason: '(approved by the mayor)' })]]));
    const r = await check(pdf);
    expect(r.verdict).toBe('invalid');
    expect(r.signatures[0].reason).toBe('承認しました');
    expect(codes(r)).toContain('signature-redefined');
  });
});

describe('hostile input', () => {
  it('is a verdict, never an exception: not a PDF, empty, broken xref, too complex', async () => {
    expect((await verifyPdf(new Uint8Array(0))).problems[0].code).toBe('not-pdf');
    expect((await verifyPdf(enc.encode('%PDF-1.7\nnothing else'))).problems[0].code).toBe('broken-file');
    const huge = simplePdf(1, 'table', { 9: `[${'[1 2 3] '.repeat(400_000)}]` });
    const r = await verifyPdf(huge, { limits: { maxTokens: 200_000 } });
    expect(r.verdict).toBe('unsigned'); // the huge array is never touched: reading is lazy
    const cyclic = buildPdf({
      objects: {
        1: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>',
        2: '<< /Type /Pages /Kids [2 0 R] /Count 1 >>',
        4: '<< /FT /Sig /T (X) /Kids [4 0 R] /Parent 4 0 R >>',
      },
    });
    const c = await verifyPdf(cyclic);
    expect(['invalid', 'unsigned']).toContain(c.verdict);
  });

  it('a deflate bomb in the DSS and a huge array on a signed page end in a clear "too complex" verdict', async () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(64 * 1024 * 1024)));
    const doc = openPdf(contract);
    const n = doc.size;
    const withBomb = appendRevision(
      contract,
      new Map<number, string | Uint8Array>([
        [n, concat([`<< /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, bomb, '\nendstream'])],
        [doc.catalogRef()!.num, withKeys(doc.catalog(), { DSS: `<< /Certs [${n} 0 R] >>` })],
      ]),
    );
    const t0 = performance.now();
    const r = await check(withBomb);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.verdict).toBe('invalid');
    expect(r.problems.map((p) => p.code)).toEqual(['too-complex']);
    expect(r.problems[0].message.en).toBe('The PDF is too large or too complex to verify.');

    const page = doc.page(0);
    const huge = appendRevision(contract, new Map([[page.ref.num, withKeys(page.dict, { Annots: `[${'[0 0 0 0] '.repeat(100_000)}]` })]]));
    const h = await verifyPdf(huge, { trustAnchors: [pki.root.der], limits: { maxTokens: 200_000 } });
    expect(h.verdict).toBe('invalid');
    expect(h.problems.map((p) => p.code)).toEqual(['too-complex']);
  });
});

function latin1ToBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);
}

