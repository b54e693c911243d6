/**
 * The recipient routes of DESIGN.md §3, addressed by the link token. The extension's side panel, the
 * web fallback and outside checks use exactly these shapes; the server validates against them.
 */
import { z } from 'zod';

export const Language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof Language>;

/** Where a recipient stands. `locked` after too many wrong access codes, until the sender unlocks. */
export const RecipientStatus = z.enum([
  'waiting',
  'notified',
  'opened',
  'locked',
  'completed',
  'rejected',
  'expired',
]);
export type RecipientStatus = z.infer<typeof RecipientStatus>;

export const EnvelopeStatus = z.enum(['draft', 'sent', 'completed', 'rejected', 'cancelled', 'expired']);
export type EnvelopeStatus = z.infer<typeof EnvelopeStatus>;

/** What the link can still do, from the recipient's point of view. */
export const LinkState = z.enum([
  'ready', // their turn: enter the access code
  'locked',
  'expired',
  'completed', // this recipient completed
  'rejected', // this recipient, or someone before them, rejected
  'cancelled', // the sender cancelled the envelope
  'not-yet', // an earlier recipient has not finished
  'concluded', // every signer completed: the signed PDFs exist
  'invalid', // unknown or replaced link
]);
export type LinkState = z.infer<typeof LinkState>;

/** `GET /api/sign/{token}`: public, never document content, never changes state. */
export const PublicInfo = z.object({
  state: LinkState,
  senderOrganization: z.string(),
  senderName: z.string(),
  title: z.string(),
  expiresAt: z.string().datetime().nullable(),
  recipientName: z.string(),
  language: Language,
  documentCount: z.number().int(),
});
export type PublicInfo = z.infer<typeof PublicInfo>;

export const SessionRequest = z.object({ accessCode: z.string().min(1).max(200) });
export const SessionResponse = z.object({ session: z.string(), expiresAt: z.string().datetime() });
export type SessionResponse = z.infer<typeof SessionResponse>;

export const FieldType = z.enum(['text', 'date', 'checkbox']);
export type FieldType = z.infer<typeof FieldType>;

/**
 * A field placed by the sender on a document page. `page` counts from 1; the rectangle is in PDF user
 * space (points, origin bottom-left of the page's crop box), as the signer writes it into the AcroForm.
 */
export const FieldRect = z.object({
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  width: z.number().positive(),
  height: z.number().positive(),
});
export type FieldRect = z.infer<typeof FieldRect>;

export const RecipientField = z.object({
  id: z.string(),
  documentId: z.string(),
  label: z.string(),
  type: FieldType,
  required: z.boolean(),
  page: z.number().int().positive(),
  rect: FieldRect,
  /** Value already filled (by this recipient's completion); null while open. */
  value: z.string().nullable(),
});
export type RecipientField = z.infer<typeof RecipientField>;

export const RecipientDocument = z.object({
  id: z.string(),
  name: z.string(),
  pageCount: z.number().int(),
  byteLength: z.number().int(),
  sha256: z.string(),
  fields: z.array(RecipientField),
});
export type RecipientDocument = z.infer<typeof RecipientDocument>;

/** `GET /api/sign/{token}/documents` */
export const DocumentsResponse = z.object({
  envelopeId: z.string(),
  recipientId: z.string(),
  title: z.string(),
  message: z.string(),
  documents: z.array(RecipientDocument),
});
export type DocumentsResponse = z.infer<typeof DocumentsResponse>;

/** `POST /api/sign/{token}/complete` — checkbox values are "true" / "false"; dates YYYY-MM-DD. */
export const CompleteRequest = z.object({ fields: z.record(z.string(), z.string().max(1000)).default({}) });
export const CompleteResponse = z.object({
  status: z.literal('completed'),
  /** Who is asked next, or null when this completion concluded the envelope. */
  next: z.object({ name: z.string() }).nullable(),
  concluded: z.boolean(),
});
export type CompleteResponse = z.infer<typeof CompleteResponse>;

/** `POST /api/sign/{token}/reject` */
export const RejectRequest = z.object({ reason: z.string().trim().min(1).max(1000) });
export const RejectResponse = z.object({ status: z.literal('rejected') });

/**
 * Every error: `{ error: { code, message } }`, message in the caller's language (Accept-Language or
 * the recipient's language). Extra data some codes carry: `attemptsLeft` (wrong-access-code),
 * `missingFields` (missing-required-fields), `state` (conflict).
 */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    attemptsLeft: z.number().int().optional(),
    missingFields: z.array(z.string()).optional(),
    state: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** The error codes of the recipient routes and their HTTP statuses. */
export const RecipientErrorCodes = {
  'invalid-link': 404,
  'wrong-access-code': 401,
  'session-required': 401,
  locked: 423,
  expired: 410,
  'already-completed': 409,
  'already-rejected': 409,
  'envelope-cancelled': 409,
  'envelope-rejected': 409,
  'not-your-turn': 409,
  'completion-in-progress': 409,
  'missing-required-fields': 422,
  'invalid-field-value': 422,
  'rate-limited': 429,
  'validation-failed': 400,
  'signing-unavailable': 503,
} as const;
export type RecipientErrorCode = keyof typeof RecipientErrorCodes;

/** Signing links are `{PUBLIC_URL}/s/{token}`; tokens are 43 base64url characters (256 bits). */
export const SIGNING_PATH = /^\/s\/([A-Za-z0-9_-]{43})\/?$/;
