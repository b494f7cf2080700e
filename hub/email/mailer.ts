import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';

/** One email: always a plain-text and an HTML part (hub/email/messages.ts writes both). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The sender's display name, such as the firm's name; the address is the configured one. */
  fromName?: string | undefined;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

export const DEFAULT_MAIL_FROM = 'Client Hub <client-hub@localhost>';

export interface MailConfig {
  /** smtp://user:pass@host:587 or smtps://…:465; without it mail is kept in `<dataDir>/sent-mail`. */
  smtpUrl?: string | undefined;
  /** The From address, "Name <address>" or just the address. */
  from?: string | undefined;
  dataDir: string;
  now?: () => Date;
}

export interface HubMail {
  mailer: Mailer;
  /** The kept mail (no SMTP configured): what the local "Sent mail" page shows. */
  sentMail?: SentMailStore;
  close(): Promise<void>;
}

export const smtpUrlSchema = z
  .url({ protocol: /^smtps?$/, error: 'SMTP_URL must look like smtp://user:password@host:587 or smtps://…' })
  .optional();

export const mailFromSchema = z.string().transform((value, ctx) => {
  const [first] = addressparser(value, { flatten: true });
  if (!first?.address || !z.email({ pattern: z.regexes.html5Email }).safeParse(first.address).success) {
    ctx.addIssue({ code: 'custom', message: `The from-address “${value}” is not an email address` });
    return z.NEVER;
  }
  return { name: first.name, address: first.address };
});

/** The sender: the message's own name (the firm's) before the configured one. */
const senderOf = (from: { name: string; address: string }, message: EmailMessage) => ({
  name: message.fromName?.trim() || from.name || 'Client Hub',
  address: from.address,
});

/** SMTP when configured, otherwise the data folder: the embedded default needs no mail server. */
export function createMail(config: MailConfig): HubMail {
  const from = mailFromSchema.parse(config.from ?? DEFAULT_MAIL_FROM);
  const smtpUrl = smtpUrlSchema.parse(config.smtpUrl || undefined);
  if (smtpUrl) {
    const transport = createTransport({
      url: smtpUrl,
      // A mail server that stops answering must not hold a request (or a reminder run) for minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      mailer: {
        async send(message) {
          const info = await transport.sendMail({
            from: senderOf(from, message),
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
          });
          return { messageId: info.messageId };
        },
      },
      close: async () => transport.close(),
    };
  }
  const store = sentMailStore(join(config.dataDir, 'sent-mail'), config.now ?? (() => new Date()));
  return {
    mailer: {
      async send(message) {
        const sender = senderOf(from, message);
        return store.save({ ...message, from: `${sender.name} <${sender.address}>` });
      },
    },
    sentMail: store,
    close: async () => {},
  };
}

export const sentMailSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  sentAt: z.iso.datetime(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});
export type SentMail = z.infer<typeof sentMailSchema>;

export interface SentMailStore {
  save(message: Omit<SentMail, 'id' | 'messageId' | 'sentAt'>): Promise<{ messageId: string }>;
  /** Newest first. */
  list(limit?: number): Promise<SentMail[]>;
  get(id: string): Promise<SentMail | undefined>;
}

/** `<sent time, zero-padded ms>-<uuid>`: names sort by time, and nothing else is ever read as an id. */
const ID = /^\d{15}-[0-9a-f-]{36}$/;

/** Mail kept as one JSON file per message (the embedded default's "outbox"). */
export function sentMailStore(folder: string, now: () => Date): SentMailStore {
  const read = async (id: string) => {
    try {
      return sentMailSchema.parse(JSON.parse(await readFile(join(folder, `${id}.json`), 'utf8')));
    } catch {
      return undefined;
    }
  };
  return {
    async save(message) {
      await mkdir(folder, { recursive: true });
      const sentAt = now();
      const uuid = randomUUID();
      const id = `${String(sentAt.getTime()).padStart(15, '0')}-${uuid}`;
      const record: SentMail = {
        id,
        messageId: `<${uuid}@client-hub.local>`,
        sentAt: sentAt.toISOString(),
        ...message,
      };
      // Written whole, then renamed, so the page never reads half a message.
      const file = join(folder, `${id}.json`);
      await writeFile(`${file}.tmp`, JSON.stringify(record, null, 2));
      await rename(`${file}.tmp`, file);
      return { messageId: record.messageId };
    },
    async list(limit = 200) {
      let names: string[];
      try {
        names = await readdir(folder);
      } catch {
        return [];
      }
      const ids = names
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -'.json'.length))
        .filter((id) => ID.test(id))
        .sort()
        .reverse()
        .slice(0, limit);
      const mail = await Promise.all(ids.map(read));
      return mail.filter((m): m is SentMail => m !== undefined);
    },
    async get(id) {
      return ID.test(id) ? read(id) : undefined;
    },
  };
}
