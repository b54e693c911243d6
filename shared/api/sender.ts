/** Sender-side API shapes (authenticated: user session or API key). */
import { z } from 'zod';
import { EnvelopeStatus, FieldRect, FieldType, Language, RecipientStatus } from './recipient.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const RecipientInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    email: z.string().trim().toLowerCase().email().max(254),
    role: z.enum(['signer', 'cc']).default('signer'),
    language: Language.default('ja'),
    /** 4–40 characters; 4 digits is the municipal default. Never sent by mail. */
    accessCode: z.string().min(4).max(40).optional(),
  })
  .refine((r) => r.role === 'cc' || r.accessCode !== undefined, {
    message: 'a signer needs an access code (4–40 characters)',
    path: ['accessCode'],
  });
export type RecipientInput = z.infer<typeof RecipientInput>;

export const FieldInput = z.object({
  /** 0-based index into the uploaded documents. */
  document: z.number().int().nonnegative(),
  /** 0-based index into `recipients`; must be a signer. */
  recipient: z.number().int().nonnegative(),
  label: z.string().trim().min(1).max(100),
  type: FieldType,
  required: z.boolean().default(true),
  page: z.number().int().positive(),
  rect: FieldRect,
});
export type FieldInput = z.infer<typeof FieldInput>;

export const EnvelopeInput = z.object({
  title: z.string().trim().min(1).max(200),
  message: z.string().max(5000).default(''),
  transactionDate: isoDate.nullable().optional(),
  counterparty: z.string().trim().max(200).nullable().optional(),
  amount: z.number().nonnegative().max(1e15).nullable().optional(),
  managementNumber: z.string().trim().max(100).nullable().optional(),
  recipients: z.array(RecipientInput).min(1).max(50),
  fields: z.array(FieldInput).max(1000).default([]),
  /** Send right away (otherwise a draft, sent with POST /api/envelopes/{id}/send). */
  send: z.boolean().default(false),
});
export type EnvelopeInput = z.infer<typeof EnvelopeInput>;

export const RecipientView = z.object({
  id: z.string(),
  position: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['signer', 'cc']),
  language: Language,
  status: RecipientStatus,
  failedAttempts: z.number().int(),
  linkExpiresAt: z.string().datetime().nullable(),
  notifiedAt: z.string().datetime().nullable(),
  openedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  rejectReason: z.string().nullable(),
});

export const DocumentView = z.object({
  id: z.string(),
  name: z.string(),
  pageCount: z.number().int(),
  certificateId: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  revision: z.number().int(),
});

export const EnvelopeView = z.object({
  id: z.string(),
  title: z.string(),
  message: z.string(),
  status: EnvelopeStatus,
  transactionDate: z.string().nullable(),
  counterparty: z.string().nullable(),
  amount: z.number().nullable(),
  managementNumber: z.string().nullable(),
  createdAt: z.string().datetime(),
  sentAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  cancelReason: z.string().nullable(),
  sender: z.object({ name: z.string(), email: z.string(), organization: z.string() }),
  documents: z.array(DocumentView),
  recipients: z.array(RecipientView),
});
export type EnvelopeView = z.infer<typeof EnvelopeView>;

export const EnvelopeSearch = z.object({
  dateFrom: isoDate.optional(),
  dateTo: isoDate.optional(),
  counterparty: z.string().max(200).optional(),
  amountMin: z.coerce.number().optional(),
  amountMax: z.coerce.number().optional(),
  title: z.string().max(200).optional(),
  status: EnvelopeStatus.optional(),
  managementNumber: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EnvelopeSearch = z.infer<typeof EnvelopeSearch>;

export const EnvelopeSummary = EnvelopeView.pick({
  id: true,
  title: true,
  status: true,
  transactionDate: true,
  counterparty: true,
  amount: true,
  managementNumber: true,
  createdAt: true,
});

export const CancelRequest = z.object({ reason: z.string().trim().min(1).max(1000) });
export const ExtendRequest = z.object({ days: z.number().int().min(1).max(90) });
export const LoginRequest = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(200),
  totp: z.string().regex(/^\d{6}$/).optional(),
});
export const CreateUserRequest = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(100),
  role: z.enum(['admin', 'sender', 'helpdesk']),
  password: z.string().min(10).max(200),
});
export const CreateApiKeyRequest = z.object({ name: z.string().trim().min(1).max(100) });
export const TotpEnableRequest = z.object({ secret: z.string().min(16), code: z.string().regex(/^\d{6}$/) });
