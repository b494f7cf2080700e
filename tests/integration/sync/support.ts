import { z } from 'zod';
import { type TokenSet, xeroAuthServer } from '@/lib/auth/oauth';
import { createTokenManager, type WithLock } from '@/lib/auth/token-manager';
import { SANDBOX_CLIENT_ID } from '@/lib/config/sandbox-build';
import { xeroConfigFor } from '@/lib/config/xero';
import { createConnectionService } from '@/lib/connections/service';
import { ClientHubDb } from '@/lib/db/database';
import { type Connection, connectionSchema } from '@/lib/db/records';
import { companyLockName, createSyncEngine, type SyncEngineDeps } from '@/lib/sync/engine';
import { createGovernor, type GovernorOptions } from '@/lib/sync/governor';
import type { SupportedType } from '@/lib/sync/records';
import { createXeroApi } from '@/lib/xero/api';
import type { Sandbox } from '../../../sandbox/server';
import { createLocks } from '../support/background';

/** The accounts a bookkeeper would monitor: the ones Manage Accounts suggests first. */
export const MONITORED_NAMES = /uncategori[sz]ed|suspense|ask my accountant|push to client hub/i;

const orgSchema = z.array(
  z.object({
    tenantId: z.string(),
    name: z.string(),
    timezone: z.string(),
    accounts: z.array(z.object({ AccountID: z.string(), Name: z.string(), Class: z.string() }).loose()),
  }),
);

export const groundTruthSchema = z.array(
  z
    .object({
      BankTransactionID: z.string(),
      Type: z.string(),
      Status: z.string(),
      DateString: z.string(),
      Total: z.number(),
      Reference: z.string(),
      Contact: z.object({ Name: z.string() }).loose(),
      LineItems: z.array(z.object({ AccountID: z.string(), LineItemID: z.string() }).loose()),
    })
    .loose(),
);
export type GroundTruth = z.infer<typeof groundTruthSchema>[number];

export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

export async function organisations(sandbox: Sandbox) {
  return orgSchema.parse(await control(sandbox, 'GET', '/orgs'));
}

export async function groundTruth(sandbox: Sandbox, tenantId: string): Promise<GroundTruth[]> {
  return groundTruthSchema.parse(await control(sandbox, 'GET', `/orgs/${tenantId}/bank-transactions`));
}

/** Transactions that should have an open Client Task, computed from the sandbox's ground truth. */
export function expectedTaskIds(
  truth: GroundTruth[],
  monitored: ReadonlySet<string>,
  fromDate: string,
  types: readonly SupportedType[] = ['SPEND'],
): Set<string> {
  return new Set(
    truth
      .filter(
        (t) =>
          (types as readonly string[]).includes(t.Type) &&
          t.Status === 'AUTHORISED' &&
          t.DateString.slice(0, 10) >= fromDate &&
          t.LineItems.some((line) => monitored.has(line.AccountID.toLowerCase())),
      )
      .map((t) => t.BankTransactionID.toLowerCase()),
  );
}

/** Sleeps by moving the sandbox's virtual clock, so waits for Xero's limits take no real time. */
export function virtualSleep(sandbox: Sandbox) {
  return async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    sandbox.clock.advance(Math.max(0, ms));
    await new Promise((resolve) => setImmediate(resolve));
  };
}

let dbCounter = 0;

export interface HarnessOptions {
  /** Indexes into the sandbox's organisations the demo user can open. */
  orgIndexes?: number[];
  governor?: Partial<GovernorOptions> | false;
  locks?: WithLock;
  engine?: Partial<SyncEngineDeps>;
  db?: ClientHubDb;
  /** Stands between the extension and the sandbox (to damage answers on the way). */
  fetch?: typeof fetch;
}

/**
 * A firm as a sign-in leaves it: tokens minted by the sandbox saved as a grant, one connection row per
 * Xero company with its organisation and monitored accounts, and the real api, token manager,
 * connection service (for health) and sync engine on the sandbox's clock.
 */
export async function harness(sandbox: Sandbox, options: HarnessOptions = {}) {
  const now = () => sandbox.clock.now();
  const db = options.db ?? new ClientHubDb(`sync-${process.pid}-${++dbCounter}`);
  const locks = options.locks ?? createLocks();
  const config = xeroConfigFor({ mode: 'sandbox', sandboxUrl: sandbox.url });
  const tokens = createTokenManager({
    db,
    now,
    withLock: locks,
    server: (clientId) => xeroAuthServer(config, clientId, { fetch, now }),
  });
  const orgs = await organisations(sandbox);
  const chosen = (options.orgIndexes ?? [0]).map((index) => {
    const org = orgs[index];
    if (!org) throw new Error(`no organisation ${index}`);
    return org;
  });
  const minted = z
    .object({
      access_token: z.string(),
      refresh_token: z.string(),
      expires_in: z.number(),
      scope: z.string(),
    })
    .parse(
      await control(sandbox, 'POST', '/tokens', {
        clientId: SANDBOX_CLIENT_ID,
        tenantIds: chosen.map((org) => org.tenantId),
      }),
    );
  const tokenSet: TokenSet = {
    accessToken: minted.access_token,
    refreshToken: minted.refresh_token,
    expiresAt: now() + minted.expires_in * 1000,
    scope: minted.scope,
    xeroUserId: 'demo',
    authEventId: 'sync-test',
  };
  const grant = await tokens.saveSignIn(tokenSet, SANDBOX_CLIENT_ID, `grant-${++dbCounter}`);

  const governor =
    options.governor === false
      ? undefined
      : createGovernor({ now, sleep: virtualSleep(sandbox), random: () => 0.5, ...options.governor });
  let connectionService: ReturnType<typeof createConnectionService> | undefined;
  const api = createXeroApi({
    fetch: options.fetch ?? fetch,
    config,
    tokens,
    now,
    onContact: (contact) => connectionService?.recordContact(contact),
    ...(governor ? { governor } : {}),
  });
  connectionService = createConnectionService({
    db,
    api,
    tokens,
    oauth: { fetch, now },
    authServer: (clientId) => xeroAuthServer(config, clientId, { fetch, now }),
    clientId: async () => SANDBOX_CLIENT_ID,
    redirectUri: 'http://127.0.0.1/redirect',
    launchSignIn: async () => {
      throw new Error('no sign-in in sync tests');
    },
    pendingSignIns: { save: async () => undefined, take: async () => undefined },
    newId: () => crypto.randomUUID(),
    withCompanyLock: (tenantId, task) => locks(companyLockName(tenantId), task),
    stopCompanyWork: (tenantId) => engine.stop(tenantId),
  });

  const companies = [];
  for (const org of chosen) {
    const monitored = org.accounts
      .filter((a) => MONITORED_NAMES.test(a.Name))
      .map((a) => a.AccountID.toLowerCase());
    const row: Connection = {
      tenantId: org.tenantId,
      xeroConnectionId: `connection-${org.tenantId}`,
      grantId: grant.id,
      tenantName: org.name,
      organisation: { name: org.name, timezone: org.timezone },
      workspaceId: 'workspace-1',
      monitoredAccountIds: monitored,
      sentBy: { name: 'Test Admin', email: 'admin@firm.test' },
      connectedAt: now(),
      lastSyncedAt: null,
      health: { state: 'healthy', checkedAt: now() },
    };
    await db.connections.put(connectionSchema.parse(row));
    companies.push({
      tenantId: org.tenantId,
      name: org.name,
      timezone: org.timezone,
      monitored: new Set(monitored),
    });
  }

  const engine = createSyncEngine({
    db,
    api,
    now,
    withLock: locks,
    newId: () => crypto.randomUUID(),
    ...(governor ? { governor } : {}),
    ...options.engine,
  });
  return { db, api, tokens, governor, engine, companies, grant, locks, connections: connectionService };
}

/** Every task of a company, checked for duplicates on the way. */
export async function tasksOf(db: ClientHubDb, tenantId: string) {
  const tasks = await db.clientTasks.where('tenantId').equals(tenantId).toArray();
  const ids = tasks.map((task) => task.bankTransactionId);
  if (new Set(ids).size !== ids.length) throw new Error('duplicate Client Tasks');
  return tasks;
}

export async function openTaskIds(db: ClientHubDb, tenantId: string): Promise<Set<string>> {
  return new Set(
    (await tasksOf(db, tenantId))
      .filter((task) => task.status === 'Open')
      .map((task) => task.bankTransactionId),
  );
}
