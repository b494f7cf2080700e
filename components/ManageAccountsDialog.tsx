import type { Connection } from '@/lib/db/records';
import { Dialog } from './Dialog';

/** Chooses the monitored accounts of one Xero company. */
export function ManageAccountsDialog({ row, onClose }: { row: Connection; onClose: () => void }) {
  const name = row.organisation?.name ?? row.tenantName;
  return (
    <Dialog title={`Manage Accounts: ${name}`} onClose={onClose}>
      <p>
        Monitored accounts are the Xero accounts (such as Uncategorized Expense or Suspense) whose
        transactions become Client Tasks.
      </p>
      <p class="muted">
        {row.monitoredAccountIds.length === 0
          ? 'No account is monitored yet. Choosing accounts arrives with transaction sync.'
          : `${row.monitoredAccountIds.length} account(s) monitored.`}
      </p>
      <p class="buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </p>
    </Dialog>
  );
}
