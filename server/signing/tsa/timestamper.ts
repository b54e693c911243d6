/**
 * Obtaining RFC 3161 timestamp tokens. One path for the embedded TSA and an external TSA_URL: build a
 * TimeStampReq (SHA-256 imprint, random nonce, certReq), send it through a transport, and check the
 * response status, imprint and nonce before the token is embedded (PADES.md). Any failure is a
 * SigningUnavailableError: the operation is retried, never completed without a timestamp.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { bufferSource } from '../bytes.js';
import { OID } from '../cms/attributes.js';
import { algorithm, bool, bytesOf, children, contentOf, integer, integerValue, octets, oidText, read, seq, type Tlv } from '../cms/der.js';
import { SHA256 } from '../keys/signing-key.js';
import { SigningUnavailableError } from '../service.js';

/** Sends a DER TimeStampReq, returns the DER TimeStampResp. */
export type TsaTransport = (request: Uint8Array) => Promise<Uint8Array>;

export interface Timestamper {
  /** A TimeStampToken (ContentInfo DER) over SHA-256(data). */
  timestamp(data: Uint8Array): Promise<Uint8Array>;
  /** The same for data already hashed with SHA-256 (e.g. a document's byte ranges). */
  timestampDigest(sha256: Uint8Array): Promise<Uint8Array>;
}

export function createTimestamper(transport: TsaTransport, name: string): Timestamper {
  const stamper: Timestamper = {
    timestamp: (data) => stamper.timestampDigest(createHash('sha256').update(data).digest()),
    async timestampDigest(digest) {
      const nonceBytes = randomBytes(8);
      nonceBytes[0] = (nonceBytes[0] & 0x7f) | 0x01;
      const nonce = BigInt('0x' + nonceBytes.toString('hex'));
      const request = seq(integer(1), seq(algorithm(SHA256), octets(digest)), integer(nonce), bool(true));
      let response: Uint8Array;
      try {
        response = await transport(request);
      } catch (cause) {
        throw new SigningUnavailableError(`timestamp authority ${name} unreachable: ${(cause as Error).message}`, {
          cause,
        });
      }
      return checkTimestampResponse(response, digest, nonce, name);
    },
  };
  return stamper;
}

/** BER from other TSAs (indefinite lengths, constructed strings) re-encoded as DER by asn1js. */
function asDer(ber: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(bufferSource(ber));
  if (parsed.offset === -1) throw new Error('not BER');
  return new Uint8Array(parsed.result.toBER(false));
}

/** Returns the token of a granted response whose TSTInfo matches our imprint and nonce. */
export function checkTimestampResponse(response: Uint8Array, digest: Uint8Array, nonce: bigint, name: string): Uint8Array {
  const fail = (why: string): never => {
    throw new SigningUnavailableError(`timestamp authority ${name}: ${why}`);
  };
  let der = response;
  let top: Tlv;
  try {
    top = read(der, 0);
  } catch {
    try {
      der = asDer(response);
      top = read(der, 0);
    } catch {
      return fail('the response is not a TimeStampResp');
    }
  }
  try {
    const [statusInfo, token] = children(der, top);
    const status = integerValue(der, children(der, statusInfo)[0]);
    if (status !== 0n && status !== 1n) fail(`request refused (PKIStatus ${status})`);
    if (!token) return fail('granted without a token');
    const [type, explicit] = children(der, token);
    if (oidText(der, type) !== OID.signedData) fail('token is not SignedData');
    const signedData = children(der, explicit)[0];
    const encap = children(der, signedData)[2];
    const [eType, eExplicit] = children(der, encap);
    if (oidText(der, eType) !== OID.tstInfo || !eExplicit) fail('token does not carry a TSTInfo');
    const tst = contentOf(der, children(der, eExplicit)[0]);
    const [, , imprint, , , ...rest] = children(tst, read(tst, 0));
    const [alg, hashed] = children(tst, imprint);
    if (oidText(tst, children(tst, alg)[0]) !== SHA256) fail('imprint hash algorithm differs');
    if (Buffer.compare(Buffer.from(contentOf(tst, hashed)), Buffer.from(digest)) !== 0) fail('imprint does not match the request');
    const n = rest.find((f) => f.tag === 0x02);
    if (!n || integerValue(tst, n) !== nonce) fail('nonce does not match the request');
    return bytesOf(der, token).slice();
  } catch (e) {
    if (e instanceof SigningUnavailableError) throw e;
    return fail(`malformed response (${(e as Error).message})`);
  }
}

/** An external TSA over HTTP (RFC 3161 §3.4). */
export function httpTransport(url: string, timeoutMs = 15_000): TsaTransport {
  return async (request) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: bufferSource(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}
