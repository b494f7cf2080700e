import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createHubApp } from './app.ts';
import { createAuth, type HubAuth } from './auth.ts';
import { type HubDatabase, openDatabase } from './db/client.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { DEFAULT_LIMITS, type HubLimits, type HubServices } from './domain/context.ts';
import { REMINDER_QUEUE, REMINDER_QUEUE_OPTIONS } from './domain/reminders.ts';
import { maySendSignInEmail, sendSignInEmail } from './domain/sign-in.ts';
import { sharedSecret } from './domain/users.ts';
import { createMail } from './email/mailer.ts';
import { startJobQueue } from './jobs/queue.ts';
import { startReminderWorker } from './jobs/reminder-worker.ts';
import { localFileStore } from './storage/files.ts';

export const DEFAULT_DATA_DIR = '.hub-data';

export interface HubOptions {
  port?: number;
  host?: string;
  /** Files, kept mail (without SMTP) and (without databaseUrl) the embedded database. */
  dataDir?: string;
  /** postgres://…; defaults to the DATABASE_URL environment variable. */
  databaseUrl?: string | undefined;
  /** An already open database (tests share one per file). */
  database?: HubDatabase;
  /** The address users reach the hub at (sign-in links); defaults to http://host:port. */
  publicUrl?: string;
  clock?: Clock;
  limits?: Partial<HubLimits>;
  trustProxy?: boolean;
  log?: (message: string, error?: unknown) => void;
  /** smtp://…; defaults to SMTP_URL ('' for none). Without it, mail is kept in `<data>/sent-mail` (Sent mail page). */
  smtpUrl?: string | undefined;
  /** The From address; defaults to MAIL_FROM, then "Client Hub <client-hub@localhost>". */
  mailFrom?: string | undefined;
  /** The background jobs of this instance (reminder emails). */
  jobs?: JobOptions;
}

export interface JobOptions {
  /** false: this instance serves requests and queues jobs but runs none (a web-only instance). */
  worker?: boolean;
  /** How often workers look for queued jobs, seconds (≥ 0.5). */
  pollSeconds?: number;
  /** How often this instance looks for reminder schedules that are due, ms. */
  reminderTickMs?: number;
  /** First retry delay of a failed reminder send, seconds (doubles each time). */
  retryDelaySeconds?: number;
}

export interface Hub {
  url: string;
  /** The Hono app (its route list is what the authorisation matrix test walks). */
  app: ReturnType<typeof createHubApp>;
  port: number;
  services: HubServices;
  auth: HubAuth;
  close(): Promise<void>;
}

/** Opens the database (migrating it), then serves the hub. */
export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const database =
    options.database ??
    (await openDatabase({ databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL, dataDir }));
  const host = options.host ?? '127.0.0.1';
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined;
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const started = serve(
      {
        fetch: (request, env) => handler?.(request, env) ?? new Response('Starting', { status: 503 }),
        port: options.port ?? 0,
        hostname: host,
      },
      () => done(started),
    );
    started.once('error', fail);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error));
  const jobs = await startJobQueue(database, {
    queues: {
      [REMINDER_QUEUE]: {
        ...REMINDER_QUEUE_OPTIONS,
        ...(options.jobs?.retryDelaySeconds ? { retryDelay: options.jobs.retryDelaySeconds } : {}),
      },
    },
    pollSeconds: options.jobs?.pollSeconds ?? 2,
    log,
  });
  const clock = options.clock ?? systemClock;
  /** Emails still being sent: close() waits for them. */
  const pending = new Set<Promise<unknown>>();
  const mail = createMail({
    smtpUrl: options.smtpUrl ?? process.env.SMTP_URL,
    from: options.mailFrom ?? process.env.MAIL_FROM,
    dataDir,
    now: () => clock.now(),
  });
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const services: HubServices = {
    db: database.db,
    kind: database.kind,
    clock,
    files: localFileStore(join(dataDir, 'files')),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    jobs,
    mailer: mail.mailer,
    sentMail: mail.sentMail,
    publicUrl,
  };
  const auth = createAuth({
    db: database.db,
    secret: await sharedSecret(database.db),
    baseUrl: publicUrl,
    signInAttemptsPerMinute: services.limits.signInAttemptsPerMinute,
    // Not awaited by the request: how long the mail server takes must not tell whether an address is known.
    sendSignInEmail: (request) => {
      const sending = sendSignInEmail(services, request)
        .catch((error: unknown) => log('Could not send a sign-in email', error))
        .finally(() => pending.delete(sending));
      pending.add(sending);
    },
    maySendSignInEmail: (email) => maySendSignInEmail(services, email),
  });
  const app = createHubApp(services, auth, {
    trustProxy: options.trustProxy ?? false,
    log,
    publicUrl,
  });
  handler = (request, env) => app.fetch(request, env as never);
  const reminders =
    options.jobs?.worker === false
      ? undefined
      : await startReminderWorker(services, {
          mailer: services.mailer,
          publicUrl: services.publicUrl,
          tickMs: options.jobs?.reminderTickMs ?? 30_000,
          log,
        });
  return {
    url,
    app,
    port,
    services,
    auth,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await reminders?.stop();
      await Promise.allSettled([...pending]);
      await jobs.stop();
      await mail.close();
      if (!options.database) await database.close();
    },
  };
}
