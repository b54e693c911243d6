/** X.509 helpers on pkijs certificates: parsing, names, identity, key identifiers. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SignerIdentity } from '../report.js';
import { ab, hex, sameBytes } from './bytes.js';

/**
 * Parsed certificates by their exact encoding (bounded): the same few certificates come back in every
 * signature, every timestamp token and the DSS, and pkijs' schema matching is the costliest step of a
 * verification. Parsed certificates are only read, never changed.
 */
const parsedCerts = new Map<string, pkijs.Certificate | undefined>();
const PARSED_CERTS_MAX = 512;
/** The encoding a certificate was read from: what ESS signing-certificate hashes cover. */
const encodings = new WeakMap<pkijs.Certificate, Uint8Array>();

export function parseCertificate(der: Uint8Array): pkijs.Certificate | undefined {
  const key = hex(der);
  if (parsedCerts.has(key)) return parsedCerts.get(key);
  let cert: pkijs.Certificate | undefined;
  try {
    const raw = der.slice();
    const asn = asn1js.fromBER(ab(raw));
    cert = asn.offset === -1 ? undefined : new pkijs.Certificate({ schema: asn.result });
    if (cert) encodings.set(cert, raw);
  } catch {
    cert = undefined;
  }
  if (parsedCerts.size >= PARSED_CERTS_MAX) parsedCerts.delete(parsedCerts.keys().next().value!);
  parsedCerts.set(key, cert);
  return cert;
}

export function certDer(c: pkijs.Certificate): Uint8Array {
  return encodings.get(c) ?? new Uint8Array(c.toSchema(false).toBER(false));
}

const keys = new WeakMap<pkijs.Certificate, string>();

/** Identity of a certificate (its signed body and signature), cached: chains ask it often. */
export function certKey(c: pkijs.Certificate): string {
  let k = keys.get(c);
  if (k === undefined) {
    k = `${hex(c.tbsView)}.${hex(new Uint8Array(c.signatureValue.valueBlock.valueHexView))}`;
    keys.set(c, k);
  }
  return k;
}

const ATTR: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'givenName',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
};

function attrValue(tv: pkijs.AttributeTypeAndValue): string {
  const v = tv.value as { valueBlock?: { value?: unknown } };
  const raw = v?.valueBlock?.value;
  return typeof raw === 'string' ? raw : '';
}

export function nameAttr(rdn: pkijs.RelativeDistinguishedNames, short: string): string | null {
  for (const tv of rdn.typesAndValues) if (ATTR[tv.type] === short) return attrValue(tv);
  return null;
}

export function nameString(rdn: pkijs.RelativeDistinguishedNames): string {
  return rdn.typesAndValues.map((tv) => `${ATTR[tv.type] ?? tv.type}=${attrValue(tv)}`).join(', ');
}

const nameBytes = new WeakMap<pkijs.RelativeDistinguishedNames, Uint8Array>();

function encodedName(n: pkijs.RelativeDistinguishedNames): Uint8Array {
  let b = nameBytes.get(n);
  if (!b) {
    b = n.valueBeforeDecode?.byteLength ? new Uint8Array(n.valueBeforeDecode) : new Uint8Array(n.toSchema().toBER(false));
    nameBytes.set(n, b);
  }
  return b;
}

/** Name equality: identical encodings, else pkijs' comparison (RFC 5280 §7.1, simplified). */
export function namesEqual(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  try {
    return sameBytes(encodedName(a), encodedName(b)) || a.isEqual(b);
  } catch {
    return false;
  }
}

export function serialHex(c: pkijs.Certificate): string {
  return hex(new Uint8Array(c.serialNumber.valueBlock.valueHexView));
}

export function extension(c: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return c.extensions?.find((e) => e.extnID === oid);
}

export function subjectKeyId(c: pkijs.Certificate): Uint8Array | undefined {
  const e = extension(c, '2.5.29.14');
  const v = e?.parsedValue as asn1js.OctetString | undefined;
  return v?.valueBlock ? new Uint8Array(v.valueBlock.valueHexView) : undefined;
}

export function isCa(c: pkijs.Certificate): boolean | undefined {
  const e = extension(c, '2.5.29.19');
  if (!e) return undefined;
  const bc = e.parsedValue as pkijs.BasicConstraints | undefined;
  return !!bc?.cA;
}

export function extKeyUsages(c: pkijs.Certificate): string[] | undefined {
  const e = extension(c, '2.5.29.37');
  const eku = e?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return eku?.keyPurposes;
}

function email(c: pkijs.Certificate): string | null {
  const fromSubject = nameAttr(c.subject, 'E');
  if (fromSubject) return fromSubject;
  const san = extension(c, '2.5.29.17')?.parsedValue as pkijs.AltName | undefined;
  const rfc822 = san?.altNames?.find((g) => g.type === 1);
  return rfc822 && typeof rfc822.value === 'string' ? rfc822.value : null;
}

export function identity(c: pkijs.Certificate): SignerIdentity {
  return {
    name: nameAttr(c.subject, 'CN'),
    organization: nameAttr(c.subject, 'O'),
    email: email(c),
    subject: nameString(c.subject),
    issuer: nameString(c.issuer),
    serialNumber: serialHex(c),
    notBefore: c.notBefore.value.toISOString(),
    notAfter: c.notAfter.value.toISOString(),
  };
}

export function displayName(c: pkijs.Certificate): string {
  return nameAttr(c.subject, 'CN') ?? nameAttr(c.subject, 'O') ?? nameString(c.subject);
}

export function isSelfIssued(c: pkijs.Certificate): boolean {
  return namesEqual(c.subject, c.issuer);
}
