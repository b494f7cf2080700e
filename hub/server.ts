import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createHubApp } from './app.ts';
import { createAuth, type HubAuth, type OutgoingEmail } from './auth.ts';
import { type HubDatabase, openDatabase } from './db/client.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { DEFAULT_LIMITS, type HubLimits, type HubServices } from './domain/context.ts';
import { sharedSecret } from './domain/users.ts';
import { localFileStore } from './storage/files.ts';

export const DEFAULT_DATA_DIR = '.hub-data';

export interface HubOptions {
  port?: number;
  host?: string;
  /** Files, the outbox and (without databaseUrl) the embedded database. */
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
  /** Called for every email the hub sends (tests read sign-in links here). */
  onEmail?: (email: OutgoingEmail) => void;
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
  const services: HubServices = {
    db: database.db,
    kind: database.kind,
    clock: options.clock ?? systemClock,
    files: localFileStore(join(dataDir, 'files')),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  const auth = createAuth({
    db: database.db,
    secret: await sharedSecret(database.db),
    baseUrl: options.publicUrl ?? url,
    signInAttemptsPerMinute: services.limits.signInAttemptsPerMinute,
    sendEmail: async (email) => {
      await saveToOutbox(dataDir, email);
      options.onEmail?.(email);
    },
  });
  const app = createHubApp(services, auth, {
    trustProxy: options.trustProxy ?? false,
    publicUrl: options.publicUrl ?? url,
  });
  handler = (request, env) => app.fetch(request, env as never);
  return {
    url,
    app,
    port,
    services,
    auth,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      if (!options.database) await database.close();
    },
  };
}

/** Until email goes out over SMTP (issue 16), each message is kept as a file in `<data>/outbox`. */
async function saveToOutbox(dataDir: string, email: OutgoingEmail) {
  const folder = join(dataDir, 'outbox');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, `${Date.now()}-${randomUUID()}.json`), JSON.stringify(email, null, 2));
}
