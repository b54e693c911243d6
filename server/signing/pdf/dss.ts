/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4.2): certificates, CRLs
 * and OCSP responses as streams, merged with a DSS already in the file (another signer's LTV data
 * stays). VRI is not written (optional; DSS stopped writing it). Also declares the ESIC extension
 * level other PAdES producers add.
 */
import { createHash } from 'node:crypto';
import { PdfRef, PdfStream, type PdfObject } from '../../../shared/pdf/index.js';
import type { Revision } from './revision.js';
import { raw, withEntries, type Writable } from './serialize.js';

export interface ValidationData {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

export function addDss(rev: Revision, data: ValidationData) {
  const doc = rev.doc;
  const catalog = doc.catalog();
  const existing = doc.dict(catalog.get('DSS'));
  const seen = new Set<string>();
  const list = (key: 'Certs' | 'CRLs' | 'OCSPs', items: Uint8Array[]): Writable[] => {
    const out: Writable[] = [];
    const old = existing ? doc.resolve(existing.get(key)) : undefined;
    if (Array.isArray(old)) {
      for (const o of old as PdfObject[]) {
        out.push(o);
        const s = doc.resolve(o);
        if (s instanceof PdfStream) {
          try {
            seen.add(key + createHash('sha256').update(s.decode()).digest('hex'));
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
    }
    return out;
  };
  const dss: Record<string, Writable | undefined> = existing
    ? withEntries(existing, {})
    : { Type: raw('/DSS') };
  dss.Certs = list('Certs', data.certs);
  dss.CRLs = list('CRLs', data.crls);
  dss.OCSPs = list('OCSPs', data.ocsps);
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

