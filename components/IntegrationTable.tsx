import type { Connection, PendingRemoval, Workspace } from '@/lib/db/records';
import { timeAgo } from './format';
import { ProblemNotice } from './ProblemNotice';

export interface RowActions {
  canChange: boolean;
  busyTenantId: string | null;
  onManageAccounts: (row: Connection) => void;
  onRefresh: (row: Connection) => void;
  onRemove: (row: Connection) => void;
  onChooseWorkspace: (row: Connection) => void;
}

interface Props extends RowActions {
  connections: Connection[];
  workspaces: Workspace[];
  pendingRemovals: PendingRemoval[];
  now: number;
}

/** The admin's table of connected Xero companies (Setup & Settings → Xero integration). */
export function IntegrationTable({ connections, workspaces, pendingRemovals, now, ...actions }: Props) {
  const workspaceName = new Map(workspaces.map((w) => [w.id, w.name]));
  const removing = new Map(pendingRemovals.map((r) => [r.tenantId, r]));
  return (
    <table aria-label="Connected Xero companies">
      <thead>
        <tr>
          <th scope="col">Xero company</th>
          <th scope="col">Client Hub workspace</th>
          <th scope="col">Monitored accounts</th>
          <th scope="col">Sent by</th>
          <th scope="col">Last synced</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {connections.length === 0 && (
          <tr>
            <td colSpan={6} class="muted">
              No Xero company is connected yet.
            </td>
          </tr>
        )}
        {connections.map((row) => (
          <CompanyRow
            key={row.tenantId}
            row={row}
            workspace={row.workspaceId ? workspaceName.get(row.workspaceId) : undefined}
            removal={removing.get(row.tenantId)}
            now={now}
            {...actions}
          />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps extends RowActions {
  row: Connection;
  workspace: string | undefined;
  removal: PendingRemoval | undefined;
  now: number;
}

function CompanyRow({ row, workspace, removal, now, canChange, busyTenantId, ...on }: RowProps) {
  const busy = busyTenantId === row.tenantId;
  const disabled = !canChange || busy || removal !== undefined;
  const problemId = `problem-${row.tenantId}`;
  return (
    <tr data-tenant-id={row.tenantId}>
      <th scope="row">
        <HealthMark state={row.health.state} />
        <span class="company-name">{row.organisation?.name ?? row.tenantName}</span>
        {row.organisation?.shortCode && <span class="muted"> · {row.organisation.shortCode}</span>}
        {row.health.state === 'attention' && row.health.problem && (
          <ProblemNotice problem={row.health.problem} id={problemId} />
        )}
        {removal && (
          <div class="notice" role="status">
            Removing: Xero could not be reached yet. Client Hub will finish this by itself.
            {removal.lastProblem && <span class="muted"> {removal.lastProblem.message}</span>}
          </div>
        )}
      </th>
      <td>
        {workspace ?? <span class="muted">Not linked</span>}{' '}
        {canChange && !workspace && (
          <button type="button" onClick={() => on.onChooseWorkspace(row)} disabled={disabled}>
            Choose workspace<span class="visually-hidden"> for {row.tenantName}</span>
          </button>
        )}
      </td>
      <td>
        {row.monitoredAccountIds.length === 0 ? (
          <span class="muted">None chosen</span>
        ) : (
          <span>{row.monitoredAccountIds.length} account(s)</span>
        )}
      </td>
      <td>
        {row.sentBy.name}
        <div class="muted">{row.sentBy.email}</div>
      </td>
      <td>{timeAgo(row.lastSyncedAt, now)}</td>
      <td class="actions">
        <button type="button" disabled={disabled} onClick={() => on.onManageAccounts(row)}>
          Manage Accounts<span class="visually-hidden"> for {row.tenantName}</span>
        </button>
        <button type="button" disabled={disabled} onClick={() => on.onRefresh(row)}>
          {busy ? 'Checking…' : 'Refresh'}
          <span class="visually-hidden"> {row.tenantName}</span>
        </button>
        <button type="button" disabled={disabled} onClick={() => on.onRemove(row)}>
          Remove<span class="visually-hidden"> {row.tenantName}</span>
        </button>
      </td>
    </tr>
  );
}

function HealthMark({ state }: { state: Connection['health']['state'] }) {
  if (state === 'healthy') {
    return (
      <span class="health ok" role="img" aria-label="Healthy" title="Healthy">
        ✓
      </span>
    );
  }
  if (state === 'checking') {
    return (
      <span class="health checking" role="img" aria-label="Checking" title="Checking">
        …
      </span>
    );
  }
  return (
    <span class="health warn" role="img" aria-label="Needs attention" title="Needs attention">
      ⚠
    </span>
  );
}
