/**
 * The embedded RFC 3161 TSA. TSTInfo (policy, unique serial, genTime to the second, the nonce) in a
 * SignedData of content type id-ct-TSTInfo with signing-certificate-v2, signed by the TSA certificate
 * (critical EKU timeStamping only), so that `openssl ts -verify` and Adobe accept the tokens.
 */
import { randomBytes } from 'node:crypto';
import { OID } from '../cms/attributes.js';
import { bytesOf, children, integer, integerValue, oidText, read, seq, generalizedTime, oid, tlv, contentOf } from '../cms/der.js';
import { createSignedData } from '../cms/signed-data.js';
import type { Identity } from '../pki/embedded-pki.js';

/** Our TSA policy: an OID under the UUID arc 2.25 (ITU-T X.667), which needs no registration. */
export const TSA_POLICY = '2.25.185079440138046245391566373734372137265';

const ACCEPTED_DIGESTS: Record<string, number> = {
  '2.16.840.1.101.3.4.2.1': 32,
  '2.16.840.1.101.3.4.2.2': 48,
  '2.16.840.1.101.3.4.2.3': 64,
};

// PKIFailureInfo bit numbers (RFC 3161 §2.4.2).
const BAD_ALG = 0;
const BAD_REQUEST = 2;
const BAD_DATA_FORMAT = 5;
const UNACCEPTED_POLICY = 15;
const UNACCEPTED_EXTENSION = 16;

function rejection(bit: number, text: string): Uint8Array {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> bit % 8;
  const failInfo = tlv(0x03, new Uint8Array([7 - (bit % 8)]), bytes);
  return seq(seq(integer(2), seq(tlv(0x0c, Buffer.from(text, 'utf8'))), failInfo));
}

interface ParsedRequest {
  imprint: Uint8Array;
  nonce?: Uint8Array;
  certReq: boolean;
}

function parseRequest(der: Uint8Array): ParsedRequest | Uint8Array {
  let fields;
  try {
    const top = read(der, 0);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a sequence');
    fields = children(der, top);
  } catch {
    return rejection(BAD_DATA_FORMAT, 'not a TimeStampReq');
  }
  const [version, imprint, ...rest] = fields;
  if (!version || version.tag !== 0x02 || integerValue(der, version) !== 1n || !imprint || imprint.tag !== 0x30) {
    return rejection(BAD_REQUEST, 'unsupported version or no messageImprint');
  }
  const [alg, hashed] = children(der, imprint);
  const algOid = alg && alg.tag === 0x30 ? oidText(der, children(der, alg)[0]) : '';
  if (!(algOid in ACCEPTED_DIGESTS)) return rejection(BAD_ALG, 'unsupported hash algorithm');
  if (!hashed || hashed.tag !== 0x04 || hashed.end - hashed.contentStart !== ACCEPTED_DIGESTS[algOid]) {
    return rejection(BAD_DATA_FORMAT, 'imprint length does not match');
  }
  const out: ParsedRequest = { imprint: bytesOf(der, imprint), certReq: false };
  for (const f of rest) {
    if (f.tag === 0x06 && oidText(der, f) !== TSA_POLICY) return rejection(UNACCEPTED_POLICY, 'unaccepted policy');
    else if (f.tag === 0x02) out.nonce = bytesOf(der, f);
    else if (f.tag === 0x01) out.certReq = contentOf(der, f)[0] !== 0;
    else if (f.tag === 0xa0) return rejection(UNACCEPTED_EXTENSION, 'extensions are not supported');
  }
  return out;
}

export class TimestampAuthority {
  constructor(private readonly identity: Identity) {}

  /** Handles a DER TimeStampReq and returns a DER TimeStampResp (granted or rejection). */
  async respond(requestDer: Uint8Array, now = new Date()): Promise<Uint8Array> {
    const req = parseRequest(requestDer);
    if (req instanceof Uint8Array) return req;
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    const tstInfo = seq(
      integer(1),
      oid(TSA_POLICY),
      req.imprint,
      integer(BigInt('0x' + serial.toString('hex'))),
      // DER GeneralizedTime must not carry a trailing-zero fraction: whole seconds only.
      generalizedTime(now),
      seq(integer(1)), // accuracy: 1 second
      ...(req.nonce ? [req.nonce] : []),
    );
    const chain = this.identity.chain.map((c) => new Uint8Array(c.rawData));
    const token = await createSignedData({
      key: this.identity.key,
      signerCert: chain[0],
      // The TSA certificate and its issuer, when asked (certReq); the root stays with the relying party.
      certificates: req.certReq ? chain.slice(0, -1) : [],
      eContentType: OID.tstInfo,
      eContent: tstInfo,
    });
    return seq(seq(integer(0)), token);
  }
}
