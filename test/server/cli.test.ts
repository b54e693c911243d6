import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/server.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'esign-cli-'));
const cli = async (...args: string[]) => {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir, LANG: 'ja_JP.UTF-8' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the CLI on DATA_DIR', () => {
  it('sends an envelope whose mail lands in the outbox, shows status, downloads, verifies the audit log', async () => {
    const sent = await cli('send', '--title', '業務委託契約書', '--doc', path.join(SAMPLES, 'gyomu-itaku.pdf'), '--recipient', '山田太郎,yamada@example.jp,1234', '--recipient', '佐藤花子,sato@example.jp,5678', '--counterparty', '株式会社テスト', '--amount', '120000', '--date', '2026-11-01', '--json');
    expect(sent.code).toBe(0);
    const out = JSON.parse(sent.stdout) as { envelopeId: string; recipients: { email: string; status: string }[] };
    expect(out.recipients.map((r) => [r.email, r.status])).toEqual([['yamada@example.jp', 'notified'], ['sato@example.jp', 'waiting']]);

    const emls = readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(1);
    const mail = await PostalMime.parse(readFileSync(path.join(dataDir, 'outbox', emls[0]!)));
    expect(mail.subject).toBe('デモ市役所 契約課 契約担当 様より「業務委託契約書」への署名依頼が届いています');
    expect(mail.text).toMatch(/\/s\/[A-Za-z0-9_-]{43}/);
    expect(mail.text).not.toContain('1234');

    const status = await cli('status', out.envelopeId);
    expect(status.stdout).toContain('yamada@example.jp');
    expect(status.stdout).toContain('notified');

    const found = JSON.parse((await cli('search', '--counterparty', 'テスト', '--json')).stdout) as { envelopes: { id: string }[] };
    expect(found.envelopes.map((e) => e.id)).toEqual([out.envelopeId]);

    const dir = path.join(dataDir, 'dl');
    const dl = JSON.parse((await cli('download', out.envelopeId, '--out', dir, '--json')).stdout) as { files: string[] };
    expect(dl.files.map((f) => path.basename(f))).toEqual(['gyomu-itaku.pdf']);
    expect(readFileSync(dl.files[0]!).subarray(0, 5).toString()).toBe('%PDF-');

    const audit = await cli('audit', 'verify');
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/intact/);
  });

  it('says clearly what is wrong, without a stack trace', async () => {
    const missing = await cli('send', '--title', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --doc');
    const notPdf = await cli('send', '--title', 'x', '--doc', path.join(SAMPLES, 'README.md'), '--recipient', 'A,a@example.jp,1234');
    expect(notPdf.code).toBe(1);
    expect(notPdf.stderr).toContain('README.md');
    expect(notPdf.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    const unknown = await cli('status', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('見つかりません');
    expect(existsSync(path.join(dataDir, 'demo-credentials.txt'))).toBe(true);
  });
});
