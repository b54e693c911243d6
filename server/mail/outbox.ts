/**
 * Durable outbox. A mail is a row written in the same transaction as the state change that causes it,
 * so a crash can neither lose it nor send it for a change that did not commit. A worker claims due rows
 * with a lease, sends, and marks them sent; a crash mid-send leaves the lease to expire and the row is
 * retried. Each row has a fixed Message-ID, and the file transport writes `<id>.eml` by atomic rename,
 * so a retry after a crash replaces rather than duplicates. (Over SMTP the one unavoidable window is
 * between the server's "250 OK" and our commit of "sent", microseconds wide; a duplicate from it carries
 * the same Message-ID, which mail systems de-duplicate.)
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { outbox } from '../store/schema.js';
import { q } from '../store/prepared.js';
import { newId } from '../auth/secrets.js';
import type { RenderedMail } from './templates.js';
import type { MailTransport, OutgoingMail } from './transport.js';
import { stageClock } from '../stage-timing.js';

export type AttachmentRef =
  | { kind: 'document'; documentId: string; filename: string }
  | { kind: 'certificate'; envelopeId: string; filename: string };

export interface QueuedMail {
  envelopeId: string | null;
  recipientId?: string | null;
  kind: string;
  to: { name: string; address: string };
  mail: RenderedMail;
  attachments?: AttachmentRef[];
}

type Tx = Pick<Db, 'select'>;

const MAX_ATTEMPTS = 8;

/** Inside the caller's transaction. Returns the outbox id. */
export function enqueueMail(tx: Tx, m: QueuedMail, messageIdHost: string, now = Date.now()): string {
  const id = newId();
  q(tx).insertMail.run({
    id,
    envelopeId: m.envelopeId,
    recipientId: m.recipientId ?? null,
    kind: m.kind,
    toAddress: m.to.address,
    toName: m.to.name,
    subject: m.mail.subject,
    textBody: m.mail.text,
    htmlBody: m.mail.html,
    attachments: JSON.stringify(m.attachments ?? []),
    messageId: `<${id}@${messageIdHost}>`,
    now,
  });
  return id;
}

export interface OutboxEvents {
  /** Called after a row is marked sent or failed (for the audit log). */
  onResult(row: typeof outbox.$inferSelect, result: { ok: true } | { ok: false; error: string; final: boolean }): void;
  resolveAttachment(ref: AttachmentRef): Promise<Uint8Array>;
}

export class MailOutbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly events: OutboxEvents,
    /** Longer than the SMTP client's own timeouts (transport.ts), so a live sender keeps its lease. */
    private readonly leaseMs = 30_000,
  ) {}

  /** Ask the worker to look now (after a commit that queued mail). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Sends everything due now, up to `concurrency` mails at a time (each send mostly waits on the SMTP
   * server or on fsync); resolves when nothing due is left unclaimed. Each sender claims one mail at a
   * time, so a crash strands at most `concurrency` leased mails, retried when their leases run out.
   */
  async drain(concurrency = 8): Promise<number> {
    let sent = 0;
    const sender = async () => {
      for (;;) {
        const clock = stageClock('esign:outbox');
        const [row] = this.claim();
        clock?.mark(row ? 'claim' : 'claim (none due)');
        if (!row) return clock?.done();
        if (await this.sendOne(row, clock)) sent++;
        clock?.done();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    return sent;
  }

  /** One due mail (or one whose sender died mid-send), leased to this sender; prepared statements. */
  private claim(): (typeof outbox.$inferSelect)[] {
    const now = Date.now();
    return this.db.transaction((tx) => {
      const row = q(tx).dueMail.get({ now }) ?? q(tx).strandedMail.get({ now });
      if (!row) return [];
      q(tx).leaseMail.run({ id: row.id, leaseUntil: now + this.leaseMs });
      return [row];
    }, { behavior: 'immediate' });
  }

  private async sendOne(row: typeof outbox.$inferSelect, clock: ReturnType<typeof stageClock> = null): Promise<boolean> {
    try {
      const refs = JSON.parse(row.attachments) as AttachmentRef[];
      const attachments = [];
      for (const ref of refs) {
        attachments.push({ filename: ref.filename, content: Buffer.from(await this.events.resolveAttachment(ref)), contentType: 'application/pdf' });
      }
      clock?.mark('attachments');
      const mail: OutgoingMail = {
        id: row.id,
        messageId: row.messageId,
        from: this.from,
        to: { name: row.toName, address: row.toAddress },
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        attachments,
        date: new Date(row.createdAt),
      };
      await this.transport.send(mail);
      clock?.mark('transport');
      this.db.transaction((tx) => {
        q(tx).mailSent.run({ now: Date.now(), id: row.id });
        this.events.onResult(row, { ok: true });
      }, { behavior: 'immediate' });
      clock?.mark('mark sent');
      return true;
    } catch (err) {
      const attempts = row.attempts + 1;
      const final = attempts >= MAX_ATTEMPTS;
      const error = err instanceof Error ? err.message : String(err);
      this.db.transaction((tx) => {
        tx.update(outbox)
          .set({
            status: final ? 'failed' : 'pending',
            attempts,
            lastError: error.slice(0, 500),
            leaseUntil: null,
            // 5 s, 10 s, 20 s … capped at 30 minutes.
            nextAttemptAt: Date.now() + Math.min(5000 * 2 ** (attempts - 1), 30 * 60_000),
          })
          .where(eq(outbox.id, row.id))
          .run();
        this.events.onResult(row, { ok: false, error, final });
      }, { behavior: 'immediate' });
      return false;
    }
  }
}
