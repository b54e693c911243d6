/**
 * Name constraints of CA certificates (RFC 5280 §4.2.1.10) for the name forms a signing certificate
 * carries: directory names (the subject), e-mail addresses (subjectAltName rfc822Name and the subject's
 * emailAddress) and DNS names. A CA constrained to "example.lg.jp" cannot vouch for a signer of another
 * domain. Other name forms are not judged; unreadable constraints fail closed.
 */
import { altNames, displayName, type Certificate } from '../crypto/certificates.js';
import { extensionValue, generalName, type GeneralName, type Name } from '../crypto/x509.js';

const OID_NAME_CONSTRAINTS = '2.5.29.30';
const OID_EMAIL = '1.2.840.113549.1.9.1';
const DIRECTORY = 4;
const EMAIL = 1;
const DNS = 2;

function text(v: string | null): string {
  return v ? v.trim().replace(/\s+/g, ' ').toLowerCase() : '';
}

/** `base` is a prefix of `dn` (attribute by attribute; values compared case-insensitively). */
function dnWithin(dn: Name, base: Name): boolean {
  const a = dn.attributes;
  const b = base.attributes;
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

type Named = { type: number; name?: Name; text?: string; shown: string };

function namesOf(c: Certificate): Named[] {
  const out: Named[] = [];
  if (c.subject.attributes.length) out.push({ type: DIRECTORY, name: c.subject, shown: 'subject' });
  for (const tv of c.subject.attributes) if (tv.type === OID_EMAIL && text(tv.value)) out.push({ type: EMAIL, text: text(tv.value), shown: text(tv.value) });
  for (const g of altNames(c)) {
    if ((g.type === EMAIL || g.type === DNS) && g.text !== undefined) out.push({ type: g.type, text: g.text, shown: g.text });
  }
  return out;
}

function within(n: Named, base: GeneralName): boolean {
  if (base.type !== n.type) return false;
  if (n.type === DIRECTORY) return !!base.name && !!n.name && dnWithin(n.name, base.name);
  if (base.text === undefined || n.text === undefined) return false;
  return n.type === EMAIL ? emailWithin(n.text, base.text) : hostWithin(n.text, base.text);
}

/** NameConstraints' permitted [0] and excluded [1] subtrees' bases; undefined when unreadable. */
function constraintsOf(ca: Certificate): { permitted: GeneralName[]; excluded: GeneralName[] } | undefined | null {
  try {
    const d = extensionValue(ca, OID_NAME_CONSTRAINTS);
    if (!d) return null;
    const out = { permitted: [] as GeneralName[], excluded: [] as GeneralName[] };
    for (const part of d.seq()) {
      if (part.cls !== 2 || part.tag > 1) return undefined;
      for (const subtree of part.children()) (part.tag === 0 ? out.permitted : out.excluded).push(generalName(subtree.seq()[0]));
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Why `cert` lies outside the name constraints of `ca`, or undefined when it does not. */
export function nameConstraintViolation(ca: Certificate, cert: Certificate): string | undefined {
  const nc = constraintsOf(ca);
  if (nc === null) return undefined;
  if (!nc) return `unreadable name constraints in ${displayName(ca)}`;
  for (const n of namesOf(cert)) {
    if (nc.excluded.some((b) => within(n, b))) return `${displayName(cert)}: ${n.shown} is excluded by ${displayName(ca)}`;
    const permitted = nc.permitted.filter((b) => b.type === n.type);
    if (permitted.length && !permitted.some((b) => within(n, b))) return `${displayName(cert)}: ${n.shown} is outside what ${displayName(ca)} may certify`;
  }
  return undefined;
}
