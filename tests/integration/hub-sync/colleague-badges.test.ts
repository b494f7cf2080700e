import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sandbox } from '../../../sandbox/server';
import type { RestartableHub } from '../../support/hub-server';
import { problemOf } from '../support/background';
import { groundTruth } from '../sync/support';
import { type Browser, type HubFirm, type HubSync, openBrowser, startHubSync } from './support';

/**
 * Badges in a colleague's company's Xero pages: a Staff member whose browser holds no Xero sign-in for
 * the firm's company sees its tasks' status there (the company told apart by the firm's short code,
 * never guessed), and a transaction without a task says plainly why it cannot be pushed from here.
 */
let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let admin: Browser;
let staff: Browser;
type Org = { tenantId: string; name: string; shortCode: string };
let orgs: Org[];

beforeAll(async () => {
  world = await startHubSync(67);
  ({ sandbox, hub, firm } = world);
  orgs = (await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json()) as Org[];
  const [a] = orgs;
  if (!a) throw new Error('no organisation');
  admin = await openBrowser(sandbox, hub, firm.admin.email, { xero: true });
  // Xero's short code, as the Admin's browser records it when it connects.
  await admin.db.connections.update(a.tenantId, { organisation: { name: a.name, shortCode: a.shortCode } });
  await admin.settle();
  await admin.sync();
  await admin.settle();
  // The Admin's browser reports its companies to the firm's table.
  await admin.bg.ask({ type: 'connections.check' });
  staff = await openBrowser(sandbox, hub, firm.staff.email);
  await staff.settle();
}, 120_000);

afterAll(() => world?.close());

test('a Staff member without a Xero sign-in sees the firm’s task statuses on that company’s Xero pages', async () => {
  const [a] = orgs as [Org, Org];
  expect(await staff.db.connections.count()).toBe(0);
  const [task] = await staff.tasks();
  if (!task) throw new Error('the Staff member pulled no task');
  const context = await staff.bg.ask({
    type: 'xero.pageContext',
    url: `${sandbox.url}/app/${a.shortCode}/bank`,
    shortCode: a.shortCode,
  });
  expect(context).toMatchObject({ tenantId: a.tenantId, isAdmin: false });

  const withTasks = new Set((await staff.tasks()).map((t) => t.bankTransactionId));
  const without = (await groundTruth(sandbox, a.tenantId)).find(
    (t) => !withTasks.has(t.BankTransactionID.toLowerCase()),
  );
  if (!without) throw new Error('every transaction has a task');
  const withoutId = without.BankTransactionID.toLowerCase();
  const lookup = await staff.bg.ask({
    type: 'tasks.lookup',
    tenantId: a.tenantId,
    bankTransactionIds: [task.bankTransactionId, withoutId],
  });
  expect(lookup.tasks).toEqual([
    { bankTransactionId: task.bankTransactionId, taskId: task.id, status: task.status },
  ]);
  // Not a Push button that cannot work: a neutral badge that says why, in plain words.
  expect(lookup.notPushable).toEqual([
    {
      bankTransactionId: withoutId,
      label: 'No Client Task',
      message: expect.stringContaining('This browser is not connected to'),
    },
  ]);
  expect(lookup.notPushable?.[0]?.message).toContain('Ada Admin’s browser syncs this company');
  const refused = await problemOf(
    staff.bg.ask({ type: 'tasks.push', tenantId: a.tenantId, bankTransactionId: withoutId }),
  );
  expect(refused.code).toBe('not-connected-here');
  // A task that exists answers with its status, as in the Admin's browser.
  expect(
    await staff.bg.ask({
      type: 'tasks.push',
      tenantId: a.tenantId,
      bankTransactionId: task.bankTransactionId,
    }),
  ).toEqual({ taskId: task.id, status: task.status, created: false });
});

test('never the wrong company: another short code, or the firm company’s name beside another code, has no badges', async () => {
  const [a, b] = orgs as [Org, Org];
  const other = await staff.bg.ask({
    type: 'xero.pageContext',
    url: `${sandbox.url}/app/${b.shortCode}/bank`,
    shortCode: b.shortCode,
  });
  expect(other.tenantId).toBeNull();
  const mixed = await staff.bg.ask({
    type: 'xero.pageContext',
    url: `${sandbox.url}/app/${b.shortCode}/bank`,
    shortCode: b.shortCode,
    organisationName: a.name,
  });
  expect(mixed.tenantId).toBeNull();
  // Signed out of the server: the firm's companies are no longer this browser's to badge.
  await staff.bg.ask({ type: 'hub.signOut' });
  const signedOut = await staff.bg.ask({
    type: 'xero.pageContext',
    url: `${sandbox.url}/app/${a.shortCode}/bank`,
    shortCode: a.shortCode,
  });
  expect(signedOut.tenantId).toBeNull();
});
