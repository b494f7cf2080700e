import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClientHubDb } from '@/lib/db/database';
import { createHubClient } from '@/lib/hub/client';
import { changesPageSchema, type HubRole } from '@/lib/hub/contract';
import { hubSessionStore } from '@/lib/hub/session';
import { clientTaskSchema } from '@/lib/sync/records';
import { workspaceMember } from '../../../hub/db/schema/index';
import { createFirm, createUser } from '../../../hub/domain/users';
import type { Hub } from '../../../hub/server';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { caller, PASSWORD, signIn, uniqueEmail } from '../../hub/harness';
import { type RestartableHub, startRestartableHub } from '../../support/hub-server';
import { startTestBackground } from '../support/background';
import { control, harness, organisations } from '../sync/support';

export { PASSWORD };

/**
 * A hub-sync test file's world: the sandbox (scale 40, the file's own seed), a hub that can be stopped
 * and restarted on its data, and a firm whose workspace is linked to the sandbox's first company.
 */
export async function startHubSync(seed: number) {
  const sandbox = await startSandbox({ port: 0, seed, scale: 40 });
  const hub = await startRestartableHub().catch(async (error) => {
    await sandbox.close();
    throw error;
  });
  try {
    const orgs = await organisations(sandbox);
    const firm = await hubFirm(hub.hub(), orgs[0]?.tenantId as string);
    return {
      sandbox,
      hub,
      firm,
      orgs,
      async close() {
        await hub.destroy();
        await sandbox.close();
      },
    };
  } catch (error) {
    await hub.destroy();
    await sandbox.close();
    throw error;
  }
}
export type HubSync = Awaited<ReturnType<typeof startHubSync>>;
export type HubFirm = HubSync['firm'];

export type Person = { email: string; name: string; userId: string };

/**
 * A firm on the hub whose workspace is linked to the sandbox's first Xero company: an Admin, a
 * Staff member of the workspace, and the client's user (who answers from the portal).
 */
export async function hubFirm(hub: Hub, tenantId: string) {
  const people: Partial<Record<HubRole, Person>> = {};
  const { firmId, admin } = await createFirm(hub.services, hub.auth, {
    name: `Firm ${randomUUID().slice(0, 6)}`,
    adminEmail: uniqueEmail('admin'),
    adminName: 'Ada Admin',
    adminPassword: PASSWORD,
  });
  people.Admin = { ...admin, name: 'Ada Admin' };
  for (const [role, name] of [
    ['Staff', 'Sam Staff'],
    ['Client User', 'Cleo Client'],
  ] as const) {
    const member = await createUser(hub.services, hub.auth, firmId, {
      email: uniqueEmail(role === 'Staff' ? 'staff' : 'client'),
      name,
      role,
      password: PASSWORD,
    });
    people[role] = { ...member, name };
  }
  const adminCaller = await signIn(hub.url, admin.email);
  const created = await adminCaller.request<{ id: string }>('POST', '/api/workspaces', {
    name: 'Corner Stationers Ltd',
    tenantId,
  });
  if (created.status !== 201) throw new Error(`workspace: ${JSON.stringify(created.body)}`);
  const workspaceId = created.body.id;
  // Members of the workspace as the Admin's invitations would leave them.
  await hub.services.db.insert(workspaceMember).values(
    [people.Staff, people['Client User']].map((person) => ({
      workspaceId,
      userId: (person as Person).userId,
      createdAt: new Date(),
    })),
  );
  return {
    firmId,
    workspaceId,
    admin: people.Admin as Person,
    staff: people.Staff as Person,
    client: people['Client User'] as Person,
    adminCaller,
  };
}

/** Signs this browser in to the hub as `email` (the session the options page would keep). */
export async function signInToHub(db: ClientHubDb, url: string, email: string) {
  const anonymous = createHubClient({ url });
  const { token } = await anonymous.signInWithPassword(email, PASSWORD);
  const me = await createHubClient({ url, token }).me();
  await hubSessionStore(db.settings).save({
    url,
    token,
    user: { id: me.userId, name: me.name, email: me.email, role: me.role },
    firm: me.firm,
    signedInAt: Date.now(),
    checkedAt: Date.now(),
    refusedAt: null,
  });
  return token;
}

let counter = 0;

/**
 * One browser: the real background on its own IndexedDB (fake-indexeddb), signed in to the hub as
 * `email`; with `xero`, it holds a Xero token for the sandbox's first company and syncs it.
 */
export async function openBrowser(
  sandbox: Sandbox,
  hub: { url: string },
  email: string,
  options: { xero?: boolean; fetch?: typeof fetch } = {},
) {
  const db = new ClientHubDb(`hub-sync-${process.pid}-${++counter}`);
  const h = options.xero
    ? await harness(sandbox, { db, ...(options.fetch ? { fetch: options.fetch } : {}) })
    : null;
  const bg = startTestBackground({
    sandboxUrl: sandbox.url,
    db,
    ...(h ? { locks: h.locks } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    launchSignIn: async () => {
      throw new Error('no Xero sign-in here');
    },
  });
  await bg.ask({ type: 'setup.saveFirmUser', user: { name: 'Test User', email, role: 'admin' } });
  await signInToHub(db, hub.url, email);
  const tenantId = (await organisations(sandbox))[0]?.tenantId as string;
  /** What the background does on each near-live tick: send the outbox, pull the feed. */
  const round = async () => {
    await bg.background.hub.live.catchUp();
    await bg.background.tasks.outbox.idle();
  };
  return {
    db,
    bg,
    h,
    tenantId,
    round,
    /** Two rounds: what was sent comes back in the feed. */
    settle: async () => {
      await round();
      await round();
    },
    sync: async () => {
      if (!h) throw new Error('this browser holds no Xero token');
      await h.engine.syncOrganisation(tenantId);
    },
    tasks: async () =>
      (await db.clientTasks.where('tenantId').equals(tenantId).toArray()).map((t) =>
        clientTaskSchema.parse(t),
      ),
    pendingHubJobs: async () =>
      (await db.outbox.toArray()).filter((j) => j.payload.kind.startsWith('hub-') && j.state !== 'done'),
  };
}
export type Browser = Awaited<ReturnType<typeof openBrowser>>;

/** Everything in the workspace's feed, as the firm sees it. */
export async function feedOf(hub: RestartableHub | { url: string }, token: string, workspaceId: string) {
  const who = caller(hub.url, token);
  const changes: z.infer<typeof changesPageSchema>['changes'] = [];
  let since = 0;
  for (;;) {
    const page = changesPageSchema.parse(
      (await who.request('GET', `/api/workspaces/${workspaceId}/changes?since=${since}&limit=1000`)).body,
    );
    changes.push(...page.changes);
    since = page.nextSince;
    if (!page.hasMore) break;
  }
  return { changes, lastSeq: since };
}

/** A new Spend Money in a monitored account: the next sync makes a Client Task of it. */
export async function newTransaction(sandbox: Sandbox, tenantId: string, monitoredId: string, amount = 42.5) {
  const date = new Date(sandbox.clock.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const created = z.object({ BankTransactionID: z.string() }).parse(
    await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions`, {
      type: 'SPEND',
      contactName: 'Corner Stationers',
      date,
      lineItems: [{ description: 'Mystery card payment', amount, accountId: monitoredId }],
    }),
  );
  return created.BankTransactionID.toLowerCase();
}
