import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simplePdf } from '../pdf/helpers/build.js';
import { makePki, pem } from './helpers/pki.js';
import { signPdf } from './helpers/signer.js';

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
});
