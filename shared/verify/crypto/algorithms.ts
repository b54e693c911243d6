/**
 * Signature and digest algorithms, verified with WebCrypto (`globalThis.crypto.subtle`). What WebCrypto
 * lacks is "unsupported", never "valid" — except the Brainpool curves (RFC 5639), common on European
 * qualified signatures, which `ecdsa.ts` verifies in plain BigInt arithmetic.
 */
import { ab, concatBytes } from './bytes.js';
import { brainpoolCurve, verifyEcdsaBigint } from './ecdsa.js';
import { Der, algorithm, type AlgorithmIdentifier, type PublicKeyInfo } from './x509.js';

export type DigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const DIGESTS: Record<string, DigestName> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

export const DIGEST_OIDS: Record<DigestName, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

export class UnsupportedAlgorithm extends Error {
  constructor(readonly what: string) {
    super(`unsupported algorithm ${what}`);
  }
}

export function digestByOid(oid: string): DigestName {
  const d = DIGESTS[oid];
  if (!d) throw new UnsupportedAlgorithm(`digest ${oid}`);
  return d;
}

/** Hash a list of byte ranges (concatenated) — pluggable so Node can stream without a copy. */
export type DigestFn = (alg: DigestName, parts: Uint8Array[]) => Promise<Uint8Array>;

export const webDigest: DigestFn = async (alg, parts) => {
  const data = concatBytes(parts); // WebCrypto cannot stream: one copy of the signed ranges
  return new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));
};

type SigScheme =
  | { kind: 'rsa'; hash: DigestName }
  | { kind: 'rsa-pss'; hash: DigestName; saltLength: number }
  | { kind: 'ecdsa'; hash: DigestName; plain: boolean }
  | { kind: 'ed25519' };

const RSA_WITH: Record<string, DigestName> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
  '1.3.14.3.2.29': 'SHA-1',
};
const ECDSA_WITH: Record<string, DigestName> = {
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};
// BSI TR-03111 plain ECDSA (signature is r‖s, not DER).
const PLAIN_ECDSA_WITH: Record<string, DigestName> = {
  '0.4.0.127.0.7.1.1.4.1.1': 'SHA-1',
  '0.4.0.127.0.7.1.1.4.1.3': 'SHA-256',
  '0.4.0.127.0.7.1.1.4.1.4': 'SHA-384',
  '0.4.0.127.0.7.1.1.4.1.5': 'SHA-512',
};

/** Map a signature AlgorithmIdentifier (+ the digest in force, for bare rsaEncryption/ecPublicKey). */
export function signatureScheme(alg: AlgorithmIdentifier, digest: DigestName | undefined): SigScheme {
  const oid = alg.oid;
  if (RSA_WITH[oid]) return { kind: 'rsa', hash: RSA_WITH[oid] };
  if (oid === '1.2.840.113549.1.1.1') {
    if (!digest) throw new UnsupportedAlgorithm('rsaEncryption without digest');
    return { kind: 'rsa', hash: digest };
  }
  if (oid === '1.2.840.113549.1.1.10') {
    const params = pssParams(alg.params);
    if (!params) throw new Error('RSASSA-PSS with unreadable parameters');
    const hash = digestByOid(params.hash);
    if (digestByOid(params.mgfHash) !== hash) throw new UnsupportedAlgorithm('RSASSA-PSS with different MGF hash');
    return { kind: 'rsa-pss', hash, saltLength: params.saltLength };
  }
  if (ECDSA_WITH[oid]) return { kind: 'ecdsa', hash: ECDSA_WITH[oid], plain: false };
  if (PLAIN_ECDSA_WITH[oid]) return { kind: 'ecdsa', hash: PLAIN_ECDSA_WITH[oid], plain: true };
  if (oid === '1.2.840.10045.2.1') {
    if (!digest) throw new UnsupportedAlgorithm('ecPublicKey without digest');
    return { kind: 'ecdsa', hash: digest, plain: false };
  }
  if (oid === '1.3.101.112') return { kind: 'ed25519' };
  throw new UnsupportedAlgorithm(`signature ${oid}`);
}

/** RSASSA-PSS-params (RFC 4055 §3.1), defaults SHA-1 / MGF1-SHA-1 / salt 20. */
function pssParams(params: Der | undefined): { hash: string; mgfHash: string; saltLength: number } | undefined {
  const out = { hash: DIGEST_OIDS['SHA-1'], mgfHash: DIGEST_OIDS['SHA-1'], saltLength: 20 };
  if (!params || params.is(5, false)) return out;
  try {
    for (const p of params.seq()) {
      if (p.cls !== 2) return undefined;
      const inner = p.explicit();
      if (p.tag === 0) out.hash = algorithm(inner).oid;
      else if (p.tag === 1) {
        const mgf = algorithm(inner);
        if (mgf.oid !== '1.2.840.113549.1.1.8' || !mgf.params) return undefined;
        out.mgfHash = algorithm(mgf.params).oid;
      } else if (p.tag === 2) out.saltLength = inner.smallInt();
    }
    return out;
  } catch {
    return undefined;
  }
}

export function schemeName(s: SigScheme): string {
  switch (s.kind) {
    case 'rsa':
      return `RSA PKCS#1 v1.5 with ${s.hash}`;
    case 'rsa-pss':
      return `RSASSA-PSS with ${s.hash}`;
    case 'ecdsa':
      return `ECDSA${s.plain ? ' (plain r‖s)' : ''} with ${s.hash}`;
    case 'ed25519':
      return 'Ed25519';
  }
}

const CURVES: Record<string, { name: string; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** DER SEQUENCE { r INTEGER, s INTEGER } → fixed-width r‖s. */
function derToPlain(sig: Uint8Array, size: number): Uint8Array | undefined {
  let items: Der[];
  try {
    items = Der.read(sig).seq();
    if (items.length !== 2) return undefined;
    items.forEach((i) => i.integerBytes());
  } catch {
    return undefined;
  }
  const out = new Uint8Array(size * 2);
  for (let k = 0; k < 2; k++) {
    let v = items[k].content;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, k * size + (size - v.length));
  }
  return out;
}

function plainToParts(sig: Uint8Array): [Uint8Array, Uint8Array] | undefined {
  if (sig.length % 2) return undefined;
  return [sig.subarray(0, sig.length / 2), sig.subarray(sig.length / 2)];
}

/** SPKI DER with the algorithm rewritten to rsaEncryption (WebCrypto rejects id-RSASSA-PSS keys). */
function rsaSpki(spki: PublicKeyInfo): Uint8Array {
  if (spki.algorithm.oid === '1.2.840.113549.1.1.1') return spki.der;
  // SEQUENCE { SEQUENCE { rsaEncryption, NULL }, the same BIT STRING }
  const alg = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const body = concatBytes([new Uint8Array(alg), spki.keyElement]);
  return concatBytes([new Uint8Array(derHeader(0x30, body.length)), body]);
}

function derHeader(tag: number, length: number): number[] {
  if (length < 0x80) return [tag, length];
  const out: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [tag, 0x80 | out.length, ...out];
}

/**
 * A signature check on raw material, for a host that has a faster native verifier than WebCrypto (the
 * CLI uses node:crypto: loading Node's WebCrypto layer is a noticeable part of a one-file run). ECDSA
 * signatures arrive as plain r‖s; the key as SPKI DER (RSA-PSS keys rewritten to rsaEncryption).
 */
export interface SignatureBackend {
  verify(v: {
    kind: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ed25519';
    hash?: DigestName;
    saltLength?: number;
    spki: Uint8Array;
    data: Uint8Array;
    signature: Uint8Array;
  }): Promise<boolean>;
}

let backend: SignatureBackend | undefined;

/** Use `b` instead of WebCrypto for every later signature check in this process (as pkijs' setEngine). */
export function useSignatureBackend(b: SignatureBackend | undefined): void {
  backend = b;
}

const imported = new WeakMap<PublicKeyInfo, Map<string, Promise<CryptoKey>>>();

/** importKey, cached per key object and algorithm (a root verifies many certificates). */
function importCached(spki: PublicKeyInfo, id: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> {
  let m = imported.get(spki);
  if (!m) imported.set(spki, (m = new Map()));
  let k = m.get(id);
  if (!k) {
    k = make();
    m.set(id, k);
    k.catch(() => m!.delete(id));
  }
  return k;
}

/**
 * Verify `signature` over `data` with the key in `spki`. Returns true/false; throws
 * UnsupportedAlgorithm when it cannot decide.
 */
export async function verifySignature(
  spki: PublicKeyInfo,
  scheme: SigScheme,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  const keyAlg = spki.algorithm.oid;
  switch (scheme.kind) {
    case 'rsa':
    case 'rsa-pss': {
      if (keyAlg !== '1.2.840.113549.1.1.1' && keyAlg !== '1.2.840.113549.1.1.10') return false;
      if (backend) {
        const saltLength = scheme.kind === 'rsa-pss' ? scheme.saltLength : undefined;
        return backend.verify({ kind: scheme.kind, hash: scheme.hash, saltLength, spki: rsaSpki(spki), data, signature });
      }
      const name = scheme.kind === 'rsa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
      const key = await importCached(spki, `${name}/${scheme.hash}`, () => subtle.importKey('spki', ab(rsaSpki(spki)), { name, hash: scheme.hash }, false, ['verify']));
      const params = scheme.kind === 'rsa' ? { name } : { name, saltLength: scheme.saltLength };
      return subtle.verify(params, key, ab(signature), ab(data));
    }
    case 'ecdsa': {
      if (keyAlg !== '1.2.840.10045.2.1') return false;
      let curveOid = '';
      try {
        if (spki.algorithm.params?.is(6, false)) curveOid = spki.algorithm.params.oid();
      } catch {
        curveOid = '';
      }
      const curve = CURVES[curveOid];
      if (!curve) {
        const bp = brainpoolCurve(curveOid);
        if (!bp) throw new UnsupportedAlgorithm(`elliptic curve ${curveOid || '(explicit parameters)'}`);
        const parts = scheme.plain ? plainToParts(signature) : (() => {
          const p = derToPlain(signature, bp.size);
          return p ? plainToParts(p) : undefined;
        })();
        if (!parts) return false;
        const digest = new Uint8Array(await subtle.digest(scheme.hash, ab(data)));
        return verifyEcdsaBigint(bp, spki.key, digest, parts[0], parts[1]);
      }
      const raw = scheme.plain ? (signature.length === curve.size * 2 ? signature : undefined) : derToPlain(signature, curve.size);
      if (!raw) return false;
      if (backend) return backend.verify({ kind: 'ecdsa', hash: scheme.hash, spki: spki.der, data, signature: raw });
      const key = await importCached(spki, `ECDSA/${curve.name}`, () =>
        subtle.importKey('spki', ab(spki.der), { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']),
      );
      return subtle.verify({ name: 'ECDSA', hash: scheme.hash }, key, ab(raw), ab(data));
    }
    case 'ed25519': {
      if (keyAlg !== '1.3.101.112') return false;
      if (backend) {
        try {
          return await backend.verify({ kind: 'ed25519', spki: spki.der, data, signature });
        } catch {
          throw new UnsupportedAlgorithm('Ed25519 (not available in this crypto backend)');
        }
      }
      let key: CryptoKey;
      try {
        key = await importCached(spki, 'Ed25519', () => subtle.importKey('spki', ab(spki.der), { name: 'Ed25519' }, false, ['verify']));
      } catch {
        throw new UnsupportedAlgorithm('Ed25519 (not available in this WebCrypto)');
      }
      return subtle.verify({ name: 'Ed25519' }, key, ab(signature), ab(data));
    }
  }
}
