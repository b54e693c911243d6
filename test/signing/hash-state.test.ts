import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResumableSha256, hashStateOf, resumeFor } from '../../server/signing/hash-state.js';
import { documents } from '../../server/store/schema.js';
import { verifyPdf } from '../../shared/verify/index.js';
import { api, createEnvelope, sample, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { pdfsigBlocks } from './checks.js';
import { nssDbTrusting, requireTool, runAsync, tempDir, writeTemp } from './tools.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the resumable SHA-256', () => {
  it('gives node:crypto’s digest for every length around the block and padding edges, fed in random pieces', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537]) {
      const data = randomBytes(n);
      const hash = ResumableSha256.create();
      for (let i = 0; i < n; ) {
        const k = Math.min(n - i, 1 + Math.floor(Math.random() * 150));
        hash.update(data.subarray(i, i + k));
        i += k;
      }
      expect(hex(hash.digest()), `${n} bytes`).toBe(sha(data));
      expect(hex(hash.digest()), 'digest leaves the hash as it was').toBe(sha(data));
    }
  });

  it('saves and resumes at any point, and a clone goes its own way', () => {
    const data = randomBytes(10_000);
    for (const cut of [0, 1, 63, 64, 100, 4_097, 9_999, 10_000]) {
      const saved = ResumableSha256.create().update(data.subarray(0, cut)).save();
      const resumed = ResumableSha256.load(saved).update(data.subarray(cut));
      expect(hex(resumed.digest()), `cut at ${cut}`).toBe(sha(data));
      expect(hex(resumeFor(data, saved).digest())).toBe(sha(data));
    }
    const base = ResumableSha256.create().update(data.subarray(0, 5_000));
    const fork = base.clone().update(Buffer.from('other'));
    base.update(data.subarray(5_000));
    expect(hex(base.digest())).toBe(sha(data));
    expect(hex(fork.digest())).toBe(sha(Buffer.concat([data.subarray(0, 5_000), Buffer.from('other')])));
  });

  it('refuses malformed states, and does not resume from a state of other bytes: it hashes from the first byte', () => {
    for (const bad of ['', 'sha256:1:00', `sha256:3:${'0'.repeat(64)}:00:00`, `sha256:1:${'0'.repeat(64)}:zz:zz`]) {
      expect(() => ResumableSha256.load(bad)).toThrow();
    }
    const data = randomBytes(5_000);
    const other = randomBytes(5_000);
    const mismatches: string[] = [];
    const stale = hashStateOf(other.subarray(0, 3_000)).hashState;
    expect(hex(resumeFor(data, stale, (why) => mismatches.push(why)).digest())).toBe(sha(data));
    const longer = hashStateOf(Buffer.concat([data, data])).hashState;
    expect(hex(resumeFor(data, longer, (why) => mismatches.push(why)).digest())).toBe(sha(data));
    expect(hex(resumeFor(data, 'garbage', (why) => mismatches.push(why)).digest())).toBe(sha(data));
    expect(mismatches).toHaveLength(3);
  });
});

describe('the envelope server keeps each document’s hash state with its revision', () => {
  let t: TestServer;
  beforeAll(async () => {
    for (const tool of ['pdfsig', 'certutil']) requireTool(tool);
    t = await startTestServer({ SIGNING: 'pades' });
  });
  afterAll(async () => t?.stop());

  const row = (id: string) => t.services.db.select().from(documents).where(eq(documents.id, id)).get()!;
  const current = async (envelopeId: string, docId: string) =>
    new Uint8Array(await (await api(t).get(`/api/envelopes/${envelopeId}/documents/${docId}/pdf`, t.apiKey)).arrayBuffer());

  it('saves it at send and at each approval; a wrong one is not trusted; the result verifies (ours, pdfsig)', async () => {
    const res = await createEnvelope(t, {
      title: '物品売買契約書',
      recipients: [
        { name: '山田 太郎', email: 'yamada@vendor.example.jp', accessCode: '1234' },
        { name: '佐藤 花子', email: 'sato@vendor.example.jp', accessCode: '5678' },
        { name: '鈴木 一郎', email: 'suzuki@city.example.lg.jp', accessCode: '9012' },
      ],
      documents: [{ name: '業務委託契約書.pdf', bytes: sample('gyomu-itaku.pdf') }],
    });
    expect(res.status).toBe(201);
    const { envelopeId } = (await res.json()) as { envelopeId: string };
    const [doc] = t.services.db.select().from(documents).where(eq(documents.envelopeId, envelopeId)).all();

    const expectStateOfCurrent = async () => {
      const bytes = await current(envelopeId, doc!.id);
      const r = row(doc!.id);
      expect(r.currentSha256).toBe(sha(bytes));
      expect(r.hashState).toBe(hashStateOf(bytes).hashState);
      return r.hashState!;
    };
    const afterSend = await expectStateOfCurrent();

    const complete = async (email: string, code: string) => {
      const mail = await t.smtp.waitFor((m) => m.to.includes(email));
      const { token } = signingLinkIn(mail);
      const session = ((await (await api(t).post(`/api/sign/${token}/session`, { accessCode: code })).json()) as { session: string }).session;
      return api(t).post(`/api/sign/${token}/complete`, { fields: {} }, session);
    };
    expect((await complete('yamada@vendor.example.jp', '1234')).status).toBe(200);
    const afterFirst = await expectStateOfCurrent();
    expect(afterFirst).not.toBe(afterSend);

    // A state that belongs to an earlier revision (a bug, or an edited row) must not be resumed from.
    t.services.db.update(documents).set({ hashState: afterSend }).where(eq(documents.id, doc!.id)).run();
    expect((await complete('sato@vendor.example.jp', '5678')).status).toBe(200);
    await expectStateOfCurrent();
    expect((await complete('suzuki@city.example.lg.jp', '9012')).status).toBe(200);
    expect(row(doc!.id).hashState).toBeNull(); // concluded: no revision follows

    const final = await current(envelopeId, doc!.id);
    const rootPem = await (await fetch(`${t.url}/pki/root.pem`)).text();
    const root = new Uint8Array(Buffer.from(rootPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const report = await verifyPdf(final, { trustAnchors: [root] });
    expect(report.verdict).toBe('valid');
    expect(report.signatures.filter((s) => s.kind === 'signature')).toHaveLength(3);
    const file = writeTemp(tempDir(), 'final.pdf', final);
    const blocks = pdfsigBlocks((await runAsync('pdfsig', ['-nssdir', nssDbTrusting(rootPem), file])).stdout);
    expect(blocks).toHaveLength(4);
    for (const b of blocks.slice(0, 3)) expect(b).toContain('Signature Validation: Signature is Valid.');
  });
});
