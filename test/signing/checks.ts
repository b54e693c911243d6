/** Test helper: every check by tools we did not write, for one signed PDF and its revisions. */
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { PdfDict, PdfString, openPdf } from '../../shared/pdf/index.js';
import { findSignatures, signatureTimestamp, withOnlySignatureField } from './signatures.js';
import { nssDbTrusting, run, runAsync, tempDir, writeTemp } from './tools.js';
import type { PkiServer } from './pki-server.js';

export interface CheckEnv {
  nss: string;
  work: string;
  rootFile: string;
  caFile: string;
}

/** An NSS database trusting the PKI server's exported root, and the root and CA as files for openssl. */
export function checkEnvFor(srv: PkiServer): CheckEnv {
  const work = tempDir();
  return {
    nss: nssDbTrusting(srv.signing.exportRootPem()),
    work,
    rootFile: writeTemp(work, 'root.pem', srv.signing.exportRootPem()),
    caFile: writeTemp(work, 'ca.pem', srv.signing.pki.signingCa.cert.toString('pem')),
  };
}

/** pdfsig's output split into one block per signature. */
export function pdfsigBlocks(out: string): string[] {
  return out.split(/^Signature #\d+:$/m).slice(1);
}

let counter = 0;

export async function checkSignedPdf(env: CheckEnv, pdf: Uint8Array, expect_: { approvals: number; docTimestamps: number; foreign?: number; ownRevisionsFrom?: number }) {
  const tag = `c${++counter}`;
  const sigs = findSignatures(pdf);
  const ours = sigs.slice(expect_.foreign ?? 0);
  const approvals = ours.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
  const stamps = ours.filter((s) => s.subFilter === 'ETSI.RFC3161');
  expect(approvals).toHaveLength(expect_.approvals);
  expect(stamps).toHaveLength(expect_.docTimestamps);

  // pdfsig on the whole file: every approval's signature valid.
  const file = writeTemp(env.work, `${tag}.pdf`, pdf);
  const blocks = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, file])).stdout);
  expect(blocks).toHaveLength(sigs.length);
  for (const [i, s] of sigs.entries()) {
    if (i < (expect_.foreign ?? 0) || s.subFilter !== 'ETSI.CAdES.detached') continue;
    expect(blocks[i], `signature ${s.field}`).toContain('Signature Validation: Signature is Valid.');
  }
  // ... and each approval's certificate trusted through the exported root (with online OCSP against
  // our responder), judged by pdfsig one signature at a time (see withOnlySignatureField).
  for (const s of approvals) {
    const alone = writeTemp(env.work, `${tag}-${s.field}-alone.pdf`, withOnlySignatureField(pdf, s.field));
    const b = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, alone])).stdout);
    expect(b, `${s.field} alone`).toHaveLength(1);
    expect(b[0], `signature ${s.field}`).toContain('Signature Validation: Signature is Valid.');
    expect(b[0], `signature ${s.field}`).toContain('Certificate Validation: Certificate is Trusted.');
  }

  // The file cut at the end of each of our signatures' revisions: that signature covers all of it.
  for (const s of ours) {
    const cut = writeTemp(env.work, `${tag}-${s.field}.pdf`, pdf.subarray(0, s.end));
    const b = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', env.nss, cut])).stdout);
    expect(b[b.length - 1], `${s.field} in its own revision`).toContain('Total document signed');
  }

  // qpdf --check on every revision prefix we wrote (another producer's revisions are theirs: a
  // linearized original may carry hint-table warnings) and the final file.
  for (const rev of openPdf(pdf).revisions.slice(expect_.ownRevisionsFrom ?? 0)) {
    const prefix = writeTemp(env.work, `${tag}-rev${rev.index}.pdf`, pdf.subarray(0, rev.end));
    const q = run('qpdf', ['--check', prefix]);
    expect(q.status, `qpdf --check revision ${rev.index}: ${q.stdout}${q.stderr}`).toBe(0);
    expect(q.stdout).toContain('No syntax or stream encoding errors');
  }

  // openssl cms -verify for each approval over its ByteRange bytes; ts -verify for its timestamp.
  for (const s of approvals) {
    const sig = writeTemp(env.work, `${tag}-${s.field}.p7s`, s.der);
    const data = writeTemp(env.work, `${tag}-${s.field}.bin`, s.signedBytes);
    const v = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', env.rootFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(v.stderr, `openssl cms -verify ${s.field}`).toContain('Verification successful');
    const { token, signatureValue } = signatureTimestamp(s.der);
    const tok = writeTemp(env.work, `${tag}-${s.field}.tst`, token);
    const sv = writeTemp(env.work, `${tag}-${s.field}.sigvalue`, signatureValue);
    const t = run('openssl', ['ts', '-verify', '-in', tok, '-token_in', '-data', sv, '-CAfile', env.rootFile, '-untrusted', env.caFile]);
    expect(t.stdout + t.stderr, `openssl ts -verify ${s.field}`).toContain('Verification: OK');
  }
  for (const s of stamps) {
    const tok = writeTemp(env.work, `${tag}-${s.field}.tst`, s.der);
    const data = writeTemp(env.work, `${tag}-${s.field}.bin`, s.signedBytes);
    const t = run('openssl', ['ts', '-verify', '-in', tok, '-token_in', '-data', data, '-CAfile', env.rootFile, '-untrusted', env.caFile]);
    expect(t.stdout + t.stderr, `openssl ts -verify ${s.field}`).toContain('Verification: OK');
  }
  // After a conclusion: a VRI entry per approval (key = uppercase hex SHA-1 of its /Contents value
  // bytes) naming certificates, CRLs and OCSP responses of the DSS, as PAdES-LTV readers look them up.
  if (expect_.docTimestamps > 0) {
    const doc = openPdf(pdf);
    const dss = doc.dict(doc.catalog().get('DSS'));
    const vri = dss ? doc.dict(dss.get('VRI')) : undefined;
    expect(vri, '/DSS /VRI').toBeInstanceOf(PdfDict);
    const inDss = (k: string) => new Set(((doc.resolve(dss!.get(k)) as { num: number }[]) ?? []).map((r) => r.num));
    for (const s of approvals) {
      const f = doc.fields().find((x) => x.name === s.field)!;
      const contents = doc.dict(f.dict.get('V'))!.get('Contents') as PdfString;
      const key = createHash('sha1').update(contents.bytes).digest('hex').toUpperCase();
      const entry = doc.dict(vri!.get(key));
      expect(entry, `VRI entry of ${s.field}`).toBeInstanceOf(PdfDict);
      for (const [k, store] of [['Cert', 'Certs'], ['CRL', 'CRLs'], ['OCSP', 'OCSPs']] as const) {
        const refs = doc.resolve(entry!.get(k)) as { num: number }[];
        expect(refs?.length, `${s.field} VRI /${k}`).toBeGreaterThan(0);
        const known = inDss(store);
        for (const r of refs) expect(known.has(r.num), `${s.field} VRI /${k} names a /DSS /${store} stream`).toBe(true);
      }
    }
  }
  return sigs;
}
