/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4): certificates, CRLs and
 * OCSP responses for offline validation.
 */
import { PdfStream, rethrowLimit, type PdfDocument } from '../../pdf/index.js';
import { parseCertificate, type Certificate } from '../crypto/certificates.js';
import { decodeCrl, decodeOcsp, type Crl, type OcspResponse } from '../crypto/x509.js';

export type { Crl } from '../crypto/x509.js';

export interface Dss {
  present: boolean;
  certs: Certificate[];
  crls: Crl[];
  ocsps: OcspResponse[];
}

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
 * A CRL, read by x509.ts: entries and extensions beyond serial and date are not read (pkijs threw on
 * entries whose extensions are an empty SEQUENCE, as @peculiar/x509 writes them; a verifier must read
 * what CAs actually issue).
 */
export function parseCrl(der: Uint8Array): Crl | undefined {
  try {
    return decodeCrl(der);
  } catch (e) {
    rethrowLimit(e);
    return undefined;
  }
}

/** An OCSPResponse (or a bare BasicOCSPResponse, as some writers store) → its basic response. */
export function parseOcsp(der: Uint8Array): OcspResponse | undefined {
  try {
    return decodeOcsp(der, parseCertificate);
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
      certs: streams(doc, dss.get('Certs')).map(parseCertificate).filter((c): c is Certificate => !!c),
      crls: streams(doc, dss.get('CRLs')).map(parseCrl).filter((c): c is Crl => !!c),
      ocsps: streams(doc, dss.get('OCSPs')).map(parseOcsp).filter((c): c is OcspResponse => !!c),
    };
  } catch (e) {
    rethrowLimit(e);
    return empty;
  }
}
