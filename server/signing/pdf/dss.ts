/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4.2): certificates, CRLs
 * and OCSP responses as streams, merged with a DSS already in the file (another signer's LTV data
 * stays), and a /VRI entry per signature as PAdES-LTV readers (Adobe) use it: key = uppercase hex
 * SHA-1 of the signature's /Contents value bytes, /Cert /CRL /OCSP naming that signature's streams,
 * /TU the time they were gathered. Existing VRI entries are kept. Also declares the ESIC extension
 * level other PAdES producers add.
 */
import { createHash } from 'node:crypto';
import { PdfDict, PdfRef, PdfStream, formatPdfDate, type PdfObject } from '../../../shared/pdf/index.js';
import { ValidationPool } from '../pki/relevance.js';
import { documentSignatures, signatureCertificates } from '../pki/timestamp-certificates.js';
import type { Revision } from './revision.js';
import { raw, textString, withEntries, type Writable } from './serialize.js';

export interface ValidationData {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** The VRI key of a signature: uppercase hex SHA-1 of its /Contents value bytes (padding included). */
export function vriKey(contents: Uint8Array): string {
  return createHash('sha1').update(contents).digest('hex').toUpperCase();
}

export function addDss(rev: Revision, data: ValidationData, now = new Date()) {
  const doc = rev.doc;
  const catalog = doc.catalog();
  const existing = doc.dict(catalog.get('DSS'));
  const seen = new Set<string>();
  /** Every stream of the merged store (kept and new) with its DER, for the VRI entries. */
  const pool: Record<'Certs' | 'CRLs' | 'OCSPs', { ref: PdfRef; der: Uint8Array }[]> = { Certs: [], CRLs: [], OCSPs: [] };
  const list = (key: 'Certs' | 'CRLs' | 'OCSPs', items: Uint8Array[]): Writable[] => {
    const out: Writable[] = [];
    const old = existing ? doc.resolve(existing.get(key)) : undefined;
    if (Array.isArray(old)) {
      for (const o of old as PdfObject[]) {
        out.push(o);
        const s = doc.resolve(o);
        if (s instanceof PdfStream) {
          try {
            const der = s.decode();
            seen.add(key + createHash('sha256').update(der).digest('hex'));
            if (o instanceof PdfRef) pool[key].push({ ref: o, der });
          } catch {
            // an undecodable foreign entry is kept as it is
          }
        }
      }
    }
    for (const der of items) {
      const h = key + createHash('sha256').update(der).digest('hex');
      if (seen.has(h)) continue;
      seen.add(h);
      const r = rev.update.allocate();
      rev.update.putStream(r, {}, der);
      out.push(r);
      pool[key].push({ ref: r, der });
    }
    return out;
  };
  const dss: Record<string, Writable | undefined> = existing
    ? withEntries(existing, {})
    : { Type: raw('/DSS') };
  dss.Certs = list('Certs', data.certs);
  dss.CRLs = list('CRLs', data.crls);
  dss.OCSPs = list('OCSPs', data.ocsps);
  dss.VRI = vri(rev, existing, pool, now);
  const dssRef = catalog.get('DSS');
  if (dssRef instanceof PdfRef) rev.update.put(dssRef, dss);
  else {
    const r = rev.update.allocate();
    rev.update.put(r, dss);
    rev.setCatalog('DSS', r);
  }
  const ext = doc.dict(catalog.get('Extensions'));
  const esic = { BaseVersion: raw('/1.7'), ExtensionLevel: 5 };
  rev.setCatalog('Extensions', ext ? withEntries(ext, { ESIC: esic }) : { ESIC: esic });
}


/**
 * /VRI: the entries already there, plus one per signature of the document that has none yet and for
 * which the store holds at least its signing certificate.
 */
function vri(
  rev: Revision,
  existing: PdfDict | undefined,
  pool: Record<'Certs' | 'CRLs' | 'OCSPs', { ref: PdfRef; der: Uint8Array }[]>,
  now: Date,
): Writable | undefined {
  const doc = rev.doc;
  const old = existing ? doc.dict(existing.get('VRI')) : undefined;
  const entries: Record<string, Writable | undefined> = old ? withEntries(old, {}) : {};
  const relevance = new ValidationPool({
    certs: pool.Certs.map((e) => e.der),
    crls: pool.CRLs.map((e) => e.der),
    ocsps: pool.OCSPs.map((e) => e.der),
  });
  const tu = raw(textString(formatPdfDate(now)));
  for (const sig of documentSignatures(doc)) {
    const key = vriKey(sig.contents);
    if (entries[key] !== undefined) continue;
    const { own, tokens } = signatureCertificates(sig.contents);
    const r = relevance.select([...own, ...tokens]);
    if (!r.certs.length) continue;
    const entry: Record<string, Writable> = { Cert: r.certs.map((i) => pool.Certs[i].ref) };
    if (r.crls.length) entry.CRL = r.crls.map((i) => pool.CRLs[i].ref);
    if (r.ocsps.length) entry.OCSP = r.ocsps.map((i) => pool.OCSPs[i].ref);
    entry.TU = tu;
    entries[key] = entry;
  }
  return Object.keys(entries).length ? entries : undefined;
}
