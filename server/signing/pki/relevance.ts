/**
 * Which validation material in a DSS belongs to one signature (for its VRI entry, ETSI EN 319 142-1
 * §5.4.2.3): the certificates of the chains it uses (its own certificates, those of its timestamp
 * tokens, up to the root as far as the store has them), the CRLs those certificates' issuers published,
 * and the OCSP responses about those certificates together with the responders' chains.
 */
import * as pkijs from 'pkijs';
import { bufferSource } from '../bytes.js';
import { x509 } from './x509.js';

export interface Pool {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

/** Indices into the pool's lists. */
export interface Relevant {
  certs: number[];
  crls: number[];
  ocsps: number[];
}

interface ParsedCert {
  der: Buffer;
  subject: string;
  issuer: string;
  serial: string;
}

const normSerial = (hex: string) => hex.toLowerCase().replace(/^(00)+(?=.)/, '');

function parseCert(der: Uint8Array): ParsedCert | undefined {
  try {
    const c = new x509.X509Certificate(bufferSource(der));
    return { der: Buffer.from(der), subject: c.subject, issuer: c.issuer, serial: normSerial(c.serialNumber) };
  } catch {
    return undefined;
  }
}

function crlIssuer(der: Uint8Array): string | undefined {
  try {
    return new x509.X509Crl(bufferSource(der)).issuer;
  } catch {
    return undefined;
  }
}

/** The serials an OCSP response speaks about, and the certificates it carries (its responder's). */
function ocspContent(der: Uint8Array): { serials: string[]; certs: Uint8Array[] } | undefined {
  try {
    const resp = pkijs.OCSPResponse.fromBER(bufferSource(der));
    const inner = resp.responseBytes?.response;
    if (!inner) return undefined;
    const basic = pkijs.BasicOCSPResponse.fromBER(bufferSource(new Uint8Array(inner.valueBlock.valueHexView)));
    return {
      serials: basic.tbsResponseData.responses.map((r) => normSerial(Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).toString('hex'))),
      certs: (basic.certs ?? []).map((c) => new Uint8Array(c.toSchema().toBER(false))),
    };
  } catch {
    return undefined;
  }
}

/** Parses the pool once; `select` then answers per signature. */
export class ValidationPool {
  private readonly certs: (ParsedCert | undefined)[];
  private readonly crlIssuers: (string | undefined)[];
  private readonly ocsps: ({ serials: string[]; certs: Uint8Array[] } | undefined)[];

  constructor(pool: Pool) {
    this.certs = pool.certs.map(parseCert);
    this.crlIssuers = pool.crls.map(crlIssuer);
    this.ocsps = pool.ocsps.map(ocspContent);
  }

  /** The pool entries relevant to a signature carrying `carried` certificates. */
  select(carried: Uint8Array[]): Relevant {
    const chain: ParsedCert[] = [];
    const inChain = (der: Uint8Array) => chain.some((c) => c.der.equals(der));
    const add = (c: ParsedCert | undefined) => {
      if (c && !inChain(c.der)) chain.push(c);
    };
    const close = () => {
      // Up to the root: the issuer of every certificate in the set, when the pool or the signature has it.
      for (let i = 0; i < chain.length; i++) {
        const c = chain[i];
        if (c.subject === c.issuer) continue;
        for (const p of this.certs) if (p && p.subject === c.issuer) add(p);
      }
    };
    for (const der of carried) add(parseCert(der));
    close();
    const ocsps: number[] = [];
    this.ocsps.forEach((o, i) => {
      if (!o || !o.serials.some((s) => chain.some((c) => c.serial === s))) return;
      ocsps.push(i);
      for (const der of o.certs) add(parseCert(der));
    });
    close();
    const certs: number[] = [];
    this.certs.forEach((p, i) => {
      if (p && inChain(p.der)) certs.push(i);
    });
    const issuers = new Set(chain.map((c) => c.subject));
    const crls: number[] = [];
    this.crlIssuers.forEach((issuer, i) => {
      if (issuer !== undefined && issuers.has(issuer)) crls.push(i);
    });
    return { certs, crls, ocsps };
  }
}
