import type { ClientHubDb } from '@/lib/db/database';
import type { ClientTask, ClientTaskStatus } from '@/lib/sync/records';
import { toCsv } from '@/lib/tasks/csv';
import { NO_WORKSPACE } from '@/lib/tasks/task-list';

/** The page's reads: straight from IndexedDB (same extension origin), through indexes; counts never read rows. */

export const STATUSES: readonly { status: ClientTaskStatus; label: string }[] = [
  { status: 'Open', label: 'Open' },
  { status: 'Answered', label: 'Answered' },
  { status: 'Closed', label: 'Closed' },
  { status: 'ResolvedInXero', label: 'Resolved in Xero' },
  { status: 'Cancelled', label: 'Cancelled' },
];

export { NO_WORKSPACE, type SortKey } from '@/lib/tasks/task-list';

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

/** How long the task has waited: days since Client Hub created it (not the transaction's date). */
export const ageInDays = (task: ClientTask, now: number) =>
  Math.max(0, Math.floor((now - task.createdAt) / 86_400_000));

/** How old the transaction is: days since the date it has in Xero. */
export const transactionAgeInDays = (task: ClientTask, now: number) => {
  const dated = Date.parse(`${task.snapshot.date}T00:00:00Z`);
  return Number.isNaN(dated) ? null : Math.max(0, Math.floor((now - dated) / 86_400_000));
};

export const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

// One formatter, not one per call: toLocaleString with options builds a new one each time.
const twoDecimals = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const money = (amount: number, currency: string) => `${twoDecimals.format(amount)} ${currency}`;

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
      'Transaction age (days)',
      'Task waiting (days)',
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
      transactionAgeInDays(t, now),
      ageInDays(t, now),
      t.bankTransactionId,
    ]),
  );
}
