import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a free local port that keeps every message it receives, parsed: the hub
 * sends to it with nodemailer exactly as it would to the firm's mail server.
 */
export interface Mailbox {
  /** smtp://127.0.0.1:<port> for the hub's SMTP_URL. */
  url: string;
  received: ParsedMail[];
  /**
   * A message to `to`: the first one, or with `after: n` the one after the first n (count them
   * before the request that sends it); waits for it to arrive.
   */
  next(to: string, options?: { after?: number; timeoutMs?: number }): Promise<ParsedMail>;
  /** Every message received for `to`, in order. */
  to(address: string): ParsedMail[];
  /** Forgets what was received so far (e.g. the invitations a test's setup sent). */
  clear(): void;
  close(): Promise<void>;
}

export interface MailboxOptions {
  /** Hold each message this long before accepting it (a slow mail server). */
  acceptDelayMs?: number;
  /** Refuse this many messages first with "451 try again later" (a mail server having a bad minute). */
  refuseFirst?: number;
}

const recipients = (mail: ParsedMail) =>
  [mail.to]
    .flat()
    .flatMap((a) => a?.value ?? [])
    .map((v) => v.address?.toLowerCase() ?? '');

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const received: ParsedMail[] = [];
  let refusals = options.refuseFirst ?? 0;
  const waiting = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to trust in tests.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (refusals > 0) {
        refusals--;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then(
        async (mail) => {
          if (options.acceptDelayMs) await new Promise((r) => setTimeout(r, options.acceptDelayMs));
          received.push(mail);
          for (const wake of waiting) wake();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.server.address() as AddressInfo;
  const toAddress = (address: string) =>
    received.filter((m) => recipients(m).includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: toAddress,
    clear: () => {
      received.length = 0;
    },
    next(to, { after = 0, timeoutMs = 10_000 } = {}) {
      const find = () => toAddress(to)[after];
      const found = find();
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const wake = () => {
          const mail = find();
          if (!mail) return;
          waiting.delete(wake);
          clearTimeout(timer);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiting.delete(wake);
          reject(new Error(`no email to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(wake);
      });
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
