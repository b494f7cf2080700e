import { afterAll, beforeAll, expect, test } from 'vitest';
import { backfillFromDate } from '@/lib/sync/timezone';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import {
  control,
  expectedTaskIds,
  groundTruth,
  harness,
  openTaskIds,
  organisations,
  tasksOf,
} from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, scale: 1500 });
});
afterAll(async () => {
  await sandbox?.close();
});

test('backfill, edits in Xero, and re-runs: exactly one task per qualifying transaction', async () => {
  // Small pages, so the keyset paging really pages.
  const h = await harness(sandbox, { engine: { pageSize: 100 } });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  const fromDate = backfillFromDate(sandbox.clock.now(), company.timezone);
  const progress: number[] = [];

  const first = await h.engine.syncOrganisation(company.tenantId, {
    reason: 'accounts-saved',
    onProgress: (p) => progress.push(p.scanned),
  });
  expect(first?.state).toBe('succeeded');
  let truth = await groundTruth(sandbox, company.tenantId);
  let expected = expectedTaskIds(truth, company.monitored, fromDate);
  expect(expected.size).toBeGreaterThan(20);
  expect(await openTaskIds(h.db, company.tenantId)).toEqual(expected);
  expect(first?.tasksCreated).toBe(expected.size);
  expect(first?.scanned).toBeGreaterThanOrEqual(first?.expected ?? Number.POSITIVE_INFINITY);
  expect(progress.length).toBeGreaterThan(1);
  expect(await h.db.quarantine.count()).toBe(0);

  // The snapshot says what Xero says.
  const sampleId = [...expected][0] as string;
  const sampleTruth = truth.find((t) => t.BankTransactionID.toLowerCase() === sampleId);
  const sample = await h.db.clientTasks.get([company.tenantId, sampleId]);
  expect(sample?.snapshot.amount).toBe(sampleTruth?.Total);
  expect(sample?.snapshot.contactName).toBe(sampleTruth?.Contact.Name);
  expect(sample?.snapshot.date).toBe(sampleTruth?.DateString.slice(0, 10));
  expect(sample?.workspaceId).toBe('workspace-1');
  expect(company.monitored.has(sample?.snapshot.accountCoded?.id ?? '')).toBe(true);

  // Nothing changed: one call, nothing new.
  sandbox.clock.advance(15 * 60_000);
  const quiet = await h.engine.syncOrganisation(company.tenantId);
  expect(quiet?.state).toBe('succeeded');
  expect(quiet?.apiCalls).toBe(1);
  expect(quiet?.tasksCreated).toBe(0);
  expect(quiet?.tasksUpdated).toBe(0);

  // Changes made in Xero.
  const [edited, recategorised, deleted, voided, closed] = [...expected];
  if (!edited || !recategorised || !deleted || !voided || !closed) throw new Error('too few tasks');
  const orgs = await organisations(sandbox);
  const expense = orgs
    .find((o) => o.tenantId === company.tenantId)
    ?.accounts.find((a) => a.Class === 'EXPENSE' && !company.monitored.has(a.AccountID.toLowerCase()));
  const monitoredId = [...company.monitored][0] as string;
  const path = (id: string) => `/orgs/${company.tenantId}/bank-transactions/${id}`;
  await control(sandbox, 'PATCH', path(edited), {
    reference: 'Asked the client',
    description: 'Fuel, 40 litres',
  });
  await control(sandbox, 'PATCH', path(recategorised), { recategorise: { accountId: expense?.AccountID } });
  await control(sandbox, 'DELETE', path(deleted));
  await control(sandbox, 'POST', `${path(voided)}/void`);
  await control(sandbox, 'PATCH', path(closed), { reference: 'Changed after closing' });
  const closedTask = await h.db.clientTasks.get([company.tenantId, closed]);
  await h.db.clientTasks.put({ ...(closedTask as NonNullable<typeof closedTask>), status: 'Closed' });
  // A transaction coded elsewhere moved into a monitored account, and a brand-new one.
  const outsider = truth.find(
    (t) =>
      t.Type === 'SPEND' &&
      t.Status === 'AUTHORISED' &&
      !t.LineItems.some((line) => company.monitored.has(line.AccountID.toLowerCase())),
  );
  await control(sandbox, 'PATCH', path(outsider?.BankTransactionID ?? ''), {
    recategorise: { accountId: monitoredId },
  });
  const created = (await control(sandbox, 'POST', `/orgs/${company.tenantId}/bank-transactions`, {
    type: 'SPEND',
    contactName: 'New Supplier Ltd',
    lineItems: [{ description: 'Mystery payment', amount: 99.5, accountId: monitoredId }],
  })) as { BankTransactionID: string };

  sandbox.clock.advance(15 * 60_000);
  const next = await h.engine.syncOrganisation(company.tenantId);
  expect(next?.state).toBe('succeeded');

  const task = (id: string) => h.db.clientTasks.get([company.tenantId, id.toLowerCase()]);
  const activityOf = async (id: string) => {
    const t = await task(id);
    return h.db.taskActivity
      .where('taskId')
      .equals(t?.id ?? '')
      .sortBy('at');
  };
  const editedTask = await task(edited);
  expect(editedTask?.status).toBe('Open');
  expect(editedTask?.snapshot.reference).toBe('Asked the client');
  const editActivity = (await activityOf(edited)).at(-1);
  expect(editActivity?.kind).toBe('edited-in-xero');
  expect(editActivity?.changes.map((c) => c.field).sort()).toEqual(['Description', 'Reference']);

  expect((await task(recategorised))?.status).toBe('ResolvedInXero');
  expect((await activityOf(recategorised)).at(-1)?.text).toBe('Categorised in Xero');
  expect((await task(deleted))?.status).toBe('Cancelled');
  expect((await activityOf(deleted)).at(-1)?.text).toMatch(/^Removed in Xero/);
  expect((await task(voided))?.status).toBe('Cancelled');
  expect((await task(closed))?.status).toBe('Closed');
  expect((await task(closed))?.snapshot.reference).toBe('Changed after closing');
  expect((await activityOf(closed)).at(-1)?.kind).toBe('edited-in-xero');
  expect((await task(outsider?.BankTransactionID ?? ''))?.status).toBe('Open');
  expect((await task(created.BankTransactionID))?.snapshot.contactName).toBe('New Supplier Ltd');

  // Ground truth again: open tasks are exactly the qualifying transactions (plus the firm's Closed one).
  truth = await groundTruth(sandbox, company.tenantId);
  expected = expectedTaskIds(truth, company.monitored, fromDate);
  // The outsider may be older than 90 days: a change in Xero still makes it a task.
  expected.add((outsider?.BankTransactionID ?? '').toLowerCase());
  expected.delete(closed);
  expect(await openTaskIds(h.db, company.tenantId)).toEqual(expected);

  // Re-running changes nothing and never duplicates; no task was ever deleted.
  const before = (await tasksOf(h.db, company.tenantId)).length;
  const activityBefore = await h.db.taskActivity.count();
  sandbox.clock.advance(60_000);
  const again = await h.engine.syncOrganisation(company.tenantId);
  expect(again?.tasksCreated).toBe(0);
  expect(again?.tasksUpdated).toBe(0);
  expect((await tasksOf(h.db, company.tenantId)).length).toBe(before);
  expect(await h.db.taskActivity.count()).toBe(activityBefore);
  expect((await h.db.connections.get(company.tenantId))?.lastSyncedAt).toBe(again?.finishedAt);
});

test('two syncs of one company at once, with and without the lock, create no duplicates', async () => {
  const locked = await harness(sandbox, { orgIndexes: [1] });
  const company = locked.companies[0];
  if (!company) throw new Error('no company');
  const [a, b] = await Promise.all([
    locked.engine.syncOrganisation(company.tenantId),
    locked.engine.syncOrganisation(company.tenantId),
  ]);
  expect(a?.state).toBe('succeeded');
  expect(b?.state).toBe('succeeded');
  // The second waited for the first and found nothing new to do.
  expect((a?.tasksCreated ?? 0) + (b?.tasksCreated ?? 0)).toBe(
    (await tasksOf(locked.db, company.tenantId)).length,
  );

  // Without a shared lock (two contexts that do not coordinate), the database still refuses duplicates.
  const noLock = async <T>(_name: string, task: () => Promise<T>) => task();
  const first = await harness(sandbox, { orgIndexes: [1], locks: noLock });
  const second = await harness(sandbox, { orgIndexes: [1], locks: noLock, db: first.db });
  const results = await Promise.all([
    first.engine.syncOrganisation(company.tenantId),
    second.engine.syncOrganisation(company.tenantId),
  ]);
  expect(results.every((r) => r?.state === 'succeeded')).toBe(true);
  const fromDate = backfillFromDate(sandbox.clock.now(), company.timezone);
  const expected = expectedTaskIds(await groundTruth(sandbox, company.tenantId), company.monitored, fromDate);
  expect(await openTaskIds(first.db, company.tenantId)).toEqual(expected);
  const created = await first.db.taskActivity.filter((a) => a.kind === 'created').count();
  expect(created).toBe(expected.size);
});
