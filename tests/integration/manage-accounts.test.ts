import { afterAll, beforeAll, expect, test } from 'vitest';
import { BackgroundError } from '@/lib/messaging/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { startTestBackground } from './support/background';
import { demoUserOrganisations, signInWithForms } from './support/sign-in';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, scale: 300 });
});
afterAll(async () => {
  await sandbox?.close();
});

const admin = { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' as const };

interface GroundTruthTransaction {
  BankTransactionID: string;
  Type: string;
  Status: string;
  Date: string;
  LineItems: { AccountID?: string }[];
}

async function connectedBackground() {
  const [org] = await demoUserOrganisations(sandbox);
  if (!org) throw new Error('no organisation');
  const t = startTestBackground({
    sandboxUrl: sandbox.url,
    launchSignIn: (url) => signInWithForms(url, { organisations: [org.name] }),
  });
  await t.ask({ type: 'setup.saveFirmUser', user: admin });
  await t.ask({ type: 'connections.add' });
  await t.ask({
    type: 'connections.linkWorkspace',
    tenantId: org.tenantId,
    choice: { newWorkspaceName: org.name },
  });
  return { t, org };
}

test('Manage Accounts lists active accounts with the likely ones first, and saving finds the tasks', async () => {
  const { t, org } = await connectedBackground();
  const listed = await t.ask({ type: 'accounts.list', tenantId: org.tenantId });
  expect(listed.types).toEqual(['SPEND']);
  const suggested = listed.accounts.filter((a) => a.suggested).map((a) => a.name);
  expect(suggested).toEqual(expect.arrayContaining(['Uncategorized Expense', 'Suspense']));
  // Suggestions come first; bank accounts are not offered.
  expect(listed.accounts.slice(0, suggested.length).every((a) => a.suggested)).toBe(true);
  expect(listed.accounts.some((a) => a.type === 'BANK')).toBe(false);

  const uncategorized = listed.accounts.find((a) => a.name === 'Uncategorized Expense');
  if (!uncategorized) throw new Error('no Uncategorized Expense account');
  await t.ask({
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [uncategorized.accountId],
    types: ['SPEND'],
  });
  // "Check for new transactions" waits for the sync that saving started (one per company at a time).
  const { runs } = await t.ask({ type: 'sync.now', tenantId: org.tenantId });
  expect(runs[0]?.state).toBe('succeeded');

  // Expected tasks from the sandbox's ground truth: authorised Spend Money in the last 90 days with a
  // line coded to the monitored account.
  const truth = (await (
    await fetch(`${sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions`)
  ).json()) as GroundTruthTransaction[] | { BankTransactions: GroundTruthTransaction[] };
  const all = Array.isArray(truth) ? truth : truth.BankTransactions;
  const tasks = await t.db.clientTasks.where('tenantId').equals(org.tenantId).toArray();
  const monitored = uncategorized.accountId.toLowerCase();
  const coded = all.filter(
    (tx) => tx.Type === 'SPEND' && tx.LineItems.some((line) => line.AccountID?.toLowerCase() === monitored),
  );
  expect(tasks.length).toBeGreaterThan(0);
  expect(tasks.length).toBeLessThanOrEqual(coded.length);
  for (const task of tasks) {
    expect(
      coded.some((tx) => tx.BankTransactionID.toLowerCase() === task.bankTransactionId.toLowerCase()),
    ).toBe(true);
  }
  const row = await t.db.connections.get(org.tenantId);
  expect(row?.lastSyncedAt).not.toBeNull();
});

test('Staff may look at the accounts but not change them', async () => {
  const { t, org } = await connectedBackground();
  await t.ask({ type: 'setup.saveFirmUser', user: { ...admin, role: 'staff' } });
  const listed = await t.ask({ type: 'accounts.list', tenantId: org.tenantId });
  const error = await t
    .ask({
      type: 'accounts.save',
      tenantId: org.tenantId,
      monitoredAccountIds: [listed.accounts[0]?.accountId ?? 'x'],
      types: ['SPEND'],
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackgroundError);
  expect((error as BackgroundError).detail.code).toBe('admin-only');
  expect((await t.db.connections.get(org.tenantId))?.monitoredAccountIds).toEqual([]);
});

test('sync preferences are validated and kept', async () => {
  const { t } = await connectedBackground();
  expect(await t.ask({ type: 'sync.preferences' })).toEqual({ intervalMinutes: 15, starterApp: false });
  await t.ask({ type: 'sync.savePreferences', preferences: { intervalMinutes: 30, starterApp: true } });
  expect(await t.ask({ type: 'sync.preferences' })).toEqual({ intervalMinutes: 30, starterApp: true });
  expect(t.background.governor.limits().perDay).toBe(1000);
  await expect(
    t.ask({ type: 'sync.savePreferences', preferences: { intervalMinutes: 2, starterApp: false } }),
  ).rejects.toMatchObject({ detail: { code: 'invalid-message' } });
});

test('Remove deletes the company’s tasks and sync state from this computer and keeps the workspace', async () => {
  const { t, org } = await connectedBackground();
  const listed = await t.ask({ type: 'accounts.list', tenantId: org.tenantId });
  const suspense = listed.accounts.find((a) => a.name === 'Uncategorized Expense');
  await t.ask({
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [suspense?.accountId ?? ''],
    types: ['SPEND'],
  });
  await t.ask({ type: 'sync.now', tenantId: org.tenantId });
  const tasks = await t.db.clientTasks.where('tenantId').equals(org.tenantId).count();
  expect(tasks).toBeGreaterThan(0);

  const removed = await t.ask({ type: 'connections.remove', tenantId: org.tenantId });
  expect(removed).toMatchObject({ state: 'removed', tasksDeleted: tasks });
  for (const table of [t.db.clientTasks, t.db.accounts, t.db.syncRuns, t.db.bankTransactions]) {
    expect(await table.where('tenantId').equals(org.tenantId).count()).toBe(0);
  }
  expect(await t.db.syncCursors.get(org.tenantId)).toBeUndefined();
  expect(await t.db.taskActivity.count()).toBe(0);
  expect(await t.db.workspaces.count()).toBe(1);
});
