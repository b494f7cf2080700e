import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { control } from '../sync/support';
import { dyingOn, nextWorker, notesOf, outboxSettled, statusOf, taskWorld, truthOf } from './support';

/**
 * Writes that stay right after any retry: a History note is never written twice even when Xero has
 * forgotten the Idempotency-Key (the sandbox keeps keys 24 hours; these tests shorten it), a
 * person's Retry after a refusal is a fresh attempt, and recoding stops when the transaction changed.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 13, scale: 120 });
});
afterAll(async () => {
  await sandbox?.close();
});

/**
 * Xero forgets the keys sent so far (a shortened window, waited out). The sandbox's clock is not
 * moved instead: Client Hub's own clock would then be a day behind Xero's and sign-in would fail.
 */
async function forgetKeys() {
  await control(sandbox, 'PUT', '/limits', { idempotencyKeyLifetimeMs: 200 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(sandbox.state.idempotency.size).toBeGreaterThan(0);
}

afterEach(async () => {
  await control(sandbox, 'PUT', '/limits', { idempotencyKeyLifetimeMs: 24 * 60 * 60 * 1000 });
});

const jobsOf = async (w: Awaited<ReturnType<typeof taskWorld>>, kind: 'history' | 'recode') =>
  w.h.db.outbox
    .where('taskId')
    .equals(w.task.id)
    .filter((j) => j.payload.kind === kind)
    .toArray();

test('a note that reached Xero before the worker died is not written again after Xero forgot its key', async () => {
  const dying = dyingOn((method, url) => method === 'PUT' && url.endsWith('/History'));
  const w = await taskWorld(sandbox, { fetch: dying.fetch });
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Parking at the courthouse',
    account: null,
    fileIds: [],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: false });
  await dying.reached;
  expect(notesOf(await truthOf(sandbox, w.tenantId, w.bankTransactionId))).toHaveLength(1);

  // Xero no longer knows the key: only reading History can tell the note is there.
  await forgetKeys();
  const next = await nextWorker(sandbox, w);
  await outboxSettled(w.h.db);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  expect(notesOf(await truthOf(sandbox, w.tenantId, w.bankTransactionId))).toEqual([
    "Client Hub: client's answer: Parking at the courthouse",
  ]);
  const [job] = await jobsOf(w, 'history');
  expect(job?.result).toMatch(/already in the transaction's History/);
  const message = await w.h.db.taskMessages.where('taskId').equals(w.task.id).first();
  expect(message?.writtenToXeroAt).not.toBeNull();
  next.background.tasks.outbox.stop();
}, 60_000);

test('Retry after Xero refused a recode (a locked period) is a fresh attempt, not the stored refusal', async () => {
  const w = await taskWorld(sandbox);
  const truth = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  const day = /^(\d{4}-\d\d-\d\d)/.exec(String(truth.DateString))?.[1];
  if (!day) throw new Error('no date');
  await control(sandbox, 'PUT', `/orgs/${w.tenantId}/lock-date`, { periodLockDate: day });
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Team lunch',
    account: w.expense,
    fileIds: [],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: true });
  await outboxSettled(w.h.db);
  const [refused] = await jobsOf(w, 'recode');
  expect(refused?.state).toBe('failed');
  expect(refused?.problem?.code).toBe('validation');
  expect(refused?.problem?.message).toMatch(/period lock date/);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Answered');

  // The bookkeeper lifts the lock in Xero and presses Retry.
  await control(sandbox, 'PUT', `/orgs/${w.tenantId}/lock-date`, { periodLockDate: null });
  await w.bg.ask({ type: 'outbox.retry', jobId: refused?.id ?? '' });
  await outboxSettled(w.h.db);
  const [retried] = await jobsOf(w, 'recode');
  expect(retried?.state).toBe('done');
  expect(retried?.idempotencyKey).not.toBe(refused?.idempotencyKey);
  expect(retried?.idempotencyKey.length).toBeLessThanOrEqual(128);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const after = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(after.LineItems.every((l) => l.AccountID.toLowerCase() === w.expense.id)).toBe(true);
  expect(notesOf(after)).toHaveLength(1);
  expect(after.History.filter((h) => h.Changes === 'Updated')).toHaveLength(1);
});

test('a transaction changed in Xero after the task was closed is not recoded; Retry recodes it as it is now', async () => {
  const w = await taskWorld(sandbox);
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Printer paper',
    account: w.expense,
    fileIds: [],
  });
  // Someone changes the amount in Xero; Client Hub has not synced it when the task is closed.
  await control(sandbox, 'PATCH', `/orgs/${w.tenantId}/bank-transactions/${w.bankTransactionId}`, {
    amount: 99.95,
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: true });
  await outboxSettled(w.h.db);
  const [stopped] = await jobsOf(w, 'recode');
  expect(stopped?.state).toBe('failed');
  expect(stopped?.problem?.code).toBe('changed-in-xero');
  expect(stopped?.problem?.title).toBe('Changed in Xero since the task was closed');
  expect(stopped?.problem?.action).toMatch(/press Retry/);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Answered');
  const untouched = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(untouched.LineItems.every((l) => l.AccountID.toLowerCase() === w.monitoredId)).toBe(true);
  expect(untouched.History.filter((h) => h.Changes === 'Updated' && /API/.test(h.Details))).toEqual([]);
  // The answer itself still went to History.
  expect(notesOf(untouched)).toHaveLength(1);

  await w.bg.ask({ type: 'outbox.retry', jobId: stopped?.id ?? '' });
  await outboxSettled(w.h.db);
  const [recoded] = await jobsOf(w, 'recode');
  expect(recoded?.state).toBe('done');
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const after = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(after.Total).toBe(99.95);
  expect(after.LineItems.every((l) => l.AccountID.toLowerCase() === w.expense.id)).toBe(true);
  expect(notesOf(after)).toHaveLength(1);
});

test('a recode that reached Xero before the worker died is seen as done by the next worker, not written twice', async () => {
  const dying = dyingOn((method, url) => method === 'POST' && /BankTransactions\/[^/]+$/.test(url));
  const w = await taskWorld(sandbox, { fetch: dying.fetch });
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Courier',
    account: w.expense,
    fileIds: [],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: true });
  await dying.reached;
  // Past the key's window too: the transaction itself shows the recode is there.
  await forgetKeys();
  const next = await nextWorker(sandbox, w);
  await outboxSettled(w.h.db);
  const [recode] = await jobsOf(w, 'recode');
  expect(recode?.state).toBe('done');
  expect(recode?.result).toMatch(/^Already recoded to .* in Xero/);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const after = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(after.History.filter((h) => h.Changes === 'Updated')).toHaveLength(1);
  expect(after.LineItems.every((l) => l.AccountID.toLowerCase() === w.expense.id)).toBe(true);
  next.background.tasks.outbox.stop();
}, 60_000);
