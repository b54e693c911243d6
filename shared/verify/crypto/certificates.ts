/** X.509 helpers on our decoded certificates (x509.ts): parsing with a cache, names, identity, key identifiers. */
import type { SignerIdentity } from '../report.js';
import { hex, sameBytes } from './bytes.js';
import { Der, decodeCertificate, extensionValue, generalNames, type Certificate, type Name } from './x509.js';

export type { Certificate, Name } from './x509.js';

/**
 * Parsed certificates by their exact encoding (bounded): the same few certificates come back in every
 * signature, every timestamp token and the DSS. Parsed certificates are only read, never changed.
 */
const parsedCerts = new Map<string, Certificate | undefined>();
const PARSED_CERTS_MAX = 512;

/** A cheap exact-bytes key (one char per byte: the decoder maps all 256 bytes to distinct characters). */
const keyDecoder = (() => {
  try {
    return new TextDecoder('windows-1252');
  } catch {
    return undefined;
  }
})();
export function bytesKey(b: Uint8Array): string {
  return keyDecoder ? keyDecoder.decode(b) : hex(b);
}

export function parseCertificate(der: Uint8Array): Certificate | undefined {
  const key = bytesKey(der);
  if (parsedCerts.has(key)) return parsedCerts.get(key);
  let cert: Certificate | undefined;
  try {
    cert = decodeCertificate(der);
  } catch {
    cert = undefined;
  }
  if (parsedCerts.size >= PARSED_CERTS_MAX) parsedCerts.delete(parsedCerts.keys().next().value!);
  parsedCerts.set(key, cert);
  return cert;
}

const keys = new WeakMap<Certificate, string>();

/** Identity of a certificate (its signed body and signature), cached: chains ask it often. */
export function certKey(c: Certificate): string {
  let k = keys.get(c);
  if (k === undefined) {
    k = `${bytesKey(c.tbs)}.${bytesKey(c.signature)}`;
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

export function nameAttr(n: Name, short: string): string | null {
  for (const a of n.attributes) if (ATTR[a.type] === short) return a.value ?? '';
  return null;
}

export function nameString(n: Name): string {
  return n.attributes.map((a) => `${ATTR[a.type] ?? a.type}=${a.value ?? ''}`).join(', ');
}

/** RFC 5280 §7.1, simplified: trimmed, whitespace-collapsed, case-insensitive for string values. */
function prep(s: string): string {
  return s.trim().replace(/ +/g, ' ').toLowerCase();
}

/** Name equality: identical encodings, else attribute by attribute (string values compared prepared). */
export function namesEqual(a: Name, b: Name): boolean {
  if (sameBytes(a.der, b.der)) return true;
  if (a.attributes.length !== b.attributes.length) return false;
  return a.attributes.every((x, i) => {
    const y = b.attributes[i];
    if (x.type !== y.type) return false;
    if ((x.value === null) !== (y.value === null)) return false;
    return x.value !== null ? prep(x.value) === prep(y.value!) : sameBytes(x.raw, y.raw);
  });
}

export function serialHex(c: Certificate): string {
  return hex(c.serial);
}

export function subjectKeyId(c: Certificate): Uint8Array | undefined {
  try {
    return extensionValue(c, '2.5.29.14')?.octets();
  } catch {
    return undefined;
  }
}

/** basicConstraints cA; undefined without the extension (false when it cannot be read). */
export function isCa(c: Certificate): boolean | undefined {
  let d: Der | undefined;
  try {
    d = extensionValue(c, '2.5.29.19');
    if (!d) return undefined;
    const first = d.seq()[0];
    return first?.is(1, false) ? first.boolean() : false;
  } catch {
    return d ? false : undefined;
  }
}

/** basicConstraints pathLenConstraint; undefined when absent (or no extension). */
export function pathLength(c: Certificate): number | undefined {
  try {
    const last = extensionValue(c, '2.5.29.19')?.seq().find((x) => x.is(2, false));
    return last ? last.smallInt() : undefined;
  } catch {
    return 0; // unreadable: allow no certificate below
  }
}

/** extKeyUsage purposes; undefined without the extension, [] when it cannot be read (no purpose). */
export function extKeyUsages(c: Certificate): string[] | undefined {
  let d: Der | undefined;
  try {
    d = extensionValue(c, '2.5.29.37');
    return d?.seq().map((x) => x.oid());
  } catch {
    return d ? [] : undefined;
  }
}

/** keyUsage bits (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * Which keyUsage bits are set: undefined without the extension (every use allowed), and a test that
 * answers false for every bit when the extension cannot be read (fail closed).
 */
export function keyUsage(c: Certificate): ((bit: keyof typeof KEY_USAGE) => boolean) | undefined {
  const e = c.extensions.find((x) => x.oid === '2.5.29.15');
  if (!e) return undefined;
  let bits: Uint8Array;
  try {
    bits = Der.read(e.value).bits();
  } catch {
    return () => false;
  }
  return (name) => {
    const n = KEY_USAGE[name];
    return ((bits[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  };
}

/** subjectAltName's entries; [] when absent or unreadable. */
export function altNames(c: Certificate): ReturnType<typeof generalNames> {
  try {
    const d = extensionValue(c, '2.5.29.17');
    return d ? generalNames(d) : [];
  } catch {
    return [];
  }
}

function email(c: Certificate): string | null {
  const fromSubject = nameAttr(c.subject, 'E');
  if (fromSubject) return fromSubject;
  return altNames(c).find((g) => g.type === 1)?.text ?? null;
}

export function identity(c: Certificate): SignerIdentity {
  return {
    name: nameAttr(c.subject, 'CN'),
    organization: nameAttr(c.subject, 'O'),
    email: email(c),
    subject: nameString(c.subject),
    issuer: nameString(c.issuer),
    serialNumber: serialHex(c),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  };
}

export function displayName(c: Certificate): string {
  return nameAttr(c.subject, 'CN') ?? nameAttr(c.subject, 'O') ?? nameString(c.subject);
}

export function isSelfIssued(c: Certificate): boolean {
  return namesEqual(c.subject, c.issuer);
}
