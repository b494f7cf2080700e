import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ClientHubDb } from '@/lib/db/database';
import type { ClientTask, ClientTaskStatus } from '@/lib/sync/records';
import {
  bankAccountsIn,
  FULL_LIST_MAX,
  filterEntries,
  hasFilters,
  type ListFilters,
  NO_WORKSPACE,
  readWindow,
  type SortKey,
  sortEntries,
  type TaskEntry,
  watchTab,
} from '@/lib/tasks/task-list';
import { useLiveQuery } from '../hooks/useLiveQuery';
import { useThrottledQuery } from '../hooks/useThrottledQuery';

const NO_ACCOUNTS: [string, string][] = [];

/** Rows fetched around the visible ones while the full list is still loading. */
const WINDOW_PAGE = 50;
/**
 * The first read: the table's first screen (its rows in view and a few more, TaskTable) on a screen up
 * to about 1,100 px tall; a taller one asks for the rest at once. Reading and checking more rows in
 * that task only made it longer (100 rows cost about 10 ms more there while a pull ran).
 */
export const FIRST_SCREEN_ROWS = 30;

export interface TaskList {
  /** The whole shaped list (search, filters, sort), once the tab is read; null while it loads or for a large tab. */
  list: ClientTask[] | null;
  /** Every task of the tab, read: filters and select-all can run. */
  complete: boolean;
  /** The rows the table shows are being read (the whole tab, or a large tab's first window). */
  busy: boolean;
  /** Reads the whole tab (a large one only shows windows): select-all and CSV need every task. */
  readAll: () => void;
  /** Rows in the table: the shaped list's length, or the tab's indexed count while it loads. */
  rowCount: number | null;
  rowAt: (index: number) => ClientTask | undefined;
  /** The table says which rows it shows, so a window of them is read from the index meanwhile. */
  showRows: (first: number, last: number) => void;
  bankAccounts: [string, string][];
}

/**
 * One tab's rows for the table: the first screen straight from the sort's index; for a tab of up to
 * FULL_LIST_MAX tasks (or when searching, filtering or asked to) the full list loaded behind it in
 * chunks and kept current by watchTab. A larger tab stays windows of rows read from the index.
 */
export function useTaskList(
  db: ClientHubDb,
  /** null: not known yet (nothing is read). */
  workspaceId: string | null,
  status: ClientTaskStatus,
  sort: SortKey,
  descending: boolean,
  filters: ListFilters,
  tabCount: number | null,
): TaskList {
  const tab = `${workspaceId}\u0000${status}`;
  // The full list is read in the sort shown when each read starts, so it needs no sort once in.
  const order = useRef({ sort, descending });
  order.current = { sort, descending };
  const filtering = hasFilters(filters);
  const [askedAll, setAskedAll] = useState<string | null>(null);
  // Tasks without a workspace are in no index: that tab is always read whole.
  const whole =
    workspaceId === NO_WORKSPACE ||
    filtering ||
    askedAll === tab ||
    (tabCount !== null && tabCount <= FULL_LIST_MAX);
  const [loaded, setLoaded] = useState<{ tab: string; entries: TaskEntry[] } | null>(null);
  const entries = whole && loaded?.tab === tab ? loaded.entries : null;

  const sorted = useMemo(
    () => entries && sortEntries(entries, sort, descending),
    [entries, sort, descending],
  );
  const { search, bankAccountId, tenantId } = filters;
  const list = useMemo(
    () => sorted && filterEntries(sorted, { search, bankAccountId, tenantId }),
    [sorted, search, bankAccountId, tenantId],
  );

  // Until the full list is in, the rows on screen come from the index, a page at a time.
  const [page, setPage] = useState({ offset: 0, limit: FIRST_SCREEN_ROWS });
  const windowKey = `${tab}\u0000${sort}\u0000${descending}\u0000${page.offset}\u0000${page.limit}`;
  const windowRows = useLiveQuery(
    async () =>
      entries || workspaceId === null
        ? null
        : {
            key: windowKey,
            offset: page.offset,
            rows: await readWindow(db, workspaceId, status, sort, descending, page.offset, page.limit),
          },
    [db, windowKey, entries === null],
    null,
  );
  const shown = windowRows?.key === windowKey ? windowRows : null;

  // The full read starts once the tab's first screen is drawn (or has taken over a second), so it
  // never delays it: its chunks would queue in IndexedDB and on the main thread ahead of the first
  // screen's reads.
  const [readyTab, setReadyTab] = useState<string | null>(null);
  const firstScreenDrawn = shown !== null;
  useEffect(() => {
    if (workspaceId === null || readyTab === tab) return;
    if (firstScreenDrawn) {
      setReadyTab(tab);
      return;
    }
    const late = setTimeout(() => setReadyTab(tab), 1000);
    return () => clearTimeout(late);
  }, [tab, firstScreenDrawn, readyTab]);
  const ready = readyTab === tab;
  useEffect(() => {
    if (workspaceId === null || !ready) return;
    if (!whole) {
      // Grown past FULL_LIST_MAX (a pull going on): the whole list is let go, the index serves.
      setLoaded(null);
      return;
    }
    const controller = new AbortController();
    const start = () =>
      watchTab(
        db,
        workspaceId,
        status,
        (entries) => setLoaded({ tab, entries }),
        controller.signal,
        () => order.current,
      );
    const idle = requestIdleCallback(start, { timeout: 300 });
    return () => {
      cancelIdleCallback(idle);
      controller.abort();
    };
  }, [db, tab, ready, whole]);

  const rowCount = list ? list.length : filtering ? null : tabCount;
  const rowAt = (index: number) =>
    list ? list[index] : shown?.rows && !filtering ? shown.rows[index - shown.offset] : undefined;
  const showRows = (first: number, last: number) => {
    if (entries) return;
    if (first >= page.offset && last <= page.offset + page.limit) return;
    const offset = Math.max(0, Math.floor(first / WINDOW_PAGE) * WINDOW_PAGE - WINDOW_PAGE);
    setPage({ offset, limit: last - offset + WINDOW_PAGE });
  };

  // From the index, at most once a second while tasks are written (not from a list a large tab lacks).
  const indexed = useThrottledQuery(
    db.name,
    'clientTasks',
    async () =>
      workspaceId === null || workspaceId === NO_WORKSPACE
        ? null
        : { tab, accounts: await bankAccountsIn(db, workspaceId, status) },
    [db, tab],
    null,
    1000,
  );
  const listed = useMemo(() => {
    if (workspaceId !== NO_WORKSPACE) return null;
    const seen = new Map<string, string>();
    for (const { task } of entries ?? [])
      seen.set(task.snapshot.bankAccount.id, task.snapshot.bankAccount.name);
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]));
  }, [entries, workspaceId]);
  const bankAccounts = listed ?? (indexed?.tab === tab ? indexed.accounts : NO_ACCOUNTS);

  return {
    list,
    complete: entries !== null,
    busy: whole ? entries === null : shown === null,
    readAll: () => setAskedAll(tab),
    rowCount,
    rowAt,
    showRows,
    bankAccounts,
  };
}
