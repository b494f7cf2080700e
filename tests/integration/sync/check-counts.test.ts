import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeCheck } from '@/components/describe';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { control, harness, tasksOf } from './support';

/**
 * "Check for new transactions" says what happened, not only what is new: tasks Xero resolved,
 * cancelled and edited are counted by the sync run and said in words.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 23, scale: 60 });
});
afterAll(async () => {
  await sandbox?.close();
});

test('a check after tasks were resolved, deleted and edited in Xero reports each, and "nothing new" only when nothing changed', async () => {
  const h = await harness(sandbox, { orgIndexes: [0] });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  const first = await h.engine.syncOrganisation(company.tenantId);
  expect(first?.state).toBe('succeeded');
  const open = (await tasksOf(h.db, company.tenantId)).filter((task) => task.status === 'Open');
  const [resolved, deleted, edited] = open;
  if (!resolved || !deleted || !edited) throw new Error('fewer than three open tasks');

  const path = (id: string) => `/orgs/${company.tenantId}/bank-transactions/${id}`;
  await control(sandbox, 'PATCH', path(resolved.bankTransactionId), { recategorise: { accountCode: '429' } });
  await control(sandbox, 'DELETE', path(deleted.bankTransactionId));
  await control(sandbox, 'PATCH', path(edited.bankTransactionId), { reference: 'Changed in Xero' });
  sandbox.clock.advance(60_000);

  const run = await h.engine.syncOrganisation(company.tenantId, { reason: 'check-now' });
  expect(run).toMatchObject({
    state: 'succeeded',
    tasksCreated: 0,
    tasksUpdated: 3,
    tasksResolved: 1,
    tasksCancelled: 1,
    tasksEdited: 1,
    tasksReopened: 0,
  });
  const words = describeCheck({
    tenantId: company.tenantId,
    name: company.name,
    problem: undefined,
    ...run,
  } as never);
  expect(words).toBe(
    '1 task resolved in Xero, 1 task cancelled (deleted or voided in Xero), 1 task updated from Xero',
  );

  sandbox.clock.advance(60_000);
  const quiet = await h.engine.syncOrganisation(company.tenantId, { reason: 'check-now' });
  expect(describeCheck({ tenantId: company.tenantId, name: company.name, ...quiet } as never)).toBe(
    'nothing new',
  );
});
