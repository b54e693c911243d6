import { SMTPServer } from 'smtp-server';
import PostalMime, { type Email } from 'postal-mime';

export interface ReceivedMail {
  raw: string;
  parsed: Email;
  to: string[];
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtpSink() {
  const received: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, parsed: await PostalMime.parse(raw), to: session.envelope.rcptTo.map((r) => r.address) });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  // A client killed mid-conversation resets its socket; that is the client's problem, not the sink's.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits until a mail matching `pred` has arrived (or fails after `timeoutMs`). */
    async waitFor(pred: (m: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching mail (${pred.toString().slice(0, 120)}) within ${timeoutMs} ms; got: ${received.map((m) => `${m.to} ${m.parsed.subject}`).join(' | ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function signingLinkIn(mail: ReceivedMail): { url: string; token: string } {
  const m = /(https?:\/\/[^\s"<>]+\/s\/([A-Za-z0-9_-]{43}))/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no signing link in mail "${mail.parsed.subject}"`);
  return { url: m[1]!, token: m[2]! };
}
