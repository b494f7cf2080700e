import type { Connection } from '@/lib/db/records';
import { isolated } from '@/lib/text/hostile';
import { Dialog } from './Dialog';

interface Props {
  row: Connection;
  onConfirm: () => void;
  onClose: () => void;
}

export function RemoveDialog({ row, onConfirm, onClose }: Props) {
  const name = isolated(row.organisation?.name ?? row.tenantName);
  return (
    <Dialog title={`Remove ${name}?`} onClose={onClose}>
      <p>
        Client Hub will disconnect from this Xero company in Xero and delete what it keeps about it on this
        computer. Nothing in Xero itself is deleted, and the Client Hub workspace stays.
      </p>
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
