import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { control } from '../sync/support';
import { taskWorld } from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 13, scale: 120 });
});
afterAll(async () => {
  await sandbox?.close();
});

test('an attachment added in Xero reaches the task at the next sync; the list is read only when Xero says it changed', async () => {
  const w = await taskWorld(sandbox);
  const attachments = w.bg.background.tasks.attachments;
  // Someone attaches a receipt in Xero (here: another app, through the API).
  await w.h.api.call(
    w.h.api.accounting(`BankTransactions/${w.bankTransactionId}/Attachments/from-xero.pdf`),
    {
      grantId: w.h.grant.id,
      tenantId: w.tenantId,
      method: 'PUT',
      body: new Blob(['%PDF from Xero']),
    },
  );
  await w.h.engine.syncOrganisation(w.tenantId);
  await control(sandbox, 'DELETE', '/requests');
  // Every open task whose transaction has attachments gets its list read once (the seed has some).
  expect(await attachments.afterSync(w.tenantId)).toBeGreaterThanOrEqual(1);
  const list = await w.h.db.xeroAttachments.get([w.tenantId, w.bankTransactionId]);
  expect(list?.attachments.map((a) => a.fileName)).toEqual(['from-xero.pdf']);
  expect((await w.h.db.clientTasks.get([w.tenantId, w.bankTransactionId]))?.snapshot.attachmentCount).toBe(1);

  // Nothing changed in Xero since: no call at all, from the hook or from opening the task.
  await control(sandbox, 'DELETE', '/requests');
  expect(await attachments.afterSync(w.tenantId)).toBe(0);
  expect(await w.bg.ask({ type: 'tasks.refreshAttachments', taskId: w.task.id })).toEqual({ count: 1 });
  const log = (await control(sandbox, 'GET', '/requests')) as { recent: unknown[] };
  expect(log.recent).toEqual([]);
});
