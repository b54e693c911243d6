import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createEnvelope, sample, startTestServer, type TestServer } from '../helpers/server.js';
import { signingLinkIn } from '../helpers/smtp.js';
import { badUploads } from '../helpers/bad-pdfs.js';
import { envelopes, outbox } from '../../server/store/schema.js';
import { verifyAuditChains } from '../../server/audit/log.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('bad input', () => {
  it('answers 100 bad uploads each with a 4xx naming the file and the reason, and stays healthy', async () => {
    const bad = await badUploads();
    expect(bad.length).toBeGreaterThanOrEqual(100);
    const envelopesBefore = t.services.db.select({ n: count() }).from(envelopes).get()!.n;
    const failures: string[] = [];
    for (const b of bad) {
      const res = await createEnvelope(t, { recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '1234' }], documents: [{ name: b.name, bytes: b.bytes }] }, { 'accept-language': 'ja' });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      if (res.status < 400 || res.status >= 500 || !body.error?.message.includes(b.name)) failures.push(`${b.name} (${b.why}): ${res.status} ${JSON.stringify(body)}`);
    }
    expect(failures).toEqual([]);
    expect(t.services.db.select({ n: count() }).from(envelopes).get()!.n).toBe(envelopesBefore);
    expect((await api(t).get('/healthz')).status).toBe(200);
  }, 180_000);

  it('refuses a bad file among good ones and creates nothing', async () => {
    const before = t.services.db.select({ n: count() }).from(envelopes).get()!.n;
    const res = await createEnvelope(t, {
      recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '1234' }],
      documents: [
        { name: '契約書.pdf', bytes: sample('gyomu-itaku.pdf') },
        { name: '壊れた請書.pdf', bytes: sample('ukesho.pdf').subarray(0, 5000) },
      ],
    }, { 'accept-language': 'en' });
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad-pdf');
    expect(error.message).toContain('"壊れた請書.pdf" cannot be accepted');
    expect(t.services.db.select({ n: count() }).from(envelopes).get()!.n).toBe(before);
  });

  it('answers malformed requests clearly', async () => {
    const noAuth = await fetch(`${t.url}/api/envelopes`, { method: 'POST' });
    expect(noAuth.status).toBe(401);
    const json = await fetch(`${t.url}/api/envelopes`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const noFiles = await createEnvelope(t, { recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '1234' }], documents: [] });
    expect(noFiles.status).toBe(400);
    const badCode = await createEnvelope(t, { recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '12' }] });
    expect(badCode.status).toBe(400);
    expect(((await badCode.json()) as { error: { message: string } }).error.message).toContain('accessCode');
    const badField = await createEnvelope(t, { recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '1234' }], fields: [{ document: 0, recipient: 0, label: '日付', type: 'date', page: 9, rect: { x: 1, y: 1, width: 10, height: 10 } }] });
    expect(badField.status).toBe(400);
    const notJson = await fetch(`${t.url}/api/sign/${'a'.repeat(43)}/session`, { method: 'POST', body: 'code=1234', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    const unknown = await fetch(`${t.url}/api/sign/${'a'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    const tooBig = await createEnvelope(t, { recipients: [{ name: '山田', email: 'y@vendor.example.jp', accessCode: '1234' }], documents: [{ name: 'huge.pdf', bytes: new Uint8Array(21 * 1024 * 1024) }] });
    expect(tooBig.status).toBe(413);
  });
});

describe('concurrency', () => {
  it('50 concurrent completions of the same recipient: exactly one succeeds, the rest 409, nothing doubled', async () => {
    const email = 'race@vendor.example.jp';
    const res = await createEnvelope(t, { recipients: [{ name: '競合 太郎', email, accessCode: '7777' }, { name: '次の人', email: 'next-race@vendor.example.jp', accessCode: '1111' }] });
    const { envelopeId } = (await res.json()) as { envelopeId: string };
    const token = signingLinkIn(await t.smtp.waitFor((m) => m.to.includes(email))).token;
    const { session } = (await (await api(t).post(`/api/sign/${token}/session`, { accessCode: '7777' })).json()) as { session: string };
    const results = await Promise.all(Array.from({ length: 50 }, () => api(t).post(`/api/sign/${token}/complete`, { fields: {} }, session)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const audit = (await (await api(t).get(`/api/envelopes/${envelopeId}/audit`, t.apiKey)).json()) as { events: { action: string }[] };
    expect(audit.events.filter((e) => e.action === 'recipient.completed')).toHaveLength(1);
    await t.services.outbox.drain();
    const next = t.services.db.select().from(outbox).all().filter((m) => m.toAddress === 'next-race@vendor.example.jp');
    expect(next).toHaveLength(1);
  });
});

describe('storage and audit', () => {
  it('keeps no plaintext PDF bytes in the data directory', async () => {
    await createEnvelope(t, { recipients: [{ name: '山田', email: 'plain@vendor.example.jp', accessCode: '1234' }] });
    const needles = [sample('ukesho.pdf').subarray(0, 64), sample('ukesho.pdf').subarray(1000, 1064), Buffer.from('%PDF-')];
    for (const file of filesUnder(t.dataDir).filter((f) => !f.includes(`${path.sep}outbox${path.sep}`))) {
      const data = readFileSync(file);
      for (const n of needles) expect(data.includes(n), `${file} contains PDF bytes`).toBe(false);
    }
  });

  it('detects an edited audit event', () => {
    const db = t.services.db.$client;
    expect(verifyAuditChains(t.services.auditKey, t.services.db).problems).toEqual([]);
    expect(() => db.prepare("UPDATE audit_events SET actor = 'someone else' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    // Someone with the database file drops the guard and rewrites history.
    db.exec('DROP TRIGGER audit_events_no_update');
    const victim = db.prepare("SELECT id, envelope_id FROM audit_events WHERE action = 'recipient.completed' LIMIT 1").get() as { id: number; envelope_id: string };
    db.prepare(`UPDATE audit_events SET details = '{"forged":true}' WHERE id = ?`).run(victim.id);
    const { problems } = verifyAuditChains(t.services.auditKey, t.services.db);
    expect(problems.map((p) => p.envelopeId)).toContain(victim.envelope_id);
    expect(problems.some((p) => p.problem === 'hash-mismatch')).toBe(true);
  });
});
