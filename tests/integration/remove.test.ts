import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMPANY_SCOPE } from '@/lib/db/company-data';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { companyRows, dumpAll, rowsMentioning, seedCompany } from '../support/company-rows';
import { startTestBackground } from './support/background';
import { demoUserOrganisations, type SignInAnswer, signInWithForms } from './support/sign-in';

/**
 * Remove, against the Xero sandbox with the real background on fake-indexeddb: everything local of the
 * company goes (every table of the schema, enumerated at run time), and nothing of it comes back from
 * work that was in flight: a sync page, or a queued Remove racing an Admin who connected it again.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, scale: 40 });
});
afterAll(async () => {
  await sandbox?.close();
});

const admin = { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' as const };

/** A gate a test opens by hand: `reached` resolves when the first caller arrives. */
function gate() {
  let open!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  return { open, opened, reached, arrived };
}

type Fetch = typeof fetch;

/** What the api sends (ky passes a Request): url, method, tenant and signal. */
function seen(input: Parameters<Fetch>[0], init?: RequestInit) {
  const request = input instanceof Request ? input : new Request(input, init);
  return {
    url: request.url,
    method: init?.method ?? request.method,
    tenant: request.headers.get('xero-tenant-id'),
    signal: init?.signal ?? request.signal,
    headers: request.headers,
  };
}

async function connectTwo(fetchVia: Fetch, answers: SignInAnswer[] = []) {
  const orgs = (await demoUserOrganisations(sandbox)).slice(0, 2);
  const [a, b] = orgs;
  if (!a || !b) throw new Error('the sandbox has fewer than two organisations for the demo user');
  const queue: SignInAnswer[] = [{ organisations: [a.name, b.name] }, ...answers];
  const t = startTestBackground({
    sandboxUrl: sandbox.url,
    launchSignIn: (url) => signInWithForms(url, queue.shift() ?? {}),
    fetch: fetchVia,
  });
  await t.ask({ type: 'setup.saveFirmUser', user: admin });
  await t.ask({ type: 'connections.add' });
  return { t, a, b };
}

const xeroConnections = async (t: ReturnType<typeof startTestBackground>) => {
  const [grant] = await t.db.grants.where('status').equals('active').toArray();
  const listed = await fetch(`${sandbox.url}/connections`, {
    headers: { Authorization: `Bearer ${grant?.accessToken}` },
  });
  return ((await listed.json()) as { tenantId: string }[]).map((c) => c.tenantId);
};

/** The ids that mark a company's rows: its tenant id and the ids of its tasks. */
async function marksOf(t: ReturnType<typeof startTestBackground>, tenantId: string) {
  const tasks = await t.db.clientTasks.where('tenantId').equals(tenantId).toArray();
  return [tenantId, ...tasks.map((task) => task.id)];
}

describe('Remove removes everything local of the company', () => {
  test('every table of the schema, filled for two companies: nothing of the removed one is left, all of the other is', async () => {
    const { t, a, b } = await connectTwo((input, init) => fetch(input, init));
    await seedCompany(t.db, a.tenantId, 'a');
    await seedCompany(t.db, b.tenantId, 'b');

    // The seed covers every table of the schema as it is now: a new table fails here until it is added.
    const tableNames = t.db.tables.map((table) => table.name).sort();
    expect(Object.keys(COMPANY_SCOPE).sort()).toEqual(tableNames);
    const companyTables = tableNames.filter(
      (name) => COMPANY_SCOPE[name as keyof typeof COMPANY_SCOPE] !== 'shared',
    );
    expect(Object.keys(companyRows(a.tenantId, 'a')).sort()).toEqual(companyTables.sort());

    const marksA = await marksOf(t, a.tenantId);
    const marksB = await marksOf(t, b.tenantId);
    const before = await dumpAll(t.db);
    const ofA = rowsMentioning(before, marksA);
    const ofB = rowsMentioning(before, marksB);
    for (const name of companyTables) {
      expect(ofA[name], `${name} holds rows of the company to remove`).toBeGreaterThan(0);
      expect(ofB[name], `${name} holds rows of the other company`).toBeGreaterThan(0);
    }

    const result = await t.ask({ type: 'connections.remove', tenantId: a.tenantId });
    expect(result).toMatchObject({ state: 'removed', tasksDeleted: 2, revokedSignIn: false });

    const after = await dumpAll(t.db);
    expect(Object.keys(after).sort()).toEqual(tableNames);
    const leftOfA = rowsMentioning(after, marksA);
    for (const name of tableNames) expect(leftOfA[name], `${name} after Remove`).toBe(0);
    expect(JSON.stringify(after)).not.toContain('Secret answer a');
    expect(rowsMentioning(after, marksB)).toEqual(ofB);
    // The firm's own rows stay: its workspaces, its settings, the sign-in the other company uses.
    expect(after.workspaces).toEqual(before.workspaces);
    expect(after.settings).toEqual(before.settings);
    expect(after.grants).toHaveLength(1);
  });
});

describe('Remove cannot race', () => {
  test('a sync page in flight when Remove starts writes nothing of the removed company', async () => {
    const pageGate = gate();
    let gateOn = '';
    // Xero answers the page, but only after Remove has started (the network ignores the abort).
    const fetchVia: Fetch = async (input, init) => {
      const { url, tenant, method, headers } = seen(input, init);
      if (!(gateOn && tenant === gateOn && url.includes('/BankTransactions?'))) return fetch(input, init);
      const response = await fetch(url, { method, headers });
      pageGate.arrived();
      await pageGate.opened;
      return response;
    };
    const { t, a, b } = await connectTwo(fetchVia);
    for (const org of [a, b]) {
      const listed = await t.ask({ type: 'accounts.list', tenantId: org.tenantId });
      const monitored = listed.accounts.filter((x) => x.suggested).map((x) => x.accountId);
      await t.db.connections.update(org.tenantId, { monitoredAccountIds: monitored });
    }
    await t.ask({ type: 'sync.now', tenantId: b.tenantId });
    const tasksOfB = await t.db.clientTasks.where('tenantId').equals(b.tenantId).count();
    expect(tasksOfB).toBeGreaterThan(0);

    gateOn = a.tenantId;
    const syncing = t.ask({ type: 'sync.now', tenantId: a.tenantId });
    await pageGate.reached;
    const removing = t.ask({ type: 'connections.remove', tenantId: a.tenantId });
    // Remove waits for the company's sync lock; let the page arrive while it waits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    pageGate.open();
    const [synced, removed] = await Promise.all([syncing, removing]);
    expect(removed.state).toBe('removed');
    expect(synced.runs[0]?.tasksCreated ?? 0).toBe(0);

    const left = rowsMentioning(await dumpAll(t.db), [a.tenantId]);
    for (const [name, count] of Object.entries(left)) expect(count, `${name} after Remove`).toBe(0);
    expect(await t.db.clientTasks.where('tenantId').equals(b.tenantId).count()).toBe(tasksOfB);

    // A sync asked for after Remove finds no company and writes nothing either.
    await expect(t.ask({ type: 'sync.now', tenantId: a.tenantId })).rejects.toThrow();
    const later = rowsMentioning(await dumpAll(t.db), [a.tenantId]);
    for (const [name, count] of Object.entries(later)) expect(count, `${name} after a later sync`).toBe(0);
  });

  test('a Remove queued while Xero was unreachable is cancelled by connecting the company again', async () => {
    let offline = false;
    const fetchVia: Fetch = (input, init) =>
      offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    const orgs = await demoUserOrganisations(sandbox);
    const { t, a } = await connectTwo(fetchVia, [{ organisations: [orgs[0]?.name ?? ''] }]);
    await seedCompany(t.db, a.tenantId, 'a');
    await t.db.pendingRemovals.clear();

    offline = true;
    const queued = await t.ask({ type: 'connections.remove', tenantId: a.tenantId });
    expect(queued.state).toBe('queued');
    offline = false;

    // An Admin connects it again before the queued Remove could finish.
    const again = await t.ask({ type: 'connections.add' });
    expect(again.refreshed.map((c) => c.tenantId)).toContain(a.tenantId);
    expect(await t.db.pendingRemovals.count()).toBe(0);

    // Xero is reachable now: the next check must not remove it.
    await t.ask({ type: 'connections.check' });
    const row = await t.db.connections.get(a.tenantId);
    expect(row?.health.state).toBe('healthy');
    expect(await t.db.clientTasks.where('tenantId').equals(a.tenantId).count()).toBe(2);
    expect(await t.db.taskMessages.where('taskId').equals('task-a-1').count()).toBe(1);
    expect(await xeroConnections(t)).toContain(a.tenantId);
  });

  test('a queued Remove retried while the Admin connects the company again stops before it deletes anything', async () => {
    let offline = false;
    const deleteGate = gate();
    let holdDeletes = false;
    const fetchVia: Fetch = async (input, init) => {
      if (offline) throw new TypeError('fetch failed');
      const { url, method, signal } = seen(input, init);
      if (holdDeletes && method === 'DELETE' && url.includes('/connections/')) {
        deleteGate.arrived();
        // Xero has not received it yet: the abort stops it on the way.
        await Promise.race([
          deleteGate.opened,
          new Promise((_, reject) =>
            signal?.addEventListener('abort', () => reject(signal?.reason), { once: true }),
          ),
        ]);
      }
      return fetch(input, init);
    };
    const orgs = await demoUserOrganisations(sandbox);
    const { t, a } = await connectTwo(fetchVia, [{ organisations: [orgs[0]?.name ?? ''] }]);
    await seedCompany(t.db, a.tenantId, 'a');
    await t.db.pendingRemovals.clear();

    offline = true;
    expect((await t.ask({ type: 'connections.remove', tenantId: a.tenantId })).state).toBe('queued');
    offline = false;
    holdDeletes = true;
    // The schedule retries the queued Remove; its DELETE is on its way to Xero…
    const checking = t.ask({ type: 'connections.check' });
    await deleteGate.reached;
    // …when the Admin connects the company again.
    const again = await t.ask({ type: 'connections.add' });
    expect(again.refreshed.map((c) => c.tenantId)).toContain(a.tenantId);
    deleteGate.open();
    await checking;

    expect(await t.db.pendingRemovals.count()).toBe(0);
    expect((await t.db.connections.get(a.tenantId))?.health.state).toBe('healthy');
    expect(await t.db.clientTasks.where('tenantId').equals(a.tenantId).count()).toBe(2);
    expect(await t.db.outbox.where('taskId').equals('task-a-1').count()).toBe(1);
    expect(await xeroConnections(t)).toContain(a.tenantId);
  });
});
