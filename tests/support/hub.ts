import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type HubDatabase, openDatabase } from '../../hub/db/client.ts';
import { workspaceMember } from '../../hub/db/schema/index.ts';
import type { Clock } from '../../hub/domain/clock.ts';
import type { HubLimits } from '../../hub/domain/context.ts';
import { createFirm, createUser } from '../../hub/domain/users.ts';
import { type Hub, type JobOptions, startHub } from '../../hub/server.ts';
import type { HubRole } from '../../lib/hub/contract.ts';
import { type Mailbox, type MailboxOptions, startMailbox } from './mailbox.ts';

/**
 * The hub's tests run against a real server over HTTP: on an embedded PGlite of their own, or on
 * the PostgreSQL server DATABASE_URL names (CI runs them both ways). On PostgreSQL every test file
 * shares one database, so fixtures use fresh ids and addresses and never assume an empty table.
 */
export const DATABASE = process.env.DATABASE_URL ? 'postgresql' : 'pglite';

export const PASSWORD = 'correct horse battery staple';

export interface TestHub extends Hub {
  dataDir: string;
  database: HubDatabase;
  /** The SMTP server the hub sends to (absent when mail is kept in the data folder). */
  mailbox: Mailbox;
  /** Stops the server, closes the database, removes the data folder. */
  stop(): Promise<void>;
}

export async function openTestDatabase(dataDir: string): Promise<HubDatabase> {
  return openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATABASE_URL ? dataDir : 'memory://',
  });
}

export interface TestHubOptions {
  limits?: Partial<HubLimits>;
  database?: HubDatabase;
  /** 'smtp' (default): a real SMTP server of its own; 'kept': no SMTP, mail kept in the data folder. */
  mail?: 'smtp' | 'kept';
  trustProxy?: boolean;
  clock?: Clock;
  mailbox?: MailboxOptions;
  /** Another SMTP server than the hub's own test mailbox (such as one that is down). */
  smtpUrl?: string;
  /** The hub's background jobs (reminder tests poll fast, or run no worker). */
  jobs?: JobOptions;
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const database = options.database ?? (await openTestDatabase(dataDir));
  const mailbox = await startMailbox(options.mailbox);
  const hub = await startHub({
    dataDir,
    database,
    // Sign-in limits are tested on their own; elsewhere many sign-ins happen within a minute.
    limits: { signInAttemptsPerMinute: 10_000, ...options.limits },
    // Never the developer's own SMTP_URL: the tests' mail goes to their own server, or the folder.
    smtpUrl: options.mail === 'kept' ? '' : (options.smtpUrl ?? mailbox.url),
    mailFrom: 'Client Hub Tests <hub@example.test>',
    trustProxy: options.trustProxy ?? false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  });
  return {
    ...hub,
    dataDir,
    database,
    mailbox,
    stop: async () => {
      await hub.close();
      await mailbox.close();
      if (!options.database) await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in caller: JSON in, JSON (or problem+json) out. */
export interface Caller {
  token: string;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
  upload<T = unknown>(
    path: string,
    file: { name: string; bytes: Uint8Array<ArrayBuffer> },
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
}

async function read<T>(response: Response): Promise<Reply<T>> {
  const text = await response.text();
  let body: unknown = text;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') && text) body = JSON.parse(text);
  return { status: response.status, body: body as T, headers: response.headers };
}

export function caller(url: string, token: string): Caller {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    token,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return read(response);
    },
    async upload(path, file, headers = {}) {
      const form = new FormData();
      form.append('file', new Blob([file.bytes]), file.name);
      return read(
        await fetch(`${url}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body: form }),
      );
    },
  };
}

export async function signIn(
  url: string,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Caller> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const token = response.headers.get('set-auth-token');
  if (response.status !== 200 || !token) throw new Error(`sign-in failed for ${email}: ${response.status}`);
  return caller(url, token);
}

/** A documentation-range address (RFC 5737) no other test uses, for a hub that trusts a proxy. */
const random = (n: number) => Math.floor(Math.random() * n);
/**
 * An address of its own for a request behind the (pretend) proxy. From 198.18.0.0/15 (130,000
 * addresses) so that tests that use up an address's sign-in limit, on a PostgreSQL database shared by
 * every test file, do not hand the same address to another test (254 addresses did, now and then).
 */
export const uniqueAddress = () => `198.${18 + random(2)}.${random(256)}.${1 + random(254)}`;

export const uniqueEmail = (who: string) => `${who}-${randomUUID().slice(0, 8)}@example.test`;

export interface FirmFixture {
  firmId: string;
  /** One signed-in user per role. Staff and the client user belong to `own`, nobody to `other`. */
  users: Record<HubRole, Caller & { userId: string; email: string }>;
  own: { id: string; tenantId: string };
  other: { id: string; tenantId: string };
}

/** A firm with one user of each role and two linked workspaces (own and other). */
export async function makeFirm(hub: Hub, name = `Firm ${randomUUID().slice(0, 6)}`): Promise<FirmFixture> {
  const deps = hub.services;
  const { firmId, admin } = await createFirm(deps, hub.auth, {
    name,
    adminEmail: uniqueEmail('admin'),
    adminName: 'Ada Admin',
    adminPassword: PASSWORD,
  });
  const members: Record<HubRole, { userId: string; email: string }> = {
    Admin: admin,
    Manager: await createUser(deps, hub.auth, firmId, {
      email: uniqueEmail('manager'),
      name: 'Max Manager',
      role: 'Manager',
      password: PASSWORD,
    }),
    Staff: await createUser(deps, hub.auth, firmId, {
      email: uniqueEmail('staff'),
      name: 'Sam Staff',
      role: 'Staff',
      password: PASSWORD,
    }),
    // A password only so the matrix can sign in quickly; real client users sign in by emailed link.
    'Client User': await createUser(deps, hub.auth, firmId, {
      email: uniqueEmail('client'),
      name: 'Cleo Client',
      role: 'Client User',
      password: PASSWORD,
    }),
  };
  const adminCaller = await signIn(hub.url, admin.email);
  const workspace = async (label: string) => {
    const tenantId = randomUUID();
    const created = await adminCaller.request<{ id: string }>('POST', '/api/workspaces', {
      name: `${label} ${name}`,
      tenantId,
    });
    if (created.status !== 201) throw new Error(`workspace not created: ${JSON.stringify(created.body)}`);
    return { id: created.body.id, tenantId };
  };
  const own = await workspace('Own');
  const other = await workspace('Other');
  await deps.db.insert(workspaceMember).values([
    { workspaceId: own.id, userId: members.Staff.userId, createdAt: new Date() },
    { workspaceId: own.id, userId: members['Client User'].userId, createdAt: new Date() },
  ]);
  const users = {} as FirmFixture['users'];
  for (const role of Object.keys(members) as HubRole[]) {
    const m = members[role];
    users[role] = {
      ...(role === 'Admin' ? adminCaller : await signIn(hub.url, m.email)),
      userId: m.userId,
      email: m.email,
    };
  }
  return { firmId, users, own, other };
}

/** A bank transaction as Xero describes one (Spend Money). */
export function transaction(overrides: Record<string, unknown> = {}) {
  return {
    BankTransactionID: randomUUID(),
    Type: 'SPEND',
    Date: '2026-11-02T00:00:00',
    Total: 42.5,
    CurrencyCode: 'NZD',
    Reference: 'Card 1234',
    Contact: { Name: 'Hardware Store' },
    LineItems: [{ Description: 'Unknown', LineAmount: 42.5 }],
    ...overrides,
  };
}

/** A test file's own hub and firm: started before its tests, stopped after them. */
export function hubWithFirm(name?: string, options: TestHubOptions = {}) {
  const world = {} as { hub: TestHub; firm: FirmFixture };
  beforeAll(async () => {
    world.hub = await startTestHub(options);
    world.firm = await makeFirm(world.hub, name);
  }, 180_000);
  afterAll(() => world.hub?.stop());
  return world;
}
