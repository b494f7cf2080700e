import { readRemovalImpact } from '@/lib/db/company-data';
import type { ClientHubDb } from '@/lib/db/database';
import type { Connection } from '@/lib/db/records';
import { isolated } from '@/lib/text/hostile';
import { Dialog } from './Dialog';
import { describeImpact } from './describe';
import { useLiveQuery } from './hooks/useLiveQuery';

interface Props {
  db: ClientHubDb;
  row: Connection;
  onConfirm: () => void;
  onClose: () => void;
}

export function RemoveDialog({ db, row, onConfirm, onClose }: Props) {
  const name = isolated(row.organisation?.name ?? row.tenantName);
  const impact = useLiveQuery(() => readRemovalImpact(db, row.tenantId), [db, row.tenantId], null);
  return (
    <Dialog title={`Remove ${name}?`} onClose={onClose}>
      <p>
        Client Hub will disconnect from this Xero company in Xero and delete what it keeps about it on this
        computer. Nothing in Xero itself is deleted, and the Client Hub workspace stays.
      </p>
      <div data-testid="removal-impact" aria-live="polite">
        {impact === null ? (
          <p class="muted">Counting what will be deleted…</p>
        ) : (
          <>
            <p>Deleted from this computer:</p>
            <ul>
              {describeImpact(impact).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      <p class="buttons">
        {/* Cancel comes first: showModal() focuses it, so Enter never removes by accident. */}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={onConfirm}>
          Remove {name}
        </button>
      </p>
    </Dialog>
  );
}
