/**
 * The clerk's new-envelope form as plain data, and its check before upload: every problem names the
 * place it belongs to (`at`) so the form shows it there; a clean draft becomes the `EnvelopeInput` the
 * server validates again (shared/api/sender.ts).
 */
import type { FieldRect, FieldType } from '../../../shared/api/recipient';
import { EnvelopeInput } from '../../../shared/api/sender';
import type { MessageKey } from '../../i18n';
import type { PageGeometry } from './field-geometry';

export interface DraftDocument {
  key: string;
  file: File;
  name: string;
  size: number;
  /** Set once the client-side check read the PDF. */
  pages: PageGeometry[] | null;
  check: 'checking' | 'ok' | 'bad';
  /** Why the client check or the server refused it (already translated). */
  problem: string | null;
}

export type RecipientRole = 'signer' | 'cc';

export interface DraftRecipient {
  key: string;
  name: string;
  email: string;
  role: RecipientRole;
  language: 'ja' | 'en';
  accessCode: string;
}

export interface DraftField {
  key: string;
  /** DraftDocument.key */
  document: string;
  /** DraftRecipient.key */
  recipient: string;
  label: string;
  type: FieldType;
  required: boolean;
  page: number;
  rect: FieldRect;
}

export interface EnvelopeDraft {
  title: string;
  message: string;
  /** YYYY-MM-DD or '' */
  transactionDate: string;
  counterparty: string;
  /** As typed: `1,200,000`, `￥1200000`, full-width digits… */
  amount: string;
  managementNumber: string;
  documents: DraftDocument[];
  recipients: DraftRecipient[];
  fields: DraftField[];
}

/** `at`: `title`, `amount`, `documents`, `document:{key}`, `recipients`, `recipient:{key}:{name|email|accessCode}`, `field:{key}:{label|recipient|page}` */
export interface DraftProblem {
  at: string;
  message: MessageKey;
  vars?: Record<string, string | number>;
}

export const emptyDraft = (): EnvelopeDraft => ({
  title: '',
  message: '',
  transactionDate: '',
  counterparty: '',
  amount: '',
  managementNumber: '',
  documents: [],
  recipients: [],
  fields: [],
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Half-width digits from full-width ones; yen signs, commas and a trailing 円 dropped. null: not a number. */
export function parseAmount(typed: string): number | null {
  const s = typed
    .replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s,￥¥]/g, '')
    .replace(/円$/, '');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

export function validateDraft(d: EnvelopeDraft): { ok: true; input: EnvelopeInput } | { ok: false; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const add = (at: string, message: MessageKey, vars?: DraftProblem['vars']) => problems.push({ at, message, vars });

  if (!d.title.trim()) add('title', 'console.problem.titleRequired');
  else if (d.title.trim().length > 200) add('title', 'console.problem.tooLong', { max: 200 });
  if (d.message.length > 5000) add('message', 'console.problem.tooLong', { max: 5000 });
  if (d.transactionDate && !/^\d{4}-\d{2}-\d{2}$/.test(d.transactionDate)) add('transactionDate', 'console.problem.date');
  if (d.counterparty.trim().length > 200) add('counterparty', 'console.problem.tooLong', { max: 200 });
  if (d.managementNumber.trim().length > 100) add('managementNumber', 'console.problem.tooLong', { max: 100 });
  const amount = d.amount.trim() === '' ? null : parseAmount(d.amount);
  if (d.amount.trim() !== '' && amount === null) add('amount', 'console.problem.amount');
  else if (amount !== null && amount > 1e15) add('amount', 'console.problem.amount');

  if (d.documents.length === 0) add('documents', 'console.problem.noDocuments');
  for (const doc of d.documents) {
    if (doc.check === 'checking') add(`document:${doc.key}`, 'console.problem.stillChecking');
    else if (doc.check === 'bad') add(`document:${doc.key}`, 'console.problem.badDocument');
  }

  if (d.recipients.length === 0) add('recipients', 'console.problem.noRecipients');
  else if (!d.recipients.some((r) => r.role === 'signer')) add('recipients', 'console.problem.noSigner');
  if (d.recipients.length > 50) add('recipients', 'console.problem.tooManyRecipients');
  d.recipients.forEach((r, i) => {
    const at = `recipient:${r.key}`;
    if (!r.name.trim()) add(`${at}:name`, 'console.problem.nameRequired');
    else if (r.name.trim().length > 100) add(`${at}:name`, 'console.problem.tooLong', { max: 100 });
    const email = r.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) add(`${at}:email`, 'console.problem.email');
    else if (d.recipients.findIndex((o) => o.email.trim().toLowerCase() === email && o.role === r.role) !== i) add(`${at}:email`, 'console.problem.duplicate');
    // A cc recipient only receives the signed PDFs: no link to open, so no access code.
    if (r.role === 'signer' && (r.accessCode.length < 4 || r.accessCode.length > 40)) add(`${at}:accessCode`, 'console.problem.accessCode');
  });

  for (const f of d.fields) {
    const at = `field:${f.key}`;
    if (!f.label.trim()) add(`${at}:label`, 'console.problem.labelRequired');
    else if (f.label.trim().length > 100) add(`${at}:label`, 'console.problem.tooLong', { max: 100 });
    const r = d.recipients.find((x) => x.key === f.recipient);
    if (!r || r.role !== 'signer') add(`${at}:recipient`, 'console.problem.fieldRecipient');
    const doc = d.documents.find((x) => x.key === f.document);
    if (!doc) add(`${at}:page`, 'console.problem.fieldDocument');
    else if (doc.pages && (f.page < 1 || f.page > doc.pages.length)) add(`${at}:page`, 'console.problem.fieldPage', { pages: doc.pages.length });
  }

  if (problems.length) return { ok: false, problems };

  const parsed = EnvelopeInput.safeParse({
    title: d.title.trim(),
    message: d.message,
    transactionDate: d.transactionDate || null,
    counterparty: d.counterparty.trim() || null,
    amount,
    managementNumber: d.managementNumber.trim() || null,
    recipients: d.recipients.map((r) => ({
      name: r.name.trim(),
      email: r.email.trim().toLowerCase(),
      role: r.role,
      language: r.language,
      ...(r.role === 'signer' ? { accessCode: r.accessCode } : {}),
    })),
    fields: d.fields.map((f) => ({
      document: d.documents.findIndex((x) => x.key === f.document),
      recipient: d.recipients.findIndex((x) => x.key === f.recipient),
      label: f.label.trim(),
      type: f.type,
      required: f.required,
      page: f.page,
      rect: f.rect,
    })),
    send: true,
  });
  // The checks above cover the schema; what is left is a rule they missed, shown at the top.
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ at: 'form', message: 'console.problem.other', vars: { detail: `${i.path.join('.')}: ${i.message}` } })) };
  return { ok: true, input: parsed.data };
}

/** The upload: the `envelope` JSON part, then one `documents` part per PDF in the draft's order. */
export function envelopeForm(input: EnvelopeInput, documents: DraftDocument[]): FormData {
  const form = new FormData();
  form.set('envelope', JSON.stringify(input));
  for (const doc of documents) form.append('documents', doc.file, doc.name);
  return form;
}

/**
 * Which uploaded file a server refusal is about: the server names the file in its message
 * (「name」 / "name"). null when none or several match.
 */
export function documentNamedIn(message: string, documents: Pick<DraftDocument, 'key' | 'name'>[]): string | null {
  const quoted = documents.filter((d) => message.includes(`「${d.name}」`) || message.includes(`"${d.name}"`));
  const names = new Set(quoted.map((d) => d.name));
  return names.size === 1 && quoted.length === 1 ? quoted[0]!.key : null;
}

/** Four random digits (the municipal default access code), from the browser's CSPRNG. */
export function generateAccessCode(random: (a: Uint32Array) => Uint32Array = (a) => crypto.getRandomValues(a)): string {
  const buf = new Uint32Array(1);
  // Rejection sampling: 2^32 is not a multiple of 10000.
  const limit = Math.floor(0x1_0000_0000 / 10000) * 10000;
  for (;;) {
    const v = random(buf)[0]!;
    if (v < limit) return String(v % 10000).padStart(4, '0');
  }
}

/** Moves `list[index]` by `delta` places (recipients' signing order). */
export function move<T>(list: T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list;
  const next = list.slice();
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}
