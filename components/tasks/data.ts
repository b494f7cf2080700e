import type { ClientHubDb } from '@/lib/db/database';
import { type ClientTask, type ClientTaskStatus, clientTaskSchema } from '@/lib/sync/records';
import { toCsv } from '@/lib/tasks/csv';

/** The page's reads: straight from IndexedDB (same extension origin), through indexes. */

export const STATUSES: readonly { status: ClientTaskStatus; label: string }[] = [
  { status: 'Open', label: 'Open' },
  { status: 'Answered', label: 'Answered' },
  { status: 'Closed', label: 'Closed' },
  { status: 'ResolvedInXero', label: 'Resolved in Xero' },
  { status: 'Cancelled', label: 'Cancelled' },
];

/** "" stands for tasks of companies not linked to a workspace (null is not indexable). */
export const NO_WORKSPACE = '';

export function tasksIn(
  db: ClientHubDb,
  workspaceId: string,
  status: ClientTaskStatus,
): Promise<ClientTask[]> {
  const rows =
    workspaceId === NO_WORKSPACE
      ? db.clientTasks
          .where('status')
          .equals(status)
          .filter((t) => t.workspaceId === null)
          .toArray()
      : db.clientTasks.where('[workspaceId+status]').equals([workspaceId, status]).toArray();
  // Damaged rows are left out of the table, never crash it.
  return rows.then((list) => list.filter((row) => clientTaskSchema.safeParse(row).success));
}

export async function countsIn(
  db: ClientHubDb,
  workspaceId: string,
): Promise<Record<ClientTaskStatus, number>> {
  const counts = await Promise.all(
    STATUSES.map(({ status }) =>
      workspaceId === NO_WORKSPACE
        ? db.clientTasks
            .where('status')
            .equals(status)
            .filter((t) => t.workspaceId === null)
            .count()
        : db.clientTasks.where('[workspaceId+status]').equals([workspaceId, status]).count(),
    ),
  );
  return Object.fromEntries(STATUSES.map(({ status }, i) => [status, counts[i] ?? 0])) as Record<
    ClientTaskStatus,
    number
  >;
}

export type SortKey = 'date' | 'amount' | 'age';
export interface ListQuery {
  search: string;
  bankAccountId: string;
  tenantId: string;
  sort: SortKey;
  descending: boolean;
}

/** Search, filters and sort, in memory over one tab's tasks (the DOM only ever holds the visible rows). */
export function shapeList(tasks: readonly ClientTask[], query: ListQuery): ClientTask[] {
  const needle = query.search.trim().toLowerCase();
  const filtered = tasks.filter((t) => {
    if (query.bankAccountId && t.snapshot.bankAccount.id !== query.bankAccountId) return false;
    if (query.tenantId && t.tenantId !== query.tenantId) return false;
    if (!needle) return true;
    const s = t.snapshot;
    return (
      s.contactName.toLowerCase().includes(needle) ||
      s.description.toLowerCase().includes(needle) ||
      s.reference.toLowerCase().includes(needle) ||
      s.amount.toFixed(2).includes(needle)
    );
  });
  const key = (t: ClientTask): number | string =>
    query.sort === 'amount' ? t.snapshot.amount : query.sort === 'age' ? -t.createdAt : t.snapshot.date;
  const sign = query.descending ? -1 : 1;
  return filtered.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -sign : ka > kb ? sign : a.id < b.id ? -1 : 1;
  });
}

export const ageInDays = (task: ClientTask, now: number) =>
  Math.max(0, Math.floor((now - task.createdAt) / 86_400_000));

export const money = (amount: number, currency: string) =>
  `${amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

export function tasksCsv(
  tasks: readonly ClientTask[],
  companyName: (tenantId: string) => string,
  now: number,
) {
  return toCsv(
    [
      'Xero company',
      'Date',
      'Contact',
      'Description',
      'Reference',
      'Amount',
      'Currency',
      'Bank account',
      'Status',
      'Age (days)',
      'Transaction ID',
    ],
    tasks.map((t) => [
      companyName(t.tenantId),
      t.snapshot.date,
      t.snapshot.contactName,
      t.snapshot.description,
      t.snapshot.reference,
      t.snapshot.amount,
      t.snapshot.currency,
      t.snapshot.bankAccount.name,
      t.status,
      ageInDays(t, now),
      t.bankTransactionId,
    ]),
  );
}
