import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ClientHubDb } from '@/lib/db/database';
import type { ClientTask, ClientTaskStatus } from '@/lib/sync/records';
import {
  filterEntries,
  hasFilters,
  type ListFilters,
  readWindow,
  type SortKey,
  sortEntries,
  type TaskEntry,
  watchTab,
} from '@/lib/tasks/task-list';
import { useLiveQuery } from '../hooks/useLiveQuery';

/** Rows fetched around the visible ones while the full list is still loading. */
const WINDOW_PAGE = 50;

export interface TaskList {
  /** The whole shaped list (search, filters, sort), once the tab is read; null while it loads. */
  list: ClientTask[] | null;
  /** Every task of the tab, read: filters and select-all can run. */
  complete: boolean;
  /** Rows in the table: the shaped list's length, or the tab's indexed count while it loads. */
  rowCount: number | null;
  rowAt: (index: number) => ClientTask | undefined;
  /** The table says which rows it shows, so a window of them is read from the index meanwhile. */
  showRows: (first: number, last: number) => void;
  bankAccounts: [string, string][];
}

/**
 * One tab's rows for the table: the first screen straight from the sort's index, the full list
 * loaded behind it in chunks and kept current by watchTab.
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
  const [loaded, setLoaded] = useState<{ tab: string; entries: TaskEntry[] } | null>(null);
  const entries = loaded?.tab === tab ? loaded.entries : null;

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
  const [page, setPage] = useState({ offset: 0, limit: WINDOW_PAGE * 2 });
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
  }, [db, tab, ready]);

  const filtering = hasFilters(filters);
  const rowCount = list ? list.length : filtering ? null : tabCount;
  const rowAt = (index: number) =>
    list ? list[index] : shown?.rows && !filtering ? shown.rows[index - shown.offset] : undefined;
  const showRows = (first: number, last: number) => {
    if (entries) return;
    if (first >= page.offset && last <= page.offset + page.limit) return;
    const offset = Math.max(0, Math.floor(first / WINDOW_PAGE) * WINDOW_PAGE - WINDOW_PAGE);
    setPage({ offset, limit: last - offset + WINDOW_PAGE });
  };

  const bankAccounts = useMemo(() => {
    const seen = new Map<string, string>();
    for (const { task } of entries ?? [])
      seen.set(task.snapshot.bankAccount.id, task.snapshot.bankAccount.name);
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]));
  }, [entries]);

  return { list, complete: entries !== null, rowCount, rowAt, showRows, bankAccounts };
}
