import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simplePdf } from '../pdf/helpers/build.js';
import { verifyPdf } from '../../shared/verify/index.js';
import { corpusPath } from '../helpers/shared-dir.js';
import { makePki, pem } from './helpers/pki.js';
import { signPdf, streamObject } from './helpers/signer.js';

const cli = path.resolve('server', 'verify-cli.ts');
let dir: string;
let signed: string;
let tampered: string;
let rootPem: string;
let rootDer: string;

function run(args: string[], lang = 'en_US.UTF-8') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: lang, LC_ALL: '' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function noStackTrace(s: string) {
  expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'verify-cli-'));
  const pki = await makePki();
  const bytes = await signPdf(simplePdf(1), { pki, field: 'Approval1', timestamp: true, reason: '山田様が承認しました' });
  signed = path.join(dir, 'signed.pdf');
  writeFileSync(signed, bytes);
  const bad = bytes.slice();
  bad[300] ^= 0x20;
  tampered = path.join(dir, 'tampered.pdf');
  writeFileSync(tampered, bad);
  rootPem = path.join(dir, 'root.pem');
  writeFileSync(rootPem, pem(pki.root.der));
  rootDer = path.join(dir, 'root.der');
  writeFileSync(rootDer, pki.root.der);
  writeFileSync(path.join(dir, 'not.pdf'), 'hello');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run verify (server/verify-cli.ts)', () => {
  it('prints an Adobe-style panel and exits 0 for a valid file with its root trusted', () => {
    const r = run(['--trust', rootPem, signed]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('All signatures are valid.');
    expect(r.out).toContain('Version 2: signed by 電子契約サービス <sign@example.lg.jp> (Esign Witness Test)');
    expect(r.out).toContain('The signature is valid.');
    expect(r.out).toContain('The document has not been modified since this signature was applied.');
    expect(r.out).toContain('Embedded timestamp: 2025-04-01T01:02:03.000Z');
    expect(r.out).toContain('Not LTV enabled');
    expect(r.out).toContain('Reason: 山田様が承認しました');
  });

  it('speaks Japanese when LANG is ja, and accepts a DER trust anchor', () => {
    const r = run(['--trust', rootDer, signed], 'ja_JP.UTF-8');
    expect(r.code).toBe(0);
    expect(r.out).toContain('すべての署名は有効です。');
    expect(r.out).toContain('バージョン 2: 電子契約サービス <sign@example.lg.jp> (Esign Witness Test) による署名');
    expect(r.out).toContain('この署名が適用されてから文書は変更されていません。');
  });

  it('prints the DESIGN.md JSON with --json and exits 1 when trust is unknown', () => {
    const r = run(['--json', signed]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('unknown-trust');
    expect(Object.keys(j.signatures[0])).toEqual(
      expect.arrayContaining(['field', 'kind', 'revision', 'signer', 'reason', 'signingTime', 'timestampTime', 'integrity', 'coverage', 'trust', 'modificationsAfter', 'ltv', 'problems']),
    );
    expect(j.signatures[0].problems[0]).toMatchObject({ code: 'trust-unknown', severity: 'warning', message: { ja: expect.any(String), en: expect.any(String) } });
  });

  it('exits 1 for a tampered file, and gives a JSON array for several files', () => {
    const one = run(['--trust', rootPem, tampered]);
    expect(one.code).toBe(1);
    expect(one.out).toContain('At least one signature is invalid.');
    const many = run(['--json', '--trust', rootPem, signed, tampered]);
    expect(many.code).toBe(1);
    const j = JSON.parse(many.out);
    expect(j.map((x: { verdict: string }) => x.verdict)).toEqual(['valid', 'invalid']);
  });

  it('uses --at as the validation time', () => {
    const r = run(['--json', '--trust', rootPem, '--at', '2045-01-01T00:00:00Z', signed]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).signatures[0].trustTime).toEqual({ at: '2045-01-01T00:00:00.000Z', source: 'given' });
  });

  it('never prints a stack trace: missing file, not a PDF, bad options', () => {
    for (const args of [[path.join(dir, 'missing.pdf')], [path.join(dir, 'not.pdf')], ['--at', 'yesterday', signed], ['--trust', signed, signed], []]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(1);
      noStackTrace(r.out + r.err);
    }
    expect(run([path.join(dir, 'missing.pdf')]).err).toContain('cannot read');
    expect(run([path.join(dir, 'not.pdf')]).out).toContain('This is not a PDF file.');
    expect(readFileSync(signed).length).toBeGreaterThan(0);
  });

  it('the real npm path (the bundled server/bin/verify.cjs, with its V8 code cache): a 3-approval file is valid; one byte flipped in the prefix all three share fails all three', async () => {
    // A prefix past 64 KiB: the CLI hashes it once and resumes from the saved state for each later signature.
    const pki = await makePki();
    let bytes = simplePdf(1, 'table', { 20: streamObject('', randomBytes(300_000)) });
    for (let i = 1; i <= 3; i++) bytes = await signPdf(bytes, { pki, field: `Approval${i}`, timestamp: true });
    const multi = path.join(dir, 'multi.pdf');
    writeFileSync(multi, bytes);
    writeFileSync(path.join(dir, 'multi-root.pem'), pem(pki.root.der));
    const npm = (args: string[]) => spawnSync(process.execPath, [path.resolve('server', 'bin', 'verify.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '' }, timeout: 120_000 });
    for (let run = 0; run < 2; run++) {
      // the first run may build the bundle and write the code cache; the second reads it
      const r = npm(['--json', '--trust', path.join(dir, 'multi-root.pem'), multi]);
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.verdict).toBe('valid');
      expect(j.signatures.map((x: { field: string; integrity: string }) => [x.field, x.integrity])).toEqual([
        ['Approval1', 'valid'],
        ['Approval2', 'valid'],
        ['Approval3', 'valid'],
      ]);
    }
    expect(npm(['--trust', path.join(dir, 'multi-root.pem'), multi]).stdout).toContain('All signatures are valid.');
    const bad = bytes.slice();
    bad[120_000] ^= 0x01; // inside the random stream: signed by every approval
    writeFileSync(path.join(dir, 'multi-bad.pdf'), bad);
    const r = npm(['--json', '--trust', path.join(dir, 'multi-root.pem'), path.join(dir, 'multi-bad.pdf')]);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('invalid');
    expect(j.signatures.map((x: { integrity: string }) => x.integrity)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(j.signatures.every((x: { problems: { code: string }[] }) => x.problems.some((p) => p.code === 'digest-mismatch'))).toBe(true);
    noStackTrace(npm([path.join(dir, 'not.pdf')]).stderr);
  });

  it('the npm path inflates compressed xref and object streams (its fflate loads at first use) and answers as the core does', async () => {
    const files = ['pyhanko/minimal-signed-twice-both-created.pdf', 'pyhanko/minimal-two-fields-signed-twice.pdf', 'dss/pades-bes.pdf', 'dss/pades-ltv.pdf'].map(corpusPath);
    for (const f of files) expect(readFileSync(f).toString('latin1')).toContain('/FlateDecode');
    const r = spawnSync(process.execPath, [path.resolve('server', 'bin', 'verify.cjs'), '--json', ...files], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    type Outcome = { verdict: string; signatures: { integrity: string; modificationsAfter: { level: string } }[] };
    const got = JSON.parse(r.stdout) as Outcome[];
    expect(got).toHaveLength(files.length);
    const shape = (x: Outcome) => [x.verdict, x.signatures.map((s) => `${s.integrity}/${s.modificationsAfter.level}`)];
    for (const [i, f] of files.entries()) {
      const core = await verifyPdf(new Uint8Array(readFileSync(f)));
      expect(shape(got[i]), f).toEqual(shape(core));
      expect(got[i].signatures.length, f).toBeGreaterThan(0);
    }
  });

  it('the npm path checks signatures with node:crypto: RSASSA-PSS and ECDSA signers valid, a changed signature value invalid', async () => {
    for (const alg of ['rsa-pss', 'ecdsa'] as const) {
      const pki = await makePki(alg);
      const bytes = await signPdf(simplePdf(1), { pki, field: 'S', timestamp: true });
      const file = path.join(dir, `${alg}.pdf`);
      const root = path.join(dir, `${alg}-root.pem`);
      writeFileSync(file, bytes);
      writeFileSync(root, pem(pki.root.der));
      const npm = (f: string) => spawnSync(process.execPath, [path.resolve('server', 'bin', 'verify.cjs'), '--json', '--trust', root, f], { encoding: 'utf8', timeout: 120_000 });
      const ok = npm(file);
      expect(ok.status, `${alg}: ${ok.stderr}`).toBe(0);
      const j = JSON.parse(ok.stdout);
      expect(j.verdict, alg).toBe('valid');
      expect(j.signatures[0].signatureAlgorithm).toContain(alg === 'ecdsa' ? 'ECDSA' : 'PSS');
      expect(j.signatures[0].timestamp.status).toBe('valid');
      // Change one hex digit in the middle of the SignerInfo's signature value, found through pkijs.
      const doc = Buffer.from(bytes);
      const c0 = doc.indexOf('/Contents <', 0, 'latin1') + '/Contents <'.length;
      const cms = Buffer.from(doc.subarray(c0, doc.indexOf('>', c0)).toString('latin1'), 'hex');
      const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(new Uint8Array(cms)).result }).content });
      const sigHex = Buffer.from(sd.signerInfos[0].signature.valueBlock.valueHexView).toString('hex');
      const at = doc.indexOf(sigHex, c0, 'latin1') + Math.floor(sigHex.length / 2);
      expect(at).toBeGreaterThan(c0 + sigHex.length / 2);
      const bad = Buffer.from(doc);
      bad[at] = bad[at] === 0x30 ? 0x31 : 0x30;
      const badFile = path.join(dir, `${alg}-bad.pdf`);
      writeFileSync(badFile, bad);
      const r = npm(badFile);
      expect(r.status, alg).toBe(1);
      const jb = JSON.parse(r.stdout);
      expect(jb.verdict, alg).toBe('invalid');
      expect(jb.signatures[0].problems.map((p: { code: string }) => p.code)).toContain('signature-invalid');
    }
  });
});
