import { expect, test } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import { throttledWatch } from '@/lib/db/throttled-watch';
import type { ClientTask } from '@/lib/sync/records';

/** A count that follows a stream of writes, but not after every one of them. */

const task = (i: number) =>
  ({
    id: `task-${i}`,
    tenantId: 'tenant',
    workspaceId: 'ws',
    bankTransactionId: `tx-${String(i).padStart(5, '0')}`,
    status: 'Open',
    snapshot: {
      date: '2026-01-01',
      contactName: 'Harbour Lane',
      description: `Payment ${i}`,
      reference: `REF-${i}`,
      amount: i,
      currency: 'NZD',
      bankAccount: { id: 'bank', name: 'Cheque' },
      accountCoded: null,
      hasAttachments: false,
      attachmentCount: 0,
      type: 'SPEND',
      xeroStatus: 'AUTHORISED',
    },
    createdAt: 1,
    updatedAt: 1,
  }) as ClientTask;

test('runs at once, at most once per interval while writes stream in, and once more after the last', async () => {
  const db = new ClientHubDb(`throttled-${crypto.randomUUID()}`);
  await db.open();
  const seen: number[] = [];
  const stop = throttledWatch(
    db.name,
    'clientTasks',
    async () => {
      seen.push(await db.clientTasks.count());
    },
    300,
  );
  await expect.poll(() => seen.length).toBe(1);
  expect(seen[0]).toBe(0);
  // Twenty pages over about a second.
  for (let page = 0; page < 20; page++) {
    await db.clientTasks.bulkPut(Array.from({ length: 10 }, (_, i) => task(page * 10 + i)));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe(200);
  // Not once per page: a run per 300 ms or so, and the last one saw every task.
  expect(seen.length).toBeGreaterThan(1);
  expect(seen.length).toBeLessThanOrEqual(8);
  // Writes elsewhere do not wake it; after stop nothing runs.
  const runs = seen.length;
  await db.settings.put({ key: 'unrelated', value: 1 });
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(seen.length).toBe(runs);
  stop();
  await db.clientTasks.put(task(999));
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(seen.length).toBe(runs);
  db.close();
});
