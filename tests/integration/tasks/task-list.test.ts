import { Dexie } from 'dexie';
import { expect, test } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import type { ClientTask } from '@/lib/sync/records';
import {
  bankAccountsIn,
  compareTasks,
  filterEntries,
  readTab,
  readWindow,
  sortEntries,
  type TaskEntry,
  toEntry,
  watchTab,
} from '@/lib/tasks/task-list';

/** The Client Tasks page's reads over fake-indexeddb: v3 → v4 upgrade, index windows, chunks, live patches. */

const day = 86_400_000;

function task(i: number, over: Partial<ClientTask> = {}): ClientTask {
  return {
    id: `task-${i}`,
    tenantId: `tenant-${i % 2}`,
    workspaceId: 'ws',
    bankTransactionId: `tx-${String(i).padStart(5, '0')}`,
    status: 'Open',
    snapshot: {
      date: `2026-01-${String(1 + (i % 5)).padStart(2, '0')}`,
      contactName: i % 3 === 0 ? 'Harbour Lane' : 'Kangaroo Point',
      description: `Payment ${i}`,
      reference: `REF-${i}`,
      amount: (i * 37) % 50,
      currency: 'NZD',
      bankAccount: { id: `bank-${i % 2}`, name: i % 2 ? 'Savings' : 'Cheque' },
      accountCoded: { id: 'uncat', code: '999', name: 'Uncategorized Expense' },
      hasAttachments: false,
      attachmentCount: 0,
      type: 'SPEND',
      xeroStatus: 'AUTHORISED',
    },
    // Many tasks share a createdAt, so chunks must get past ties longer than a chunk.
    createdAt: 1_700_000_000_000 + Math.floor(i / 300) * day,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}

test('a v3 database with tasks upgrades to v4 without loss, and the new indexes answer', async () => {
  const name = `upgrade-${crypto.randomUUID()}`;
  // The v3 schema exactly as shipped (lib/db/database.ts, versions 1–3).
  const v3 = new Dexie(name);
  v3.version(1).stores({
    settings: 'key',
    grants: 'id, status',
    connections: 'tenantId, grantId, workspaceId',
    workspaces: 'id, name',
    pendingRemovals: 'tenantId',
  });
  v3.version(2).stores({
    accounts: '[tenantId+accountId], tenantId',
    bankTransactions: '[tenantId+bankTransactionId], tenantId',
    clientTasks: '[tenantId+bankTransactionId], &id, tenantId, workspaceId, status, [workspaceId+status]',
    taskActivity: 'id, taskId, [taskId+at]',
    syncCursors: 'tenantId',
    syncRuns: 'id, tenantId, [tenantId+startedAt], state',
    quarantine: '[tenantId+source+recordId], tenantId',
    syncSettings: 'tenantId',
  });
  v3.version(3).stores({
    taskMessages: 'id, taskId, [taskId+at]',
    taskFiles: 'id, taskId, [tenantId+bankTransactionId], state',
    outbox: 'id, taskId, closeId, state, [state+nextAttemptAt]',
    closeRequests: 'id, taskId, state',
    xeroAttachments: '[tenantId+bankTransactionId]',
    taskEvents: 'id, taskId, [taskId+at]',
  });
  const tasks = Array.from({ length: 40 }, (_, i) => task(i, i >= 30 ? { workspaceId: null } : {}));
  await v3.table('clientTasks').bulkPut(tasks);
  await v3.table('taskMessages').put({ id: 'm1', taskId: 'task-1', at: 1 });
  v3.close();

  const db = new ClientHubDb(name);
  await db.open();
  // v4 added these indexes; later versions add tables (and v6 and v8 more indexes), so the upgrade runs through them too.
  expect(db.verno).toBe(8);
  expect(await db.clientTasks.count()).toBe(40);
  expect((await db.clientTasks.toArray()).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
    [...tasks].sort((a, b) => (a.id < b.id ? -1 : 1)),
  );
  expect(await db.taskMessages.get('m1')).toMatchObject({ taskId: 'task-1' });
  // The indexes are built from the rows already there.
  const window = await readWindow(db, 'ws', 'Open', 'date', true, 0, 30);
  expect(window?.map((t) => t.id)).toEqual(
    [...tasks.slice(0, 30)].sort(compareTasks('date', true)).map((t) => t.id),
  );
  expect(
    await db.clientTasks
      .where('[workspaceId+status+createdAt]')
      .between(['ws', 'Open', 0], ['ws', 'Open', Dexie.maxKey])
      .count(),
  ).toBe(30);
  // v8: the tab's bank accounts from their index, by name.
  expect(await bankAccountsIn(db, 'ws', 'Open')).toEqual([
    ['bank-0', 'Cheque'],
    ['bank-1', 'Savings'],
  ]);
  expect(await bankAccountsIn(db, 'ws', 'Closed')).toEqual([]);
  db.close();
  await Dexie.delete(name);
});

test('index windows and the in-memory sort give the same order, for every sort and direction', async () => {
  const db = new ClientHubDb(`windows-${crypto.randomUUID()}`);
  const tasks = Array.from({ length: 700 }, (_, i) => task(i));
  await db.clientTasks.bulkPut([
    ...tasks,
    task(9000, { status: 'Closed' }),
    task(9001, { workspaceId: 'other' }),
  ]);
  const entries = await readTab(db, 'ws', 'Open');
  expect(entries?.length).toBe(700);
  expect(new Set(entries?.map((e) => e.task.id)).size).toBe(700);
  for (const sort of ['date', 'amount', 'age'] as const) {
    for (const descending of [true, false]) {
      const inMemory = sortEntries(entries ?? [], sort, descending).map((e) => e.task.id);
      const page = await readWindow(db, 'ws', 'Open', sort, descending, 250, 60);
      expect(page?.map((t) => t.id)).toEqual(inMemory.slice(250, 310));
      // The full read in the sort's order (ties far longer than a chunk) is that order already, and
      // sorting it again (the in-order shortcut) keeps it.
      const read = await readTab(db, 'ws', 'Open', undefined, { sort, descending });
      expect(read?.map((e) => e.task.id)).toEqual(inMemory);
      expect(sortEntries(read ?? [], sort, descending).map((e) => e.task.id)).toEqual(inMemory);
      expect(sortEntries([...(read ?? [])].reverse(), sort, descending).map((e) => e.task.id)).toEqual(
        inMemory,
      );
    }
  }
  const sorted = sortEntries(entries ?? [], 'date', true);
  expect(filterEntries(sorted, { search: 'harbour', bankAccountId: '', tenantId: '' }).length).toBe(234);
  expect(filterEntries(sorted, { search: '', bankAccountId: 'bank-1', tenantId: '' }).length).toBe(350);
  // Search looks in contact, description, reference and amount, never across two of them.
  expect(filterEntries(sorted, { search: 'ref-69', bankAccountId: '', tenantId: 'tenant-1' }).length).toBe(6);
  expect(filterEntries(sorted, { search: 'lane payment', bankAccountId: '', tenantId: '' })).toEqual([]);
  db.close();
});

test('the full list follows writes: one task re-read when one changes, a chunked reload after bulk writes', async () => {
  const db = new ClientHubDb(`watch-${crypto.randomUUID()}`);
  await db.clientTasks.bulkPut(Array.from({ length: 120 }, (_, i) => task(i)));
  const lists: TaskEntry[][] = [];
  const controller = new AbortController();
  watchTab(db, 'ws', 'Open', (entries) => lists.push(entries), controller.signal);
  const latest = () => lists.at(-1) ?? [];
  await expect.poll(() => latest().length).toBe(120);

  const first = (await db.clientTasks.get(['tenant-0', 'tx-00000'])) as ClientTask;
  await db.clientTasks.put({ ...first, status: 'Closed', updatedAt: first.updatedAt + 1 });
  await expect.poll(() => latest().length).toBe(119);
  await db.clientTasks.put({
    ...first,
    status: 'Open',
    snapshot: { ...first.snapshot, description: 'Edited' },
  });
  await expect
    .poll(() => latest().find((e) => e.task.id === 'task-0')?.task.snapshot.description)
    .toBe('Edited');

  // A sync page of 50+ rows is reported as a range: the tab is read again.
  await db.clientTasks.bulkPut(Array.from({ length: 80 }, (_, i) => task(500 + i)));
  await expect.poll(() => latest().length).toBe(200);
  // A task moved to another workspace leaves; a damaged row is left out, not a crash.
  await db.clientTasks.update(['tenant-1', 'tx-00001'], { workspaceId: 'elsewhere' });
  await expect.poll(() => latest().length).toBe(199);
  await db.clientTasks.put({ ...task(2), snapshot: { broken: true } as unknown as ClientTask['snapshot'] });
  await expect.poll(() => latest().length).toBe(198);

  controller.abort();
  const seen = lists.length;
  await db.clientTasks.put(task(3000));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(lists.length).toBe(seen);
  expect(toEntry(task(4)).haystack).toContain('kangaroo point');
  db.close();
});

test('a stream of bulk writes (a first pull) is read once it pauses, not after every write; each task once, in order', async () => {
  const db = new ClientHubDb(`stream-${crypto.randomUUID()}`);
  await db.clientTasks.bulkPut(Array.from({ length: 10 }, (_, i) => task(i)));
  const lists: TaskEntry[][] = [];
  const controller = new AbortController();
  watchTab(
    db,
    'ws',
    'Open',
    (entries) => lists.push(entries),
    controller.signal,
    () => ({
      sort: 'date',
      descending: true,
    }),
  );
  await expect.poll(() => lists.at(-1)?.length).toBe(10);
  const before = lists.length;
  // Twelve pages of 100, one after another as a pull writes them.
  for (let page = 0; page < 12; page++) {
    await db.clientTasks.bulkPut(Array.from({ length: 100 }, (_, i) => task(1000 + page * 100 + i)));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await expect.poll(() => lists.at(-1)?.length, { timeout: 10_000 }).toBe(1210);
  // Read after the stream, not once per page.
  expect(lists.length - before).toBeLessThanOrEqual(2);
  const ids = (lists.at(-1) ?? []).map((e) => e.task.id);
  expect(new Set(ids).size).toBe(1210);
  const compare = compareTasks('date', true);
  const inOrder = (list: TaskEntry[]) =>
    list.every((e, i) => i === 0 || compare((list[i - 1] as TaskEntry).task, e.task) <= 0);
  expect(inOrder(lists.at(-1) ?? [])).toBe(true);

  // One task changed: it moves to its place in the order; the list is not read again.
  const moved = (await db.clientTasks.get(['tenant-0', 'tx-01000'])) as ClientTask;
  const count = lists.length;
  await db.clientTasks.put({ ...moved, snapshot: { ...moved.snapshot, date: '2027-12-31' } });
  await expect.poll(() => lists.at(-1)?.[0]?.task.id).toBe(moved.id);
  expect(lists.length).toBe(count + 1);
  expect(lists.at(-1)).toHaveLength(1210);
  expect(inOrder(lists.at(-1) ?? [])).toBe(true);
  controller.abort();
  db.close();
});
