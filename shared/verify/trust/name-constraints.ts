/**
 * Name constraints of CA certificates (RFC 5280 §4.2.1.10) for the name forms a signing certificate
 * carries: directory names (the subject), e-mail addresses (subjectAltName rfc822Name and the subject's
 * emailAddress) and DNS names. A CA constrained to "example.lg.jp" cannot vouch for a signer of another
 * domain. Other name forms are not judged; unreadable constraints fail closed.
 */
import * as pkijs from 'pkijs';
import { displayName, extension } from '../crypto/certificates.js';

const OID_NAME_CONSTRAINTS = '2.5.29.30';
const OID_EMAIL = '1.2.840.113549.1.9.1';
const DIRECTORY = 4;
const EMAIL = 1;
const DNS = 2;

function text(v: unknown): string {
  const raw = (v as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ').toLowerCase() : '';
}

/** `base` is a prefix of `dn` (attribute by attribute; values compared case-insensitively). */
function dnWithin(dn: pkijs.RelativeDistinguishedNames, base: pkijs.RelativeDistinguishedNames): boolean {
  const a = dn.typesAndValues;
  const b = base.typesAndValues;
  if (b.length > a.length) return false;
  return b.every((tv, i) => tv.type === a[i].type && text(tv.value) === text(a[i].value));
}

function hostWithin(host: string, constraint: string): boolean {
  const h = host.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return h.endsWith(c);
  return h === c || h.endsWith(`.${c}`);
}

function emailWithin(email: string, constraint: string): boolean {
  const e = email.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.includes('@')) return e === c;
  const host = e.slice(e.lastIndexOf('@') + 1);
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

function namesOf(c: pkijs.Certificate): { type: number; value: unknown; shown: string }[] {
  const out: { type: number; value: unknown; shown: string }[] = [];
  if (c.subject.typesAndValues.length) out.push({ type: DIRECTORY, value: c.subject, shown: 'subject' });
  for (const tv of c.subject.typesAndValues) if (tv.type === OID_EMAIL && text(tv.value)) out.push({ type: EMAIL, value: text(tv.value), shown: text(tv.value) });
  const san = extension(c, '2.5.29.17')?.parsedValue as pkijs.AltName | undefined;
  for (const g of san?.altNames ?? []) {
    if ((g.type === EMAIL || g.type === DNS) && typeof g.value === 'string') out.push({ type: g.type, value: g.value, shown: g.value });
  }
  return out;
}

function within(type: number, name: unknown, base: pkijs.GeneralName): boolean {
  if (base.type !== type) return false;
  if (type === DIRECTORY) return base.value instanceof pkijs.RelativeDistinguishedNames && dnWithin(name as pkijs.RelativeDistinguishedNames, base.value);
  if (typeof base.value !== 'string') return false;
  return type === EMAIL ? emailWithin(name as string, base.value) : hostWithin(name as string, base.value);
}

/** Why `cert` lies outside the name constraints of `ca`, or undefined when it does not. */
export function nameConstraintViolation(ca: pkijs.Certificate, cert: pkijs.Certificate): string | undefined {
  const ext = extension(ca, OID_NAME_CONSTRAINTS);
  if (!ext) return undefined;
  const nc = ext.parsedValue as pkijs.NameConstraints | undefined;
  if (!(nc instanceof pkijs.NameConstraints)) return `unreadable name constraints in ${displayName(ca)}`;
  for (const n of namesOf(cert)) {
    if ((nc.excludedSubtrees ?? []).some((s) => within(n.type, n.value, s.base))) return `${displayName(cert)}: ${n.shown} is excluded by ${displayName(ca)}`;
    const permitted = (nc.permittedSubtrees ?? []).filter((s) => s.base.type === n.type);
    if (permitted.length && !permitted.some((s) => within(n.type, n.value, s.base))) return `${displayName(cert)}: ${n.shown} is outside what ${displayName(ca)} may certify`;
  }
  return undefined;
}
