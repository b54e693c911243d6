/**
 * Our own decoding of the X.509 and CMS structures the verifier reads (RFC 5280 certificates and CRLs,
 * RFC 5652 SignedData, RFC 3161 TSTInfo, RFC 6960 OCSP responses), straight from the bytes with the
 * TLV walker in der.ts. A verification runs once per file, mostly in cold (interpreted) code: a generic
 * ASN.1 schema matcher costs far more there than the few fields validation reads, so only those are
 * decoded, as plain objects whose byte fields are views of one copy of the input. Anything out of
 * shape throws Malformed; callers turn it into their verdict ("cms-malformed", "not a certificate").
 */
import { concatBytes } from './bytes.js';
import { childrenOf, readTlv, type Tlv } from './der.js';

export class Malformed extends Error {
  constructor(what = 'malformed ASN.1') {
    super(what);
  }
}

const U = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC: 18,
  PRINTABLE: 19,
  TELETEX: 20,
  VIDEOTEX: 21,
  IA5: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  GRAPHIC: 25,
  VISIBLE: 26,
  GENERAL: 27,
  UNIVERSAL: 28,
  BMP: 30,
} as const;

/** A decoded element: the buffer it lies in and where. */
export class Der {
  constructor(
    readonly b: Uint8Array,
    readonly t: Tlv,
  ) {}

  static read(b: Uint8Array): Der {
    const t = readTlv(b, 0);
    if (!t) throw new Malformed();
    return new Der(b, t);
  }

  get tag(): number {
    return this.t.tag;
  }
  get cls(): number {
    return this.t.cls;
  }
  get constructed(): boolean {
    return this.t.constructed;
  }
  is(tag: number, constructed?: boolean): boolean {
    return this.t.cls === 0 && this.t.tag === tag && (constructed === undefined || this.t.constructed === constructed);
  }
  isContext(tag: number): boolean {
    return this.t.cls === 2 && this.t.tag === tag;
  }
  /** The whole element's encoding. */
  get bytes(): Uint8Array {
    return this.b.subarray(this.t.start, this.t.end);
  }
  /** The content octets. */
  get content(): Uint8Array {
    return this.b.subarray(this.t.contentStart, this.t.contentEnd);
  }
  children(): Der[] {
    const kids = childrenOf(this.b, this.t);
    if (!kids) throw new Malformed();
    return kids.map((k) => new Der(this.b, k));
  }
  expect(tag: number, constructed?: boolean): this {
    if (!this.is(tag, constructed)) throw new Malformed(`expected universal tag ${tag}, found ${this.t.cls}/${this.t.tag}`);
    return this;
  }
  seq(): Der[] {
    return this.expect(U.SEQUENCE, true).children();
  }
  /** The single element inside an EXPLICIT tag. */
  explicit(): Der {
    const kids = this.children();
    if (kids.length !== 1) throw new Malformed();
    return kids[0];
  }
  oid(): string {
    return oidString(this.expect(U.OID, false).content);
  }
  /** INTEGER content octets (two's complement, as encoded: a serial number's identity). */
  integerBytes(): Uint8Array {
    const c = this.expect(U.INTEGER, false).content;
    if (!c.length) throw new Malformed('empty INTEGER');
    return c;
  }
  /** A small non-negative INTEGER or ENUMERATED. */
  smallInt(): number {
    if (!(this.is(U.INTEGER, false) || this.is(U.ENUMERATED, false)) || !this.content.length || this.content.length > 6) throw new Malformed('bad small integer');
    let v = 0;
    for (const x of this.content) v = v * 256 + x;
    if (this.content[0] & 0x80) throw new Malformed('negative integer');
    return v;
  }
  boolean(): boolean {
    const c = this.expect(U.BOOLEAN, false).content;
    if (c.length !== 1) throw new Malformed('bad BOOLEAN');
    return c[0] !== 0;
  }
  /** OCTET STRING contents; a constructed (BER) one is joined. Also for IMPLICIT-tagged octet strings. */
  octets(implicit = false): Uint8Array {
    if (!implicit) this.expect(U.OCTET_STRING);
    if (!this.constructed) return this.content;
    return concatBytes(this.children().map((c) => c.octets()));
  }
  /** BIT STRING contents without the unused-bits octet. */
  bits(): Uint8Array {
    const c = this.expect(U.BIT_STRING, false).content;
    if (!c.length || c[0] > 7) throw new Malformed('bad BIT STRING');
    return c.subarray(1);
  }
  time(): Date {
    const s = latin1(this.content);
    let m: RegExpExecArray | null;
    let d: Date | undefined;
    if (this.is(U.UTC_TIME, false) && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(s))) {
      const y = Number(m[1]);
      d = utc(y < 50 ? 2000 + y : 1900 + y, m[2], m[3], m[4], m[5], m[6] ?? '0', '', m[7]);
    } else if (this.is(U.GENERALIZED_TIME, false) && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)?(\d\d)?(?:[.,](\d{1,9}))?(Z|[+-]\d{4})?$/.exec(s))) {
      d = utc(Number(m[1]), m[2], m[3], m[4], m[5] ?? '0', m[6] ?? '0', m[7] ?? '', m[8] ?? 'Z');
    }
    if (!d || Number.isNaN(d.getTime())) throw new Malformed(`bad time ${s}`);
    return d;
  }
  /** A directory string's text; null for a value that is not a string type. */
  text(): string | null {
    if (this.cls !== 0 || this.constructed) return null;
    const c = this.content;
    switch (this.tag) {
      case U.UTF8:
        return new TextDecoder().decode(c);
      case U.BMP: {
        let s = '';
        for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i] << 8) | c[i + 1]);
        return s;
      }
      case U.UNIVERSAL: {
        let s = '';
        for (let i = 0; i + 3 < c.length; i += 4) s += String.fromCodePoint(((c[i] << 24) | (c[i + 1] << 16) | (c[i + 2] << 8) | c[i + 3]) >>> 0);
        return s;
      }
      case U.NUMERIC:
      case U.PRINTABLE:
      case U.TELETEX:
      case U.VIDEOTEX:
      case U.IA5:
      case U.GRAPHIC:
      case U.VISIBLE:
      case U.GENERAL:
        return latin1(c);
      default:
        return null;
    }
  }
}

function utc(y: number, mo: string, d: string, h: string, mi: string, s: string, frac: string, zone: string): Date {
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(y, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone[0] === '+' ? 1 : -1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  const out = new Date(t);
  if (y < 0 || Number(mo) < 1 || Number(mo) > 12) return new Date(NaN);
  return out;
}

export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

export function oidString(c: Uint8Array): string {
  if (!c.length || c.length > 128) throw new Malformed('bad OID');
  const arcs: (number | bigint)[] = [];
  let v = 0;
  let big: bigint | undefined; // an arc beyond 2^53 (e.g. 2.25.{UUID})
  for (let i = 0; i < c.length; i++) {
    const bits = c[i] & 0x7f;
    if (big !== undefined) big = big * 128n + BigInt(bits);
    else if (v > 2 ** 45) big = BigInt(v) * 128n + BigInt(bits);
    else v = v * 128 + bits;
    if (!(c[i] & 0x80)) {
      arcs.push(big ?? v);
      v = 0;
      big = undefined;
    } else if (i === c.length - 1) throw new Malformed('truncated OID');
  }
  const first = arcs[0];
  let head: (number | bigint)[];
  if (typeof first === 'bigint') head = [2, first - 80n];
  else head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

// ---------------------------------------------------------------------------------------------------

export interface AlgorithmIdentifier {
  oid: string;
  /** The parameters element, when present (NULL included). */
  params?: Der;
}

export function algorithm(d: Der): AlgorithmIdentifier {
  const [id, params, ...extra] = d.seq();
  if (!id || extra.length) throw new Malformed('bad AlgorithmIdentifier');
  return { oid: id.oid(), params };
}

export interface NameAttribute {
  type: string;
  /** The value's text, or null when its type is not a string type. */
  value: string | null;
  /** The value element as encoded. */
  raw: Uint8Array;
}

export interface Name {
  /** The Name as encoded (what issuer/subject matching compares first). */
  der: Uint8Array;
  /** Every attribute of every RDN, in order. */
  attributes: NameAttribute[];
}

export function name(d: Der): Name {
  const attributes: NameAttribute[] = [];
  for (const rdn of d.seq()) {
    for (const atv of rdn.expect(U.SET, true).children()) {
      const [type, value, ...extra] = atv.seq();
      if (!type || !value || extra.length) throw new Malformed('bad AttributeTypeAndValue');
      attributes.push({ type: type.oid(), value: value.text(), raw: value.bytes });
    }
  }
  return { der: d.bytes, attributes };
}

export interface PublicKeyInfo {
  /** The SubjectPublicKeyInfo as encoded. */
  der: Uint8Array;
  algorithm: AlgorithmIdentifier;
  /** The BIT STRING element as encoded. */
  keyElement: Uint8Array;
  /** Its contents (without the unused-bits octet): the key. */
  key: Uint8Array;
}

function publicKeyInfo(d: Der): PublicKeyInfo {
  const [alg, key, ...extra] = d.seq();
  if (!alg || !key || extra.length) throw new Malformed('bad SubjectPublicKeyInfo');
  return { der: d.bytes, algorithm: algorithm(alg), keyElement: key.bytes, key: key.bits() };
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** extnValue's contents: the extension's own DER. */
  value: Uint8Array;
}

export interface Certificate {
  /** The certificate as encoded (own copy): what ESS signing-certificate hashes cover. */
  der: Uint8Array;
  /** TBSCertificate as encoded: what the issuer's signature covers. */
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  publicKey: PublicKeyInfo;
  extensions: Extension[];
}

/** An X.509 certificate from its encoding (the first element of `input`); throws Malformed. */
export function decodeCertificate(input: Uint8Array): Certificate {
  const der = Der.read(input.slice());
  const [tbsD, algD, sigD, ...extra] = der.seq();
  if (!tbsD || !algD || !sigD || extra.length) throw new Malformed('bad Certificate');
  const tbs = tbsD.seq();
  let i = 0;
  let version = 1;
  if (tbs[i]?.isContext(0)) version = tbs[i++].explicit().smallInt() + 1;
  const serial = tbs[i++]?.integerBytes();
  i++; // the inner signature AlgorithmIdentifier
  const issuerD = tbs[i++];
  const validity = tbs[i++]?.seq();
  const subjectD = tbs[i++];
  const spkiD = tbs[i++];
  if (!serial || !issuerD || !validity || validity.length !== 2 || !subjectD || !spkiD) throw new Malformed('bad TBSCertificate');
  const extensions: Extension[] = [];
  for (; i < tbs.length; i++) {
    if (tbs[i].isContext(1) || tbs[i].isContext(2)) continue; // unique identifiers
    if (!tbs[i].isContext(3)) throw new Malformed('bad TBSCertificate');
    for (const e of tbs[i].explicit().seq()) {
      const parts = e.seq();
      const critical = parts.length === 3 ? parts[1].boolean() : false;
      const value = parts[parts.length - 1];
      if (parts.length < 2 || parts.length > 3) throw new Malformed('bad Extension');
      extensions.push({ oid: parts[0].oid(), critical, value: value.octets() });
    }
  }
  return {
    der: der.bytes,
    tbs: tbsD.bytes,
    version,
    serial,
    signatureAlgorithm: algorithm(algD),
    signature: sigD.bits(),
    issuer: name(issuerD),
    subject: name(subjectD),
    notBefore: validity[0].time(),
    notAfter: validity[1].time(),
    publicKey: publicKeyInfo(spkiD),
    extensions,
  };
}

// ---- extensions --------------------------------------------------------------------------------------

export function extensionValue(c: Certificate, oid: string): Der | undefined {
  const e = c.extensions.find((x) => x.oid === oid);
  return e ? Der.read(e.value) : undefined;
}

export interface GeneralName {
  /** The CHOICE number: 1 rfc822Name, 2 dNSName, 4 directoryName, … */
  type: number;
  /** rfc822Name / dNSName / URI text. */
  text?: string;
  /** directoryName. */
  name?: Name;
}

export function generalName(d: Der): GeneralName {
  if (d.cls !== 2) throw new Malformed('bad GeneralName');
  if (d.tag === 4) return { type: 4, name: name(d.explicit()) };
  if (d.tag === 1 || d.tag === 2 || d.tag === 6) return { type: d.tag, text: latin1(d.content) };
  return { type: d.tag };
}

export function generalNames(d: Der): GeneralName[] {
  return d.seq().map(generalName);
}

// ---- CMS -------------------------------------------------------------------------------------------

export interface Attribute {
  oid: string;
  values: Der[];
}

export interface SignerInfo {
  version: number;
  /** issuerAndSerialNumber, or subjectKeyIdentifier. */
  sid: { issuer: Name; serial: Uint8Array } | { keyId: Uint8Array };
  digestAlgorithm: AlgorithmIdentifier;
  /** The signed attributes re-tagged as a DER SET OF (what the signature covers, RFC 5652 §5.4). */
  signedAttrsDer?: Uint8Array;
  signedAttrs?: Attribute[];
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  unsignedAttrs?: Attribute[];
}

export interface SignedData {
  version: number;
  digestAlgorithms: AlgorithmIdentifier[];
  eContentType: string;
  eContent?: Uint8Array;
  /** X.509 certificates (other CertificateChoices are left out: they cannot sign). */
  certificates: Certificate[];
  signerInfos: SignerInfo[];
}

function attributes(d: Der): Attribute[] {
  return d.children().map((a) => {
    const [type, values, ...extra] = a.seq();
    if (!type || !values || extra.length) throw new Malformed('bad Attribute');
    return { oid: type.oid(), values: values.expect(U.SET, true).children() };
  });
}

function signerInfo(d: Der): SignerInfo {
  const parts = d.seq();
  let i = 0;
  const version = parts[i++]?.smallInt();
  const sidD = parts[i++];
  const digD = parts[i++];
  if (version === undefined || !sidD || !digD) throw new Malformed('bad SignerInfo');
  let sid: SignerInfo['sid'];
  if (sidD.is(U.SEQUENCE, true)) {
    const [issuer, serial, ...extra] = sidD.children();
    if (!issuer || !serial || extra.length) throw new Malformed('bad IssuerAndSerialNumber');
    sid = { issuer: name(issuer), serial: serial.integerBytes() };
  } else if (sidD.isContext(0)) sid = { keyId: sidD.octets(true) };
  else throw new Malformed('bad SignerIdentifier');
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttrs: Attribute[] | undefined;
  if (parts[i]?.isContext(0)) {
    const sa = parts[i++];
    if (!sa.constructed) throw new Malformed('bad signed attributes');
    signedAttrs = attributes(sa);
    signedAttrsDer = sa.bytes.slice();
    signedAttrsDer[0] = 0x31; // signed over the SET OF tag, not the [0] IMPLICIT one
  }
  const sigAlgD = parts[i++];
  const sigD = parts[i++];
  if (!sigAlgD || !sigD) throw new Malformed('bad SignerInfo');
  let unsignedAttrs: Attribute[] | undefined;
  if (parts[i]?.isContext(1)) {
    if (!parts[i].constructed) throw new Malformed('bad unsigned attributes');
    unsignedAttrs = attributes(parts[i++]);
  }
  if (i !== parts.length) throw new Malformed('bad SignerInfo');
  return { version, sid, digestAlgorithm: algorithm(digD), signedAttrsDer, signedAttrs, signatureAlgorithm: algorithm(sigAlgD), signature: sigD.octets(), unsignedAttrs };
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/**
 * ContentInfo → SignedData. Certificates go through `certificate` (the caller's cache: the same few
 * come back in every signature and token); one that does not decode makes the whole CMS malformed.
 */
export function decodeSignedData(input: Uint8Array, certificate: (der: Uint8Array) => Certificate | undefined): SignedData {
  const ci = Der.read(input).seq();
  if (ci.length !== 2 || ci[0].oid() !== OID_SIGNED_DATA || !ci[1].isContext(0)) throw new Malformed('not a SignedData');
  const items = ci[1].explicit().seq();
  let i = 0;
  const version = items[i++]?.smallInt();
  const algs = items[i++]?.expect(U.SET, true).children();
  const encap = items[i++]?.seq();
  if (version === undefined || !algs || !encap || encap.length < 1 || encap.length > 2) throw new Malformed('bad SignedData');
  let eContent: Uint8Array | undefined;
  if (encap[1]) {
    if (!encap[1].isContext(0)) throw new Malformed('bad EncapsulatedContentInfo');
    eContent = encap[1].explicit().octets();
  }
  const certificates: Certificate[] = [];
  if (items[i]?.isContext(0)) {
    for (const c of items[i++].children()) {
      if (c.cls !== 0) continue; // attribute certificates and other choices cannot sign
      const cert = certificate(c.bytes);
      if (!cert) throw new Malformed('bad certificate in SignedData');
      certificates.push(cert);
    }
  }
  if (items[i]?.isContext(1)) i++; // revocation info: validation reads the DSS, not the CMS
  const sis = items[i++]?.expect(U.SET, true).children();
  if (!sis || i !== items.length) throw new Malformed('bad SignedData');
  return {
    version,
    digestAlgorithms: algs.map(algorithm),
    eContentType: encap[0].oid(),
    eContent,
    certificates,
    signerInfos: sis.map(signerInfo),
  };
}

export interface TstInfo {
  policy: string;
  imprintAlgorithm: AlgorithmIdentifier;
  imprint: Uint8Array;
  serial: Uint8Array;
  genTime: Date;
}

export function decodeTstInfo(input: Uint8Array): TstInfo {
  const items = Der.read(input).seq();
  if (items.length < 5) throw new Malformed('bad TSTInfo');
  items[0].smallInt();
  const [alg, hashed, ...extra] = items[2].seq();
  if (!alg || !hashed || extra.length) throw new Malformed('bad MessageImprint');
  return { policy: items[1].oid(), imprintAlgorithm: algorithm(alg), imprint: hashed.octets(), serial: items[3].integerBytes(), genTime: items[4].expect(U.GENERALIZED_TIME, false).time() };
}

// ---- revocation ------------------------------------------------------------------------------------

export interface Crl {
  issuer: Name;
  /** DER of TBSCertList (what the signature covers). */
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: { serial: Uint8Array; date: Date }[];
}

const isTime = (d: Der | undefined): d is Der => !!d && (d.is(U.UTC_TIME, false) || d.is(U.GENERALIZED_TIME, false));

/** A CRL; entries and extensions beyond serial and date are not read (an empty extension SEQUENCE is fine). */
export function decodeCrl(input: Uint8Array): Crl {
  const [tbsD, algD, sigD, ...extra] = Der.read(input.slice()).seq();
  if (!tbsD || !algD || !sigD || extra.length) throw new Malformed('bad CertificateList');
  const items = tbsD.seq();
  let i = items[0]?.is(U.INTEGER, false) ? 1 : 0; // version
  i++; // inner signature AlgorithmIdentifier
  const issuerD = items[i++];
  if (!issuerD) throw new Malformed('bad TBSCertList');
  const issuer = name(issuerD);
  const thisD = items[i++];
  if (!isTime(thisD)) throw new Malformed('bad thisUpdate');
  const thisUpdate = thisD.time();
  let nextUpdate: Date | undefined;
  if (isTime(items[i])) nextUpdate = items[i++].time();
  const revoked: Crl['revoked'] = [];
  if (items[i]?.is(U.SEQUENCE, true)) {
    for (const entry of items[i].children().slice(0, 1_000_000)) {
      if (!entry.is(U.SEQUENCE, true)) continue;
      const [serial, date] = entry.children();
      if (serial?.is(U.INTEGER, false) && isTime(date)) revoked.push({ serial: serial.content, date: date.time() });
    }
  }
  return { issuer, tbs: tbsD.bytes, signatureAlgorithm: algorithm(algD), signature: sigD.bits(), thisUpdate, nextUpdate, revoked };
}

export interface SingleResponse {
  hashAlgorithm: AlgorithmIdentifier;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serial: Uint8Array;
  status: 'good' | 'revoked' | 'unknown';
  /** For a revoked certificate; undefined when unreadable. */
  revocationTime?: Date;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export interface OcspResponse {
  /** ResponseData as encoded (what the signature covers). */
  tbs: Uint8Array;
  responses: SingleResponse[];
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  certs: Certificate[];
}

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

function singleResponse(d: Der): SingleResponse {
  const [certId, status, thisD, ...rest] = d.seq();
  const [alg, nameHash, keyHash, serial, ...extra] = certId?.seq() ?? [];
  if (!alg || !nameHash || !keyHash || !serial || extra.length || !status || !thisD) throw new Malformed('bad SingleResponse');
  let s: SingleResponse['status'] = 'unknown';
  let revocationTime: Date | undefined;
  if (status.isContext(0)) s = 'good';
  else if (status.isContext(1)) {
    s = 'revoked';
    try {
      revocationTime = status.children()[0]?.time();
    } catch {
      revocationTime = undefined;
    }
  }
  const next = rest.find((r) => r.isContext(0));
  return {
    hashAlgorithm: algorithm(alg),
    issuerNameHash: nameHash.octets(),
    issuerKeyHash: keyHash.octets(),
    serial: serial.integerBytes(),
    status: s,
    revocationTime,
    thisUpdate: thisD.time(),
    nextUpdate: next ? next.explicit().time() : undefined,
  };
}

function basicOcsp(d: Der, certificate: (der: Uint8Array) => Certificate | undefined): OcspResponse {
  const [tbsD, algD, sigD, certsD] = d.seq();
  if (!tbsD || !algD || !sigD) throw new Malformed('bad BasicOCSPResponse');
  const tbs = tbsD.seq();
  let i = tbs[0]?.isContext(0) ? 1 : 0; // version
  i++; // responderID
  i++; // producedAt
  const responses = tbs[i]?.seq().map(singleResponse);
  if (!responses) throw new Malformed('bad ResponseData');
  const certs: Certificate[] = [];
  if (certsD?.isContext(0)) {
    for (const c of certsD.explicit().seq()) {
      const cert = certificate(c.bytes);
      if (cert) certs.push(cert);
    }
  }
  return { tbs: tbsD.bytes, responses, signatureAlgorithm: algorithm(algD), signature: sigD.bits(), certs };
}

/** An OCSPResponse holding a basic response, or a bare BasicOCSPResponse (as some writers store it). */
export function decodeOcsp(input: Uint8Array, certificate: (der: Uint8Array) => Certificate | undefined): OcspResponse {
  const top = Der.read(input.slice());
  const items = top.seq();
  if (items[0]?.is(U.ENUMERATED, false)) {
    const bytes = items[1]?.isContext(0) ? items[1].explicit().seq() : undefined;
    if (!bytes || bytes.length !== 2 || bytes[0].oid() !== OID_OCSP_BASIC) throw new Malformed('not a basic OCSP response');
    return basicOcsp(Der.read(bytes[1].octets()), certificate);
  }
  return basicOcsp(top, certificate);
}
