import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { control } from '../sync/support';
import {
  dyingOn,
  nextWorker,
  notesOf,
  outboxSettled,
  stageFile,
  statusOf,
  taskWorld,
  truthOf,
} from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 12, scale: 120 });
});
afterAll(async () => {
  await sandbox?.close();
});

test('writes interrupted by Xero faults (offline, 500, 429, dropped connection) land exactly once', async () => {
  const w = await taskWorld(sandbox);
  const path = `/api.xro/2.0/BankTransactions/${w.bankTransactionId}`;
  for (const fault of [
    { kind: 'org-offline', count: 2, pathPrefix: `${path}/Attachments` },
    { kind: 'drop', count: 1, pathPrefix: `${path}/Attachments` },
    { kind: 'server-error', count: 2, pathPrefix: `${path}/History` },
    { kind: 'rate-limit', count: 1, retryAfterSeconds: 1, pathPrefix: `${path}/History` },
  ]) {
    await control(sandbox, 'POST', '/faults', { ...fault, tenantId: w.tenantId });
  }
  const fileId = await stageFile(w.h.db, w.task, 'receipt.pdf', 'receipt bytes');
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Taxi to the airport',
    account: w.expense,
    fileIds: [fileId],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: true });
  await outboxSettled(w.h.db, 90_000);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const truth = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(truth.Attachments.map((a) => a.FileName)).toEqual(['receipt.pdf']);
  expect(notesOf(truth)).toHaveLength(1);
  expect(truth.History.filter((h) => h.Changes === 'Updated')).toHaveLength(1);
  expect(await control(sandbox, 'GET', '/faults')).toEqual([]);
}, 120_000);

test('a worker stopped after Xero applied a write but before it recorded that: the next worker repeats it with the same Idempotency-Key, applied once', async () => {
  // The first worker's History call reaches Xero, then the worker dies before the answer comes back.
  const dying = dyingOn((_, url) => url.endsWith('/History'));
  const w = await taskWorld(sandbox, { fetch: dying.fetch });
  const fileId = await stageFile(w.h.db, w.task, 'invoice.pdf', 'invoice bytes');
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: 'Conference ticket',
    account: w.expense,
    fileIds: [fileId],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: true });
  await dying.reached;
  // Xero has the note; Client Hub still has the write as running (its answer never came).
  expect(notesOf(await truthOf(sandbox, w.tenantId, w.bankTransactionId))).toHaveLength(1);
  expect(await w.h.db.outbox.where('state').equals('running').count()).toBe(1);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Answered');

  // A new worker on the same IndexedDB (the dead one's Web Lock is gone with it).
  await nextWorker(sandbox, w);
  await outboxSettled(w.h.db);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const truth = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(truth.Attachments.map((a) => a.FileName)).toEqual(['invoice.pdf']);
  expect(notesOf(truth)).toEqual([
    `Client Hub: client's answer: Conference ticket Account chosen: ${w.expense.code} ${w.expense.name}.`,
  ]);
  expect(truth.History.filter((h) => h.Changes === 'Updated')).toHaveLength(1);
  expect(truth.LineItems.every((l) => l.AccountID.toLowerCase() === w.expense.id)).toBe(true);
});
