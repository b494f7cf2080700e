import { afterAll, beforeAll, expect, test } from 'vitest';
import { CHECK_BATCH, createTransactionKinds } from '@/lib/background/transaction-kinds';
import { connectionSchema } from '@/lib/db/records';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { control, harness } from './sync/support';

/**
 * Before a badge offers Push for an id the sync never saw, Xero (the sandbox) is asked what it is:
 * in batches, through the governor, and remembered.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 21, scale: 400 });
});
afterAll(async () => {
  await sandbox?.close();
});

const reads = async () => {
  const log = (await control(sandbox, 'GET', '/requests')) as { recent: { method: string; path: string }[] };
  return log.recent.filter((r) => r.method === 'GET' && r.path.includes('/BankTransactions'));
};

test('payments, transfers, deleted and unchosen types are named; a batch of ids costs one call per 25; answers are remembered', async () => {
  const h = await harness(sandbox, { orgIndexes: [0] });
  const tenantId = h.companies[0]?.tenantId ?? '';
  const connection = connectionSchema.parse(await h.db.connections.get(tenantId));
  const org = sandbox.state.organisation(tenantId);
  if (!org) throw new Error('no organisation');
  const find = (type: string, status = 'AUTHORISED') => {
    const found = org.transactions.find((t) => t.type === type && t.status === status);
    if (!found) throw new Error(`no ${type} ${status} in the seed`);
    return found.bankTransactionId;
  };
  const spends = org.transactions
    .filter((t) => t.type === 'SPEND' && t.status === 'AUTHORISED')
    .slice(0, 50)
    .map((t) => t.bankTransactionId);
  const payment = crypto.randomUUID();
  const named = {
    transfer: find('SPEND-TRANSFER'),
    deleted: find('SPEND', 'DELETED'),
    receive: find('RECEIVE'),
    prepayment: find('RECEIVE-PREPAYMENT'),
  };
  const ids = [...spends, payment, ...Object.values(named)];
  const kinds = createTransactionKinds({ db: h.db, api: h.api, now: Date.now });

  await control(sandbox, 'DELETE', '/requests');
  const answer = await kinds.notPushable(connection, ids, ['SPEND']);
  const labels = Object.fromEntries(answer.map((a) => [a.bankTransactionId, a.label]));
  expect(labels).toEqual({
    [payment]: 'Payment or transfer',
    [named.transfer]: 'Transfer',
    [named.deleted]: 'Deleted in Xero',
    [named.receive]: 'Receive Money',
    [named.prepayment]: 'Prepayment',
  });
  expect(await reads()).toHaveLength(Math.ceil(ids.length / CHECK_BATCH));

  // Asked again: from memory, no call.
  await control(sandbox, 'DELETE', '/requests');
  expect(await kinds.notPushable(connection, ids, ['SPEND', 'RECEIVE'])).toHaveLength(4);
  expect(await reads()).toHaveLength(0);
});

test('a rate limit is waited out by the governor; an unreachable Xero offers Push rather than a wrong label', async () => {
  const h = await harness(sandbox, { orgIndexes: [1] });
  const tenantId = h.companies[0]?.tenantId ?? '';
  const connection = connectionSchema.parse(await h.db.connections.get(tenantId));
  const kinds = createTransactionKinds({ db: h.db, api: h.api, now: Date.now });
  const payment = crypto.randomUUID();
  await control(sandbox, 'POST', '/faults', { kind: 'rate-limit', count: 1, tenantId, retryAfterSeconds: 1 });
  expect((await kinds.notPushable(connection, [payment], ['SPEND']))[0]?.label).toBe('Payment or transfer');

  const other = crypto.randomUUID();
  await control(sandbox, 'POST', '/faults', { kind: 'org-offline', count: 20, tenantId });
  expect(await kinds.notPushable(connection, [other], ['SPEND'])).toEqual([]);
  await control(sandbox, 'DELETE', '/faults');
});

test('a slow Xero does not hold the badges: the lookup answers without those ids, and Xero’s late answer is announced and used', async () => {
  const h = await harness(sandbox, { orgIndexes: [2] });
  const tenantId = h.companies[0]?.tenantId ?? '';
  const connection = connectionSchema.parse(await h.db.connections.get(tenantId));
  const late: string[] = [];
  const kinds = createTransactionKinds({
    db: h.db,
    api: h.api,
    now: Date.now,
    answeredLate: (id) => late.push(id),
    waitMs: 300,
  });
  const payment = crypto.randomUUID();
  await control(sandbox, 'POST', '/faults', { kind: 'slow', count: 1, tenantId, delayMs: 1500 });
  await control(sandbox, 'DELETE', '/requests');
  const started = performance.now();
  // Within the wait: Xero has not answered, so the id is left out (Push is offered, as when Xero is down).
  expect(await kinds.notPushable(connection, [payment], ['SPEND'])).toEqual([]);
  expect(performance.now() - started).toBeLessThan(1500);
  expect(late).toEqual([]);
  // The page asks again meanwhile: it joins the call under way, Xero is not asked twice.
  expect(await kinds.notPushable(connection, [payment], ['SPEND'])).toEqual([]);
  await expect.poll(() => late, { timeout: 10_000 }).toEqual([tenantId]);
  expect(await reads()).toHaveLength(1);
  // Asked again (what the page does when told): Xero's answer, from memory.
  expect((await kinds.notPushable(connection, [payment], ['SPEND']))[0]?.label).toBe('Payment or transfer');
  await control(sandbox, 'DELETE', '/faults');
});
