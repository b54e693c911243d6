/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4): certificates, CRLs and
 * OCSP responses for offline validation.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfStream, rethrowLimit, type PdfDocument } from '../../pdf/index.js';
import { ab } from '../crypto/bytes.js';
import { parseCertificate } from '../crypto/certificates.js';

export interface Dss {
  present: boolean;
  certs: pkijs.Certificate[];
  crls: Crl[];
  ocsps: pkijs.BasicOCSPResponse[];
}

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

function streams(doc: PdfDocument, o: unknown): Uint8Array[] {
  const arr = doc.resolve(o as never);
  if (!Array.isArray(arr)) return [];
  const out: Uint8Array[] = [];
  for (const item of arr.slice(0, 10_000)) {
    try {
      const s = doc.resolve(item);
      if (s instanceof PdfStream) out.push(s.decode(16 * 1024 * 1024));
    } catch (e) {
      rethrowLimit(e);
      // an unreadable entry is simply not there for validation
    }
  }
  return out;
}

/**
 * A CRL, read with asn1js directly: pkijs 4 throws on CRL entries whose extensions are an empty
 * SEQUENCE (as @peculiar/x509 writes them), and a verifier must read what CAs actually issue.
 */
export interface Crl {
  issuer: pkijs.RelativeDistinguishedNames;
  /** DER of TBSCertList (what the signature covers). */
  tbs: Uint8Array;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  signature: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: { serial: Uint8Array; date: Date }[];
}

function timeOf(b: asn1js.AsnType | undefined): Date | undefined {
  if (b instanceof asn1js.UTCTime || b instanceof asn1js.GeneralizedTime) return b.toDate();
  return undefined;
}

export function parseCrl(der: Uint8Array): Crl | undefined {
  try {
    const asn = asn1js.fromBER(ab(der));
    if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) return undefined;
    const [tbsBlock, algBlock, sigBlock] = asn.result.valueBlock.value;
    if (!(tbsBlock instanceof asn1js.Sequence) || !(sigBlock instanceof asn1js.BitString)) return undefined;
    const items = tbsBlock.valueBlock.value;
    let i = items[0] instanceof asn1js.Integer ? 1 : 0; // version
    i++; // signature AlgorithmIdentifier (inner copy)
    const issuer = new pkijs.RelativeDistinguishedNames({ schema: items[i++] });
    const thisUpdate = timeOf(items[i++]);
    if (!thisUpdate) return undefined;
    const nextUpdate = timeOf(items[i]);
    if (nextUpdate) i++;
    const revoked: Crl['revoked'] = [];
    const list = items[i];
    if (list instanceof asn1js.Sequence) {
      for (const entry of list.valueBlock.value.slice(0, 1_000_000)) {
        if (!(entry instanceof asn1js.Sequence)) continue;
        const [serial, date] = entry.valueBlock.value;
        const d = timeOf(date);
        if (serial instanceof asn1js.Integer && d) revoked.push({ serial: new Uint8Array(serial.valueBlock.valueHexView), date: d });
      }
    }
    return {
      issuer,
      tbs: new Uint8Array(tbsBlock.valueBeforeDecodeView),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ schema: algBlock }),
      signature: new Uint8Array(sigBlock.valueBlock.valueHexView),
      thisUpdate,
      nextUpdate,
      revoked,
    };
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

/** An OCSPResponse (or a bare BasicOCSPResponse, as some writers store) → BasicOCSPResponse. */
export function parseOcsp(der: Uint8Array): pkijs.BasicOCSPResponse | undefined {
  try {
    const asn = asn1js.fromBER(ab(der));
    if (asn.offset === -1) return undefined;
    try {
      const resp = new pkijs.OCSPResponse({ schema: asn.result });
      if (resp.responseBytes?.responseType !== OID_OCSP_BASIC) return undefined;
      const inner = asn1js.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
      return new pkijs.BasicOCSPResponse({ schema: inner.result });
    } catch (e) {
      rethrowLimit(e);
      return new pkijs.BasicOCSPResponse({ schema: asn.result });
    }
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

export function readDss(doc: PdfDocument): Dss {
  const empty: Dss = { present: false, certs: [], crls: [], ocsps: [] };
  try {
    const dss = doc.dict(doc.catalog().get('DSS'));
    if (!dss) return empty;
    return {
      present: true,
      certs: streams(doc, dss.get('Certs')).map(parseCertificate).filter((c): c is pkijs.Certificate => !!c),
      crls: streams(doc, dss.get('CRLs')).map(parseCrl).filter((c): c is Crl => !!c),
      ocsps: streams(doc, dss.get('OCSPs')).map(parseOcsp).filter((c): c is pkijs.BasicOCSPResponse => !!c),
    };
  } catch (e) {
    rethrowLimit(e);
    return empty;
  }
}
