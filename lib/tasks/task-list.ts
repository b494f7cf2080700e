import { Dexie, type ObservabilitySet } from 'dexie';
import type { ClientHubDb } from '@/lib/db/database';
import { type ClientTask, type ClientTaskStatus, clientTaskSchema } from '@/lib/sync/records';

/**
 * How the Client Tasks page reads a tab (one workspace, one status) without stalling on 10,000 tasks:
 * - the first screen, and any window of rows, comes straight from a v4 index in the sort's order;
 * - the whole tab (for search, filters, select-all, CSV) loads behind it in small chunks, each one
 *   short enough not to block scrolling, and is then kept current by re-reading only the tasks a
 *   write touched (Dexie's `storagemutated`), falling back to a chunked reload after bulk writes.
 */

/** "" stands for tasks of companies not linked to a workspace (null is not indexable). */
export const NO_WORKSPACE = '';

export type SortKey = 'date' | 'amount' | 'age';

const SORT_INDEX: Record<SortKey, string> = {
  date: '[workspaceId+status+snapshot.date]',
  amount: '[workspaceId+status+snapshot.amount]',
  age: '[workspaceId+status+createdAt]',
};

const sortValue = (task: ClientTask, sort: SortKey): number | string =>
  sort === 'amount' ? task.snapshot.amount : sort === 'age' ? task.createdAt : task.snapshot.date;

/** Oldest first is "age descending": the index runs by createdAt, so its direction flips for age. */
const walksBackwards = (sort: SortKey, descending: boolean) => (sort === 'age' ? !descending : descending);

/**
 * The order an index walk gives: the sort value, then the primary key (Xero company, transaction),
 * both in the walk's direction. Rows read from the index and rows sorted in memory line up exactly.
 */
export function compareTasks(sort: SortKey, descending: boolean) {
  const sign = walksBackwards(sort, descending) ? -1 : 1;
  return (a: ClientTask, b: ClientTask) => {
    const ka = sortValue(a, sort);
    const kb = sortValue(b, sort);
    if (ka !== kb) return ka < kb ? -sign : sign;
    if (a.tenantId !== b.tenantId) return a.tenantId < b.tenantId ? -sign : sign;
    if (a.bankTransactionId !== b.bankTransactionId)
      return a.bankTransactionId < b.bankTransactionId ? -sign : sign;
    return 0;
  };
}

/** A task with its search text lowered once, when read, not on every keystroke. */
export interface TaskEntry {
  task: ClientTask;
  haystack: string;
}

export function toEntry(task: ClientTask): TaskEntry {
  const s = task.snapshot;
  return {
    task,
    haystack: [s.contactName, s.description, s.reference, s.amount.toFixed(2)].join('\u0000').toLowerCase(),
  };
}

export interface ListFilters {
  search: string;
  bankAccountId: string;
  tenantId: string;
}

export const hasFilters = (f: ListFilters) =>
  f.search.trim() !== '' || f.bankAccountId !== '' || f.tenantId !== '';

export function sortEntries(entries: readonly TaskEntry[], sort: SortKey, descending: boolean): TaskEntry[] {
  const compare = compareTasks(sort, descending);
  // The full list is read in the sort's order (readTab): one pass shows it, and the page is spared
  // a sort of 10,000 tasks in the task that first shows them.
  let inOrder = true;
  for (let i = 1; inOrder && i < entries.length; i++)
    inOrder = compare((entries[i - 1] as TaskEntry).task, (entries[i] as TaskEntry).task) <= 0;
  if (inOrder) return entries.slice();
  // Keys pulled out once: the comparator runs ~140,000 times for 10,000 tasks.
  const keyed = entries.map((entry) => ({ key: sortValue(entry.task, sort), entry }));
  const sign = walksBackwards(sort, descending) ? -1 : 1;
  keyed.sort((a, b) =>
    a.key !== b.key ? (a.key < b.key ? -sign : sign) : compare(a.entry.task, b.entry.task),
  );
  return keyed.map((k) => k.entry);
}

/** Filters keep the sorted order, so typing never re-sorts. */
export function filterEntries(sorted: readonly TaskEntry[], filters: ListFilters): ClientTask[] {
  const needle = filters.search.trim().toLowerCase();
  const out: ClientTask[] = [];
  for (const { task, haystack } of sorted) {
    if (filters.bankAccountId && task.snapshot.bankAccount.id !== filters.bankAccountId) continue;
    if (filters.tenantId && task.tenantId !== filters.tenantId) continue;
    if (needle && !haystack.includes(needle)) continue;
    out.push(task);
  }
  return out;
}

// Damaged rows are left out of the table, never crash it.
const valid = (rows: readonly unknown[]): ClientTask[] =>
  rows.filter((row): row is ClientTask => clientTaskSchema.safeParse(row).success);

/** Rows [offset, offset + limit) of a tab in the sort's order, from the index (no full read). */
export async function readWindow(
  db: ClientHubDb,
  workspaceId: string,
  status: ClientTaskStatus,
  sort: SortKey,
  descending: boolean,
  offset: number,
  limit: number,
): Promise<ClientTask[] | null> {
  // Tasks without a workspace are not in the compound indexes: they wait for the full read.
  if (workspaceId === NO_WORKSPACE) return null;
  let rows = db.clientTasks
    .where(SORT_INDEX[sort])
    .between([workspaceId, status, Dexie.minKey], [workspaceId, status, Dexie.maxKey]);
  if (walksBackwards(sort, descending)) rows = rows.reverse();
  return valid(await rows.offset(offset).limit(limit).toArray());
}

/**
 * Tabs up to this many tasks are held whole in the page (search, filters and sort answer at once).
 * A larger tab (a firm's 100,000 pulled tasks) shows windows of rows read from the sort's index and
 * its count; the whole tab is read only when asked for (a search or filter, select-all, CSV). Holding
 * 100,000 tasks cost ~290 MB of page heap and its re-reads and collections stalled the page.
 */
export const FULL_LIST_MAX = 10_000;

/**
 * A tab's bank accounts (id, name), by name, from the v8 index: one seek per account (the first task
 * after the last account's id), never a walk over every task of the tab.
 */
export async function bankAccountsIn(
  db: ClientHubDb,
  workspaceId: string,
  status: ClientTaskStatus,
): Promise<[string, string][]> {
  const accounts: [string, string][] = [];
  let after: unknown = Dexie.minKey;
  for (let first = true; ; first = false) {
    const row: unknown = await db.clientTasks
      .where('[workspaceId+status+snapshot.bankAccount.id]')
      .between([workspaceId, status, after], [workspaceId, status, Dexie.maxKey], first, true)
      .first();
    const id = (row as { snapshot?: { bankAccount?: { id?: unknown } } } | undefined)?.snapshot?.bankAccount
      ?.id;
    if (typeof id !== 'string') break;
    const task = clientTaskSchema.safeParse(row);
    if (task.success) accounts.push([id, task.data.snapshot.bankAccount.name]);
    after = id;
  }
  return accounts.sort((a, b) => a[1].localeCompare(b[1]));
}

/** Small enough that reading and checking one chunk stays well under a 50 ms task on a slow machine. */
export const CHUNK = 100;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface ListOrder {
  sort: SortKey;
  descending: boolean;
}

/**
 * Every task of a tab, read in chunks by keyset over the index of `order` (getAll with a limit, one
 * short task per chunk), so the list arrives in that order. Rows sharing the chunk's last sort value
 * are re-read and skipped, so ties longer than a chunk still move on. Tasks without a workspace are
 * in no compound index: they come in one read, unordered.
 */
export async function readTab(
  db: ClientHubDb,
  workspaceId: string,
  status: ClientTaskStatus,
  signal?: AbortSignal,
  order: ListOrder = { sort: 'age', descending: true },
): Promise<TaskEntry[] | null> {
  if (workspaceId === NO_WORKSPACE) {
    const rows = await db.clientTasks
      .where('status')
      .equals(status)
      .filter((t) => t.workspaceId === null)
      .toArray();
    return valid(rows).map(toEntry);
  }
  const { sort } = order;
  const backwards = walksBackwards(sort, order.descending);
  const entries: TaskEntry[] = [];
  let from: unknown = backwards ? Dexie.maxKey : Dexie.minKey;
  let skip = 0;
  for (;;) {
    if (signal?.aborted) return null;
    const index = db.clientTasks.where(SORT_INDEX[sort]);
    const rows = await (backwards
      ? index.between([workspaceId, status, Dexie.minKey], [workspaceId, status, from], true, true).reverse()
      : index.between([workspaceId, status, from], [workspaceId, status, Dexie.maxKey], true, true)
    )
      .limit(CHUNK + skip)
      .toArray();
    for (const task of valid(rows.slice(skip))) entries.push(toEntry(task));
    const last = rows.at(-1);
    if (!last || rows.length < CHUNK + skip) break;
    const lastValue = sortValue(last, sort);
    skip = rows.reduce((n, row) => (sortValue(row, sort) === lastValue ? n + 1 : n), 0);
    from = lastValue;
    await nextTask();
  }
  return signal?.aborted ? null : entries;
}

const keyOf = (tenantId: string, bankTransactionId: string) => `${tenantId}\u0000${bankTransactionId}`;

interface RangeNode {
  from?: unknown;
  to?: unknown;
  l?: RangeNode;
  r?: RangeNode;
}

/** The primary keys a write touched, or null when it touched a range (bulk writes, clears). */
function touchedKeys(node: RangeNode | undefined, out: [string, string][], max: number): boolean {
  if (!node || !('from' in node)) return true;
  if (!touchedKeys(node.l, out, max)) return false;
  if (indexedDB.cmp(node.from, node.to) !== 0 || !Array.isArray(node.from) || out.length >= max) return false;
  out.push(node.from as [string, string]);
  return touchedKeys(node.r, out, max);
}

/** More changed tasks than this at once: read the tab again (in chunks) rather than one by one. */
const PATCH_LIMIT = 200;
/**
 * Bulk writes come in streams (a sync, the first pull of a firm's 100,000 tasks): the tab is read
 * again once they pause, not after each write, and at least this often while they go on. Reading
 * after every write kept the page re-reading for the whole stream, holding IndexedDB against the
 * writer and never showing the list.
 */
const RELOAD_QUIET_MS = 750;
const RELOAD_AT_LEAST_EVERY_MS = 15_000;
/** ...and, for a large tab, no more often than this many times the last read took (reads stay a small share). */
const RELOAD_COST_FACTOR = 5;
/** Entries indexed between yields, so a large tab's index is built in short tasks. */
const INDEX_SLICE = 5000;

/** Where `entry` goes in `list` (sorted by `compare`): after its equals. */
function insertionPoint(
  list: readonly TaskEntry[],
  entry: TaskEntry,
  compare: (a: ClientTask, b: ClientTask) => number,
) {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare((list[mid] as TaskEntry).task, entry.task) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Keeps one tab's full list current: `onList` gets it once read, and again after each change, in
 * the order it was read in (so the page never sorts it whole again). Single-task writes (answer,
 * close, re-open) cost a read of those tasks and an insertion; bulk writes a chunked re-read once
 * they pause.
 */
export function watchTab(
  db: ClientHubDb,
  workspaceId: string,
  status: ClientTaskStatus,
  onList: (entries: TaskEntry[]) => void,
  signal: AbortSignal,
  /** The order to read the tab in: the page's sort when the read starts. */
  order: () => ListOrder = () => ({ sort: 'age', descending: true }),
): void {
  const part = `idb://${db.name}/clientTasks/`;
  /** The tab in `listOrder`, and each entry by key. */
  let list: TaskEntry[] = [];
  let listOrder = order();
  let byKey = new Map<string, TaskEntry>();
  let reloading = false;
  let reloadAgain = false;
  let patches = Promise.resolve();
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let staleSince: number | null = null;
  let lastReadMs = 0;

  const publish = () => {
    if (!signal.aborted) onList(list);
  };
  const reload = async () => {
    if (reloading) {
      reloadAgain = true;
      return;
    }
    reloading = true;
    try {
      do {
        reloadAgain = false;
        const readOrder = order();
        const started = Date.now();
        const entries = await readTab(db, workspaceId, status, signal, readOrder);
        if (!entries) return;
        const keyed = new Map<string, TaskEntry>();
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i] as TaskEntry;
          keyed.set(keyOf(entry.task.tenantId, entry.task.bankTransactionId), entry);
          if (i % INDEX_SLICE === INDEX_SLICE - 1) {
            await nextTask();
            if (signal.aborted) return;
          }
        }
        list = entries;
        listOrder = readOrder;
        byKey = keyed;
        lastReadMs = Date.now() - started;
        publish();
      } while (reloadAgain && !signal.aborted);
    } finally {
      reloading = false;
    }
  };
  const reloadSoon = () => {
    const now = Date.now();
    staleSince ??= now;
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(
      () => {
        staleSince = null;
        void reload();
      },
      Math.min(
        RELOAD_QUIET_MS,
        Math.max(0, staleSince + Math.max(RELOAD_AT_LEAST_EVERY_MS, lastReadMs * RELOAD_COST_FACTOR) - now),
      ),
    );
  };
  const belongs = (task: ClientTask) =>
    task.status === status &&
    (workspaceId === NO_WORKSPACE ? task.workspaceId === null : task.workspaceId === workspaceId);
  const patch = async (keys: [string, string][]) => {
    const rows = await db.clientTasks.bulkGet(keys);
    if (signal.aborted) return;
    if (reloading) {
      reloadAgain = true;
      return;
    }
    const removed = new Set<TaskEntry>();
    const added: TaskEntry[] = [];
    keys.forEach(([tenantId, bankTransactionId], i) => {
      const key = keyOf(tenantId, bankTransactionId);
      const old = byKey.get(key);
      if (old) removed.add(old);
      byKey.delete(key);
      const row = clientTaskSchema.safeParse(rows[i]);
      if (row.success && belongs(row.data)) {
        const entry = toEntry(row.data);
        byKey.set(key, entry);
        added.push(entry);
      }
    });
    // Each changed task goes where the order puts it: the list stays sorted, never sorted again whole.
    const next = removed.size > 0 ? list.filter((e) => !removed.has(e)) : list.slice();
    const compare = compareTasks(listOrder.sort, listOrder.descending);
    for (const entry of added) next.splice(insertionPoint(next, entry, compare), 0, entry);
    list = next;
    publish();
  };
  const onMutated = (parts: ObservabilitySet) => {
    if (signal.aborted) return;
    if ('all' in parts) {
      reloadSoon();
      return;
    }
    const changed = parts[part] as RangeNode | undefined;
    if (!changed) return;
    const keys: [string, string][] = [];
    if (!touchedKeys(changed, keys, PATCH_LIMIT)) reloadSoon();
    else if (keys.length > 0) patches = patches.then(() => patch(keys)).catch(() => reload());
  };

  Dexie.on('storagemutated', onMutated);
  signal.addEventListener(
    'abort',
    () => {
      clearTimeout(reloadTimer);
      Dexie.on('storagemutated').unsubscribe(onMutated);
    },
    { once: true },
  );
  void reload();
}
