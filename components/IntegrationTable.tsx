import type { Connection, PendingRemoval, Workspace } from '@/lib/db/records';
import type { FirmConnectionRow } from '@/lib/hub/state';
import type { QuarantineRecord, SyncRun } from '@/lib/sync/records';
import { timeAgo } from './format';
import { ProblemNotice } from './ProblemNotice';
import { XeroText } from './XeroText';

export interface RowActions {
  canChange: boolean;
  busyTenantId: string | null;
  onManageAccounts: (row: Connection) => void;
  onRefresh: (row: Connection) => void;
  onRemove: (row: Connection) => void;
  onChooseWorkspace: (row: Connection) => void;
  /** With a Client Hub server: the workspace's "Clients & reminders" (the server decides who may). */
  onOpenClients?: ((workspace: { id: string; name: string }) => void) | undefined;
}

interface Props extends RowActions {
  connections: Connection[];
  latestRuns: Record<string, SyncRun>;
  accountNames: Record<string, string>;
  setAside: Record<string, QuarantineRecord[]>;
  workspaces: Workspace[];
  pendingRemovals: PendingRemoval[];
  now: number;
  /**
   * Connected to the firm's Client Hub server: every company the firm connected, from the server.
   * Those this browser holds no Xero sign-in for are synced by a colleague and shown read-only.
   */
  firmRows?: FirmConnectionRow[] | null;
  /** The firm's workspaces on the server, to find each company's (a colleague's companies too). */
  hubWorkspaces?: { id: string; name: string; tenantId: string | null }[] | null;
}

/** The admin's table of connected Xero companies (Setup & Settings → Xero integration). */
export function IntegrationTable({
  connections,
  workspaces,
  pendingRemovals,
  latestRuns,
  accountNames,
  setAside,
  now,
  firmRows,
  hubWorkspaces,
  ...actions
}: Props) {
  const onHub = new Map((hubWorkspaces ?? []).flatMap((w) => (w.tenantId ? [[w.tenantId, w] as const] : [])));
  const workspaceName = new Map(workspaces.map((w) => [w.id, w.name]));
  const removing = new Map(pendingRemovals.map((r) => [r.tenantId, r]));
  const onServer = new Map((firmRows ?? []).map((r) => [r.tenantId, r]));
  const local = new Set(connections.map((c) => c.tenantId));
  const colleagues = (firmRows ?? []).filter((r) => !local.has(r.tenantId));
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
        {connections.length === 0 && colleagues.length === 0 && (
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
            run={latestRuns[row.tenantId]}
            setAside={setAside[row.tenantId] ?? []}
            accounts={row.monitoredAccountIds.map(
              (id) => accountNames[`${row.tenantId}:${id}`.toLowerCase()] ?? 'Account not loaded yet',
            )}
            now={now}
            firm={firmRows ? (onServer.get(row.tenantId) ?? null) : undefined}
            hubWorkspace={onHub.get(row.tenantId)}
            {...actions}
          />
        ))}
        {colleagues.map((row) => (
          <ColleagueRow
            key={row.tenantId}
            row={row}
            now={now}
            hubWorkspace={onHub.get(row.tenantId)}
            onOpenClients={actions.onOpenClients}
          />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps extends RowActions {
  row: Connection;
  run: SyncRun | undefined;
  setAside: QuarantineRecord[];
  accounts: string[];
  workspace: string | undefined;
  removal: PendingRemoval | undefined;
  now: number;
  /** The server's row: undefined without a server, null when the server does not have it yet. */
  firm?: FirmConnectionRow | null | undefined;
  hubWorkspace?: { id: string; name: string } | undefined;
}

/** "Clients & reminders" of the company's workspace on the Client Hub server. */
function ClientsButton({
  workspace,
  company,
  onOpen,
}: {
  workspace: { id: string; name: string } | undefined;
  company: string;
  onOpen: ((workspace: { id: string; name: string }) => void) | undefined;
}) {
  if (!workspace || !onOpen) return null;
  return (
    <button type="button" onClick={() => onOpen(workspace)}>
      Clients &amp; reminders<span class="visually-hidden"> for {company}</span>
    </button>
  );
}

function CompanyRow({
  row,
  run,
  setAside,
  accounts,
  workspace,
  removal,
  now,
  firm,
  hubWorkspace,
  canChange,
  busyTenantId,
  ...on
}: RowProps) {
  const busy = busyTenantId === row.tenantId;
  const disabled = !canChange || busy || removal !== undefined;
  const problemId = `problem-${row.tenantId}`;
  return (
    <tr data-tenant-id={row.tenantId}>
      <th scope="row">
        <HealthMark state={row.health.state} />
        <XeroText class="company-name" text={row.organisation?.name ?? row.tenantName} />
        {row.organisation?.shortCode && <span class="muted"> · {row.organisation.shortCode}</span>}
        {row.health.state === 'attention' && row.health.problem && (
          <ProblemNotice problem={row.health.problem} id={problemId} />
        )}
        {setAside.length > 0 && <SetAside records={setAside} />}
        {firm !== undefined && (
          <div class="muted" data-testid="synced-by">
            Synced by this browser{firm === null ? ' · not on the Client Hub server yet' : ''}
          </div>
        )}
        {removal && (
          <div class="notice" role="status">
            Removing: Xero could not be reached yet. Client Hub will finish this by itself.
            {removal.lastProblem && <span class="muted"> {removal.lastProblem.message}</span>}
          </div>
        )}
      </th>
      <td>
        {workspace !== undefined ? <XeroText text={workspace} /> : <span class="muted">Not linked</span>}{' '}
        {canChange && !workspace && (
          <button type="button" onClick={() => on.onChooseWorkspace(row)} disabled={disabled}>
            Choose workspace<span class="visually-hidden"> for {row.tenantName}</span>
          </button>
        )}
      </td>
      <td>
        {accounts.length === 0 ? (
          <span class="muted">None chosen</span>
        ) : (
          <ul class="plain">
            {accounts.map((name) => (
              <li key={name}>
                <XeroText text={name} />
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {firm ? (
          // The firm user who first connected it, as the server records it.
          <XeroText text={firm.connectedBy ?? row.sentBy.name} />
        ) : (
          <>
            <XeroText text={row.sentBy.name} />
            <div class="muted">
              <XeroText text={row.sentBy.email} />
            </div>
          </>
        )}
      </td>
      <td>
        <SyncCell run={run} lastSyncedAt={row.lastSyncedAt} now={now} name={row.tenantName} />
      </td>
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
        <ClientsButton workspace={hubWorkspace} company={row.tenantName} onOpen={on.onOpenClients} />
      </td>
    </tr>
  );
}

/** A company a colleague's browser syncs: what the server knows, nothing to change from here. */
function ColleagueRow({
  row,
  now,
  hubWorkspace,
  onOpenClients,
}: {
  row: FirmConnectionRow;
  now: number;
  hubWorkspace: { id: string; name: string } | undefined;
  onOpenClients: RowActions['onOpenClients'];
}) {
  const state = row.health === 'healthy' ? 'healthy' : 'attention';
  return (
    <tr data-tenant-id={row.tenantId} data-synced-by="colleague">
      <th scope="row">
        <HealthMark state={state} />
        <XeroText class="company-name" text={row.organisationName} />
        {row.shortCode && <span class="muted"> · {row.shortCode}</span>}
        <div class="muted" data-testid="synced-by">
          Synced by a colleague
          {row.health === 'disconnected' ? ' · their Xero sign-in needs reconnecting' : ''}
        </div>
      </th>
      <td>
        {hubWorkspace ? (
          <XeroText text={hubWorkspace.name} />
        ) : (
          <span class="muted">On the Client Hub server</span>
        )}
      </td>
      <td>
        {row.monitoredAccounts.length === 0 ? (
          <span class="muted">None chosen</span>
        ) : (
          <ul class="plain">
            {row.monitoredAccounts.map((name) => (
              <li key={name}>
                <XeroText text={name} />
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{row.connectedBy ? <XeroText text={row.connectedBy} /> : <span class="muted">Unknown</span>}</td>
      <td>{timeAgo(row.lastSyncAt, now)}</td>
      <td class="actions">
        <span class="muted">Changed from the browser that syncs it</span>{' '}
        <ClientsButton workspace={hubWorkspace} company={row.organisationName} onOpen={onOpenClients} />
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

/** Last synced, and while a sync runs, how far it has got. */
function SyncCell({
  run,
  lastSyncedAt,
  now,
  name,
}: {
  run: SyncRun | undefined;
  lastSyncedAt: number | null;
  now: number;
  name: string;
}) {
  if (run?.state === 'running') {
    const label =
      run.phase === 'backfill' ? 'Looking through the last 90 days' : 'Checking for new transactions';
    return (
      <div data-testid="sync-progress">
        <label>
          <span class="muted">{label}…</span>
          <progress
            aria-label={`Sync of ${name}`}
            max={run.expected ?? undefined}
            value={run.expected ? Math.min(run.scanned, run.expected) : undefined}
          />
        </label>
        <div class="muted">
          {run.scanned.toLocaleString()} transactions scanned · {run.tasksCreated.toLocaleString()} tasks
          created
        </div>
      </div>
    );
  }
  return (
    <div>
      {timeAgo(lastSyncedAt, now)}
      {run && run.state === 'succeeded' && (
        <div class="muted" data-testid="sync-result">
          {run.tasksCreated === 0 && run.tasksUpdated === 0
            ? 'No new transactions'
            : `${run.tasksCreated.toLocaleString()} new task${run.tasksCreated === 1 ? '' : 's'}, ${run.tasksUpdated.toLocaleString()} updated`}
        </div>
      )}
      {run?.problem && (
        <div class="muted" data-testid="sync-result">
          Last sync stopped: {run.problem.title}
        </div>
      )}
    </div>
  );
}

/** Records Xero sent that Client Hub could not read: kept aside, never dropped, shown with why. */
function SetAside({ records }: { records: QuarantineRecord[] }) {
  const shown = records.slice(0, 20);
  return (
    <details class="set-aside" data-testid="set-aside">
      <summary>
        {records.length} record{records.length === 1 ? '' : 's'} from Xero could not be read and{' '}
        {records.length === 1 ? 'was' : 'were'} set aside
      </summary>
      <p class="muted">
        Client Hub keeps trying: each is read again when Xero changes it. The rest of the sync carried on.
      </p>
      <ul>
        {shown.map((record) => (
          <li key={`${record.source}:${record.recordId}`}>
            {record.source === 'BankTransactions' ? 'Bank transaction' : 'Account'} {record.recordId}:{' '}
            {record.reason}
          </li>
        ))}
      </ul>
      {records.length > shown.length && <p class="muted">…and {records.length - shown.length} more.</p>}
    </details>
  );
}
