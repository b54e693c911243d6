/**
 * The embedded OCSP responder (RFC 6960): a delegated responder certificate issued by the signing CA
 * answers for the certificates that CA issued. Responses are produced offline for the DSS and online
 * at POST /ocsp. Signed through SigningKey with SHA-256 (pkijs's sign() would default to SHA-1).
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { x509 } from './x509.js';
import { bufferSource } from '../bytes.js';
import { SHA256_WITH_RSA } from '../keys/signing-key.js';
import type { EmbeddedPki } from './embedded-pki.js';

const SHA1 = '1.3.14.3.2.26';
const HASHES: Record<string, string> = { [SHA1]: 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256' };
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

function status(code: number, basic?: Uint8Array): Uint8Array {
  const resp = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: code }),
    ...(basic
      ? { responseBytes: new pkijs.ResponseBytes({ responseType: OCSP_BASIC, response: new asn1js.OctetString({ valueHex: bufferSource(basic) }) }) }
      : {}),
  });
  return new Uint8Array(resp.toSchema().toBER(false));
}

function certIdFor(cert: pkijs.Certificate, issuer: pkijs.Certificate, hashOid: string): pkijs.CertID {
  const h = (data: ArrayBuffer | Uint8Array) =>
    new asn1js.OctetString({ valueHex: bufferSource(createHash(HASHES[hashOid]).update(new Uint8Array(data)).digest()) });
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hashOid, algorithmParams: new asn1js.Null() }),
    issuerNameHash: h(issuer.subject.toSchema().toBER(false)),
    issuerKeyHash: h(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    serialNumber: cert.serialNumber,
  });
}

export class OcspResponder {
  private readonly responderCert: pkijs.Certificate;
  private readonly caCert: pkijs.Certificate;

  constructor(private readonly pki: EmbeddedPki) {
    this.responderCert = pkijs.Certificate.fromBER(bufferSource(new Uint8Array(pki.ocspResponder.chain[0].rawData)));
    this.caCert = pkijs.Certificate.fromBER(bufferSource(new Uint8Array(pki.signingCa.cert.rawData)));
  }

  /** A "good" OCSPResponse for `cert` (issued by our signing CA), valid a week from `now`. */
  async responseFor(cert: x509.X509Certificate, now = new Date()): Promise<Uint8Array> {
    const c = pkijs.Certificate.fromBER(bufferSource(new Uint8Array(cert.rawData)));
    return status(0, await this.basic([certIdFor(c, this.caCert, SHA1)], now));
  }

  /** Handles a DER OCSPRequest (POST /ocsp) and returns a DER OCSPResponse. */
  async respond(requestDer: Uint8Array, now = new Date()): Promise<Uint8Array> {
    let req: pkijs.OCSPRequest;
    try {
      req = pkijs.OCSPRequest.fromBER(bufferSource(requestDer));
    } catch {
      return status(1); // malformedRequest
    }
    const ids: pkijs.CertID[] = [];
    const expectName = (oid: string) =>
      createHash(HASHES[oid]).update(new Uint8Array(this.caCert.subject.toSchema().toBER(false))).digest();
    for (const r of req.tbsRequest.requestList) {
      const id = r.reqCert;
      const oid = id.hashAlgorithm.algorithmId;
      if (!HASHES[oid]) return status(1);
      const nameHash = Buffer.from(id.issuerNameHash.valueBlock.valueHexView);
      if (!nameHash.equals(expectName(oid))) return status(6); // unauthorized: not our CA
      ids.push(id);
    }
    if (!ids.length) return status(1);
    return status(0, await this.basic(ids, now));
  }

  private async basic(ids: pkijs.CertID[], now: Date): Promise<Uint8Array> {
    const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const keyHash = createHash('sha1')
      .update(this.responderCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)
      .digest();
    const data = new pkijs.ResponseData({
      responderID: new asn1js.OctetString({ valueHex: bufferSource(keyHash) }), // byKey
      producedAt: at,
      responses: ids.map(
        (certID) =>
          new pkijs.SingleResponse({
            certID,
            // good [0] IMPLICIT NULL: every certificate of the embedded CA is good (nothing is revoked).
            certStatus: new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
            thisUpdate: at,
            nextUpdate: new Date(at.getTime() + 7 * 24 * 3600_000),
          }),
      ),
    });
    const tbs = new Uint8Array(data.toSchema(true).toBER(false));
    data.tbsView = tbs;
    const signature = await this.pki.ocspResponder.key.sign(tbs);
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_WITH_RSA, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.BitString({ valueHex: bufferSource(signature) }),
      certs: [this.responderCert],
    });
    return new Uint8Array(basic.toSchema().toBER(false));
  }
}

/** The DER request of an OCSP GET (RFC 6960 A.1): the URL path segment, URL-decoded, base64. */
export function ocspGetRequest(segment: string): Uint8Array {
  return new Uint8Array(Buffer.from(decodeURIComponent(segment), 'base64'));
}
