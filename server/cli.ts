/**
 * Sender and operator commands (DESIGN.md §3). By default they work on DATA_DIR directly, also while
 * the server runs (SQLite WAL; the mail outbox is drained here too, leases prevent double sending);
 * `--server URL --api-key K` talks to a remote server instead. `--json` for machine-readable output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadConfig } from './config.js';
import { openServices, readCertificate, readDocument, type Services } from './services.js';
import { ApiFailure } from './errors.js';
import { errorMessage, pickLanguage } from '../shared/i18n/errors.js';
import { actorByEmail, createApiKey, createOrganization, createUser, listApiKeys, listUsers, revokeApiKey } from './auth/users.js';
import type { Actor } from './auth/actor.js';
import { users } from './store/schema.js';
import { bootstrapDemo } from './bootstrap.js';
import { createEnvelope } from './envelopes/create.js';
import { cancelEnvelope, extendExpiry, resendLink, unlockRecipient } from './envelopes/manage.js';
import { envelopeView, searchEnvelopes } from './envelopes/views.js';
import { auditTrail, verifyAuditChains } from './audit/log.js';
import { EnvelopeInput, EnvelopeSearch, type EnvelopeView } from '../shared/api/sender.js';
import { signingSetup } from './signing-setup.js';
import { formatJst } from './mail/templates.js';
import { helpdeskLookup } from './helpdesk/lookup.js';
import { envelopeTimeline } from './helpdesk/timeline.js';
import { renderLookup, renderTimeline } from './helpdesk/render.js';

const lang = pickLanguage(process.env.LANG?.replace('_', '-').split('.')[0]);

const USAGE = `usage: npm run cli -- <command> [options] [--json]

envelopes
  send --title T --doc a.pdf [--doc b.pdf]... --recipient "Name,email,accessCode" [--recipient ...]
       [--cc "Name,email"] [--message M] [--counterparty C --amount N --date YYYY-MM-DD]
       [--management-number X] [--lang ja|en] [--draft] [--server URL --api-key K]
  status ENVELOPE_ID                      recipients and their state
  download ENVELOPE_ID --out DIR          signed PDFs and the conclusion certificate
  search [--counterparty C] [--from D] [--to D] [--amount-min N] [--amount-max N] [--title T] [--status S]
  cancel ENVELOPE_ID --reason R
  resend ENVELOPE_ID RECIPIENT            a new link (the old one dies); RECIPIENT is an id or email
  unlock ENVELOPE_ID RECIPIENT
  extend ENVELOPE_ID RECIPIENT --days N

people and keys
  org add NAME
  user add --email E --name N --role admin|sender|helpdesk --password P [--org ORG_ID]
  user list
  api-key create --name N                 prints the key once
  api-key list | api-key revoke ID

help desk
  helpdesk lookup Q                       Q: envelope id, management number, recipient email or support code
  helpdesk timeline ENVELOPE_ID           what happened, and why a link does not work

operations
  ca export-root --out root.pem           the root certificate users trust
  audit verify [ENVELOPE_ID]              proves every audit chain unbroken (exit 1 if not)
  audit show ENVELOPE_ID
  mail send                               send queued mail now

common: --as EMAIL (act as this user; default: the first admin), --json`;

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean' },
    title: { type: 'string' },
    doc: { type: 'string', multiple: true },
    recipient: { type: 'string', multiple: true },
    cc: { type: 'string', multiple: true },
    message: { type: 'string' },
    counterparty: { type: 'string' },
    amount: { type: 'string' },
    date: { type: 'string' },
    'management-number': { type: 'string' },
    lang: { type: 'string' },
    draft: { type: 'boolean' },
    server: { type: 'string' },
    'api-key': { type: 'string' },
    out: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'amount-min': { type: 'string' },
    'amount-max': { type: 'string' },
    status: { type: 'string' },
    reason: { type: 'string' },
    days: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
    org: { type: 'string' },
    as: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

class UsageError extends Error {}
const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined || v === '') throw new UsageError(`missing ${what}`);
  return v;
};

function print(data: unknown, human: () => string) {
  console.log(opts.json ? JSON.stringify(data, null, 2) : human());
}

function parseRecipient(spec: string, role: 'signer' | 'cc') {
  const parts = spec.split(',').map((p) => p.trim());
  if (role === 'signer' && parts.length !== 3) throw new UsageError(`--recipient "${spec}": expected "Name,email,accessCode"`);
  if (role === 'cc' && parts.length < 2) throw new UsageError(`--cc "${spec}": expected "Name,email"`);
  return { name: parts[0]!, email: parts[1]!, role, language: (opts.lang === 'en' ? 'en' : 'ja') as 'ja' | 'en', ...(role === 'signer' ? { accessCode: parts[2]! } : {}) };
}

function envelopeInput() {
  need(opts.title, '--title');
  need(opts.doc, '--doc a.pdf');
  need(opts.recipient?.length ? opts.recipient : undefined, '--recipient "Name,email,accessCode"');
  const recipients = [...(opts.recipient ?? []).map((r) => parseRecipient(r, 'signer')), ...(opts.cc ?? []).map((r) => parseRecipient(r, 'cc'))];
  const r = EnvelopeInput.safeParse({
    title: need(opts.title, '--title'),
    message: opts.message ?? '',
    transactionDate: opts.date ?? null,
    counterparty: opts.counterparty ?? null,
    amount: opts.amount === undefined ? null : Number(opts.amount),
    managementNumber: opts['management-number'] ?? null,
    recipients,
    send: !opts.draft,
  });
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

function docs() {
  const files = need(opts.doc, '--doc');
  return files.map((f) => {
    try {
      return { name: path.basename(f), bytes: new Uint8Array(readFileSync(f)) };
    } catch {
      throw new UsageError(`cannot read ${f}`);
    }
  });
}

function humanEnvelope(v: EnvelopeView) {
  const lines = [`${v.id}  ${v.title}  [${v.status}]`, `  sender: ${v.sender.organization} ${v.sender.name} <${v.sender.email}>`];
  if (v.counterparty || v.amount !== null || v.transactionDate) lines.push(`  ${v.transactionDate ?? ''} ${v.counterparty ?? ''} ${v.amount !== null ? `¥${v.amount.toLocaleString('ja-JP')}` : ''}`.trimEnd());
  for (const d of v.documents) lines.push(`  document ${d.name}  ${d.pageCount} p.  ID ${d.certificateId}  rev ${d.revision}  sha256 ${d.sha256.slice(0, 16)}…`);
  for (const r of v.recipients) {
    const when = r.linkExpiresAt && ['notified', 'opened', 'expired'].includes(r.status) ? `  link until ${formatJst(Date.parse(r.linkExpiresAt), 'en')}` : '';
    lines.push(`  ${r.position + 1}. ${r.role === 'cc' ? 'cc    ' : 'signer'} ${r.name} <${r.email}>  ${r.status}${when}${r.rejectReason ? `  reason: ${r.rejectReason}` : ''}`);
  }
  return lines.join('\n');
}

async function remote(method: string, p: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${opts.server!.replace(/\/+$/, '')}${p}`, { method, body, headers: { authorization: `Bearer ${need(opts['api-key'], '--api-key')}`, 'accept-language': lang, ...headers } });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiFailure(err?.error?.code ?? 'internal', res.status, {}, {});
  }
  return res;
}

function actor(s: Services): Actor {
  if (opts.as) return actorByEmail(s.db, opts.as, 'cli');
  const admin = s.db.select().from(users).where(eq(users.role, 'admin')).get();
  if (!admin) throw new UsageError('no users yet: run `npm start` once, or `npm run cli -- user add ...`');
  return actorByEmail(s.db, admin.email, 'cli');
}

function recipientId(s: Services, a: Actor, envelopeId: string, who: string) {
  const r = envelopeView(s, a, envelopeId).recipients.find((x) => x.id === who || x.email === who.toLowerCase());
  if (!r) throw new ApiFailure('not-found', 404);
  return r.id;
}

async function runRemote(cmd: string, args: string[]) {
  if (cmd === 'send') {
    const form = new FormData();
    form.append('envelope', JSON.stringify(envelopeInput()));
    for (const d of docs()) form.append('documents', new Blob([d.bytes as BlobPart], { type: 'application/pdf' }), d.name);
    const { envelopeId } = (await (await remote('POST', '/api/envelopes', form)).json()) as { envelopeId: string };
    const view = (await (await remote('GET', `/api/envelopes/${envelopeId}`)).json()) as EnvelopeView;
    return print({ envelopeId, recipients: view.recipients }, () => humanEnvelope(view));
  }
  if (cmd === 'status') {
    const view = (await (await remote('GET', `/api/envelopes/${need(args[0], 'ENVELOPE_ID')}`)).json()) as EnvelopeView;
    return print(view, () => humanEnvelope(view));
  }
  throw new UsageError(`${cmd} works on DATA_DIR only (drop --server)`);
}

async function runLocal(cmd: string, sub: string | undefined, args: string[]) {
  const config = loadConfig();
  const setup = await signingSetup(config);
  const s = await openServices(config, { signing: setup?.factory });
  try {
    const demo = await bootstrapDemo(s);
    if (demo && !opts.json) console.error(`(first use: demo organisation created; credentials in ${path.join(config.dataDir, 'demo-credentials.txt')})`);
    switch (cmd) {
      case 'send': {
        const a = actor(s);
        const { envelopeId } = await createEnvelope(s, a, envelopeInput(), docs(), lang);
        await s.outbox.drain();
        const v = envelopeView(s, a, envelopeId);
        return print({ envelopeId, recipients: v.recipients }, () => humanEnvelope(v));
      }
      case 'status': {
        const v = envelopeView(s, actor(s), need(args[0], 'ENVELOPE_ID'));
        return print(v, () => humanEnvelope(v));
      }
      case 'download': {
        const a = actor(s);
        const v = envelopeView(s, a, need(args[0], 'ENVELOPE_ID'));
        const out = need(opts.out, '--out');
        mkdirSync(out, { recursive: true });
        const written: string[] = [];
        for (const d of v.documents) {
          const file = path.join(out, d.name);
          writeFileSync(file, readDocument(s, d.id));
          written.push(file);
        }
        if (v.status === 'completed') {
          try {
            const file = path.join(out, `締結証明書_${v.id.slice(0, 8)}.pdf`);
            writeFileSync(file, readCertificate(s, v.id));
            written.push(file);
          } catch {
            /* no certificate (signing was a no-op) */
          }
        }
        return print({ envelopeId: v.id, status: v.status, files: written }, () => written.join('\n'));
      }
      case 'search': {
        const q = EnvelopeSearch.parse({ counterparty: opts.counterparty, dateFrom: opts.from, dateTo: opts.to, amountMin: opts['amount-min'], amountMax: opts['amount-max'], title: opts.title, status: opts.status });
        const list = searchEnvelopes(s, actor(s), q);
        return print({ envelopes: list }, () => list.map((e) => `${e.id}  ${e.transactionDate ?? '----------'}  [${e.status}]  ${e.title}  ${e.counterparty ?? ''}  ${e.amount ?? ''}`).join('\n') || '(none)');
      }
      case 'cancel': {
        cancelEnvelope(s, actor(s), need(args[0], 'ENVELOPE_ID'), need(opts.reason, '--reason'));
        await s.outbox.drain();
        return print({ ok: true }, () => 'cancelled; recipients already asked were told');
      }
      case 'resend':
      case 'unlock':
      case 'extend': {
        const a = actor(s);
        const id = need(args[0], 'ENVELOPE_ID');
        const rid = recipientId(s, a, id, need(args[1], 'RECIPIENT'));
        if (cmd === 'resend') resendLink(s, a, id, rid);
        else if (cmd === 'unlock') unlockRecipient(s, a, id, rid);
        else extendExpiry(s, a, id, rid, Number(need(opts.days, '--days')));
        await s.outbox.drain();
        return print({ ok: true }, () => `${cmd}: done`);
      }
      case 'org': {
        if (sub !== 'add') throw new UsageError('org add NAME');
        const id = createOrganization(s.db, need(args[0], 'NAME'));
        return print({ id }, () => id);
      }
      case 'user': {
        if (sub === 'list') {
          const list = listUsers(s.db, actor(s).orgId);
          return print({ users: list }, () => list.map((u) => `${u.email}  ${u.role}  ${u.name}${u.totpEnabled ? '  (TOTP)' : ''}`).join('\n'));
        }
        if (sub === 'add') {
          const role = need(opts.role, '--role');
          if (!['admin', 'sender', 'helpdesk'].includes(role)) throw new UsageError('--role admin|sender|helpdesk');
          const password = need(opts.password, '--password');
          if (password.length < 10) throw new UsageError('--password: at least 10 characters');
          const id = await createUser(s.db, { orgId: opts.org ?? actor(s).orgId, email: need(opts.email, '--email'), name: need(opts.name, '--name'), role: role as Actor['role'], password });
          return print({ id }, () => id);
        }
        throw new UsageError('user add|list');
      }
      case 'api-key': {
        const a = actor(s);
        if (sub === 'create') {
          const k = createApiKey(s.db, a.userId, need(opts.name, '--name'));
          return print(k, () => k.key);
        }
        if (sub === 'list') {
          const list = listApiKeys(s.db, a.userId);
          return print({ keys: list }, () => list.map((k) => `${k.id}  ${k.prefix}…  ${k.name}${k.revokedAt ? '  (revoked)' : ''}`).join('\n'));
        }
        if (sub === 'revoke') {
          revokeApiKey(s.db, a.userId, need(args[0], 'ID'));
          return print({ ok: true }, () => 'revoked');
        }
        throw new UsageError('api-key create|list|revoke');
      }
      case 'audit': {
        if (sub === 'verify') {
          const r = verifyAuditChains(s.auditKey, s.db, args[0]);
          print(r, () =>
            r.problems.length === 0
              ? `audit log intact: ${r.events} events in ${r.envelopes} envelopes`
              : `AUDIT LOG BROKEN:\n${r.problems.map((p) => `  envelope ${p.envelopeId} event ${p.seq}: ${p.problem}`).join('\n')}`,
          );
          if (r.problems.length) process.exitCode = 1;
          return;
        }
        if (sub === 'show') {
          envelopeView(s, actor(s), need(args[0], 'ENVELOPE_ID'));
          const events = auditTrail(s.db, args[0]!);
          return print({ events }, () => events.map((e) => `${formatJst(e.at, 'en')}  ${e.action.padEnd(22)} ${e.actor}  ${e.ip ?? ''}  ${JSON.stringify(e.details)}`).join('\n'));
        }
        throw new UsageError('audit verify|show');
      }
      case 'helpdesk': {
        if (sub === 'lookup') {
          const l = helpdeskLookup(s, actor(s), need(args[0], 'Q'), lang);
          return print(l, () => renderLookup(l, lang));
        }
        if (sub === 'timeline') {
          const t = envelopeTimeline(s, actor(s), need(args[0], 'ENVELOPE_ID'), lang);
          return print(t, () => renderTimeline(t, lang));
        }
        throw new UsageError('helpdesk lookup Q | helpdesk timeline ENVELOPE_ID');
      }
      case 'ca': {
        if (sub !== 'export-root') throw new UsageError('ca export-root --out root.pem');
        if (!setup?.exportRootPem) throw new UsageError('no embedded CA is configured (signing is a no-op in this build)');
        const pem = await setup.exportRootPem();
        const out = need(opts.out, '--out');
        writeFileSync(out, pem);
        return print({ out }, () => `root certificate written to ${out}`);
      }
      case 'mail': {
        if (sub !== 'send') throw new UsageError('mail send');
        const n = await s.outbox.drain();
        return print({ sent: n }, () => `${n} mail(s) sent`);
      }
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } finally {
    await s.close();
  }
}

async function main() {
  const [cmd, ...rest] = positionals;
  if (!cmd || opts.help) {
    console.log(USAGE);
    return;
  }
  const sub = ['org', 'user', 'api-key', 'audit', 'ca', 'mail', 'helpdesk'].includes(cmd) ? rest.shift() : undefined;
  if (opts.server) await runRemote(cmd, rest);
  else await runLocal(cmd, sub, rest);
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`error: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof ApiFailure) {
    const message = errorMessage(err.code, lang, err.params);
    if (opts.json) console.log(JSON.stringify({ error: { code: err.code, message } }));
    else console.error(`error: ${message}`);
    process.exit(1);
  }
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
