import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileDurablyAsync } from '../store/durable-file.js';

export interface OutgoingMail {
  /** Outbox id: the file transport names the file after it, so a retry overwrites, never duplicates. */
  id: string;
  messageId: string;
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
  date: Date;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
}

function options(m: OutgoingMail) {
  return {
    messageId: m.messageId,
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments,
    date: m.date,
    textEncoding: 'base64' as const,
  };
}

/** The embedded default: RFC 5322 `.eml` files in `DATA_DIR/outbox`. */
export class FileTransport implements MailTransport {
  constructor(readonly dir: string) {}
  async send(m: OutgoingMail) {
    const file = path.join(this.dir, `${m.id}.eml`);
    if (existsSync(file)) return;
    const raw = await new MailComposer(options(m)).compile().build();
    await writeFileDurablyAsync(file, raw, 0o640);
  }
}

export class SmtpTransport implements MailTransport {
  private readonly transporter;
  constructor(url: string) {
    this.transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  }
  async send(m: OutgoingMail) {
    await this.transporter.sendMail(options(m));
  }
  close() {
    this.transporter.close();
  }
}

export function createTransport(smtpUrl: string | null, outboxDir: string): MailTransport {
  return smtpUrl ? new SmtpTransport(smtpUrl) : new FileTransport(outboxDir);
}
