import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import type { ClientHubDb } from '@/lib/db/database';
import { readIntegrationView } from '@/lib/db/read';
import type { Connection, FirmUser, Workspace } from '@/lib/db/records';
import type { FirmConnectionRow, HubState } from '@/lib/hub/state';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError, SetupState } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { isolated } from '@/lib/text/hostile';
import { BackgroundStatus } from './BackgroundStatus';
import { ClientsDialog } from './clients/ClientsDialog';
import { describeBackfillEnd, describeCheck } from './describe';
import { FirstRunForm } from './FirstRunForm';
import { HubServerSection } from './HubServerSection';
import { useLiveQuery } from './hooks/useLiveQuery';
import { IntegrationTable } from './IntegrationTable';
import { ManageAccountsDialog } from './ManageAccountsDialog';
import { ProblemNotice } from './ProblemNotice';
import { RemoveDialog } from './RemoveDialog';
import { SyncPreferencesForm } from './SyncPreferencesForm';
import { WorkspaceDialog } from './WorkspaceDialog';

/** Ticks so "Last synced" stays true while the page is open. */
const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 30_000);

type OpenDialog =
  | { kind: 'workspace'; tenantId: string }
  | { kind: 'accounts'; tenantId: string; openedAt: number }
  | { kind: 'remove'; tenantId: string }
  | { kind: 'clients'; workspace: { id: string; name: string } }
  | null;

const asProblem = (error: unknown): MessageError =>
  error instanceof BackgroundError
    ? error.detail
    : {
        code: 'unknown',
        message: 'Client Hub could not reach its background. Reload this page and try again.',
      };

export function OptionsApp({ db }: { db: ClientHubDb }) {
  const [setup, setSetup] = useState<SetupState | null>(null);
  const [setupProblem, setSetupProblem] = useState<MessageError | null>(null);
  const view = useLiveQuery(() => readIntegrationView(db), [db], {
    latestRuns: {},
    accountNames: {},
    setAside: {},
    connections: [],
    workspaces: [],
    pendingRemovals: [],
    damaged: [],
  });
  const [busy, setBusy] = useState<'add' | string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [workspaceQueue, setWorkspaceQueue] = useState<string[]>([]);
  /** A backfill started by Manage Accounts: its "Looking for transactions…" notice ends with it. */
  const [backfill, setBackfill] = useState<{ tenantId: string; since: number } | null>(null);
  /** Connected to the firm's server: its companies, and the firm's workspaces. */
  const [firmRows, setFirmRows] = useState<FirmConnectionRow[] | null>(null);
  const [firmProblem, setFirmProblem] = useState<MessageError | null>(null);
  const [hubWorkspaces, setHubWorkspaces] = useState<Workspace[] | null>(null);
  /** The firm's workspaces with their companies: each row's "Clients & reminders". */
  const [firmWorkspaces, setFirmWorkspaces] = useState<
    { id: string; name: string; tenantId: string | null }[] | null
  >(null);
  const hubSignedIn = Boolean(setup?.hub.connected && !setup.hub.signInRefused);

  useEffect(() => {
    // Asks the server who this is first (a role changed there shows at once), then the setup.
    ask({ type: 'hub.check' })
      .catch(() => undefined)
      .then(() => ask({ type: 'setup.state' }))
      .then(setSetup, (error) => setSetupProblem(asProblem(error)));
    // Opening the page refreshes every row's health from Xero; the table updates as answers arrive.
    ask({ type: 'connections.check' }).catch(() => undefined);
  }, []);

  // The firm's table: read again whenever this browser's own rows change.
  const localKey = view.connections
    .map((c) => `${c.tenantId}:${c.health.state}:${c.lastSyncedAt}:${c.workspaceId}`)
    .join('|');
  useEffect(() => {
    if (!hubSignedIn) {
      setFirmRows(null);
      setFirmWorkspaces(null);
      return;
    }
    let current = true;
    ask({ type: 'hub.workspaces' }).then(
      (result) => current && setFirmWorkspaces(result.workspaces),
      () => undefined,
    );
    ask({ type: 'hub.connections' }).then(
      (result) => {
        if (!current) return;
        setFirmRows(result.rows);
        setFirmProblem(null);
      },
      (error) => current && setFirmProblem(asProblem(error)),
    );
    return () => {
      current = false;
    };
  }, [hubSignedIn, localKey]);

  const openWorkspaceDialog = (tenantId: string) => {
    setDialog({ kind: 'workspace', tenantId });
    if (!hubSignedIn) return;
    setHubWorkspaces(null);
    ask({ type: 'hub.workspaces' }).then(
      (result) =>
        setHubWorkspaces(
          result.workspaces.map((w) => ({ id: w.id, name: w.name.slice(0, 120), createdAt: 0 })),
        ),
      (error) => setProblem(asProblem(error)),
    );
  };

  // New companies are linked to a workspace one after another, right after sign-in.
  useEffect(() => {
    if (dialog === null && workspaceQueue.length > 0) {
      const [next, ...rest] = workspaceQueue;
      setWorkspaceQueue(rest);
      if (next) openWorkspaceDialog(next);
    }
  }, [dialog, workspaceQueue]);

  useEffect(() => {
    if (!backfill) return;
    const run = view.latestRuns[backfill.tenantId];
    if (run?.reason !== 'accounts-saved' || run.startedAt < backfill.since || run.state === 'running') return;
    setBackfill(null);
    const row = view.connections.find((c) => c.tenantId === backfill.tenantId);
    setStatus(describeBackfillEnd(row?.organisation?.name ?? row?.tenantName ?? 'The Xero company', run));
  }, [backfill, view.latestRuns, view.connections]);

  if (setupProblem) return <ProblemNotice problem={setupProblem} />;
  if (!setup) return <p class="muted">Loading…</p>;

  const user = setup.firmUser;
  const canChange = user?.role === 'admin';
  const hub = setup.hub;
  const serverRole = hub.connected && hub.user ? hub.user.role : null;
  const onHubChange = async (state: HubState) => {
    setSetup({ ...(await ask({ type: 'setup.state' })), hub: state });
  };
  const rowOf = (tenantId: string) => view.connections.find((c) => c.tenantId === tenantId);

  async function run(label: string | null, task: () => Promise<string | null>) {
    setBusy(label);
    setProblem(null);
    setStatus(null);
    try {
      setStatus(await task());
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(null);
    }
  }

  const addCompany = () =>
    run('add', async () => {
      const result = await ask({ type: 'connections.add' });
      const needWorkspace = result.added.map((c) => c.tenantId);
      setWorkspaceQueue((queue) => [...queue, ...needWorkspace]);
      const parts = [];
      if (result.added.length)
        parts.push(`Connected ${result.added.map((c) => isolated(c.name)).join(', ')}.`);
      if (result.refreshed.length)
        parts.push(`Reconnected ${result.refreshed.map((c) => isolated(c.name)).join(', ')}.`);
      return parts.join(' ') || 'Xero sign-in finished, but no Xero company was chosen.';
    });

  const refresh = (row: Connection) =>
    run(row.tenantId, async () => {
      const result = await ask({ type: 'connections.refresh', tenantId: row.tenantId });
      return result.reconnected
        ? `Reconnected ${isolated(row.tenantName)}.`
        : `${isolated(row.tenantName)} is connected and working.`;
    });

  const remove = (row: Connection) =>
    run(row.tenantId, async () => {
      const result = await ask({ type: 'connections.remove', tenantId: row.tenantId });
      if (result.state === 'queued') {
        return `Xero could not be reached, so ${isolated(result.name)} will be removed as soon as it can be. Nothing is lost.`;
      }
      if (result.state === 'cancelled') {
        return `${isolated(result.name)} was connected again while it was being removed, so nothing was removed.`;
      }
      return `Removed ${isolated(result.name)}: disconnected in Xero and deleted from Client Hub on this computer${
        result.tasksDeleted > 0
          ? `, with its ${result.tasksDeleted} Client Task${result.tasksDeleted === 1 ? '' : 's'}`
          : ''
      }.${result.revokedSignIn ? ' Its Xero sign-in was also revoked.' : ''}`;
    });

  const checkForNew = () =>
    run('sync', async () => {
      const result = await ask({ type: 'sync.now' });
      return (
        result.runs.map((r) => `${isolated(r.name)}: ${describeCheck(r)}.`).join(' ') ||
        'No Xero company to check.'
      );
    });

  const dialogRow = dialog && 'tenantId' in dialog ? rowOf(dialog.tenantId) : undefined;

  return (
    <main class="options">
      <header class="page-header">
        <div>
          <p class="muted">Setup &amp; Settings</p>
          <h1>Xero integration</h1>
        </div>
        {user && (
          <p class="muted" data-testid="firm-user">
            {user.name} ·{' '}
            {serverRole === 'Admin' || (!serverRole && user.role === 'admin')
              ? 'Client Hub Admin'
              : `Client Hub ${serverRole ?? 'Staff'}`}
          </p>
        )}
      </header>
      <HubServerSection hub={hub} onChange={(state) => void onHubChange(state)} />
      {!user ? (
        <FirstRunForm
          managedRole={setup.managedRole}
          onSave={async (firmUser: FirmUser) =>
            setSetup(await ask({ type: 'setup.saveFirmUser', user: firmUser }))
          }
        />
      ) : (
        <>
          <p class="muted">
            Connect your clients’ Xero companies. Client Hub turns their uncategorised bank transactions into
            Client Tasks and brings the answers back into Xero.
          </p>
          {!canChange && (
            <p class="notice" id="staff-note">
              You can see the Xero integration. Only a Client Hub Admin can connect, refresh or remove Xero
              companies, or change their accounts. Ask an Admin in your firm.
              {serverRole ? ` Your role (${serverRole}) comes from your firm’s Client Hub server.` : ''}
            </p>
          )}
          <section class="card" aria-labelledby="connected-heading">
            <h2 id="connected-heading">Connected Xero companies</h2>
            <IntegrationTable
              connections={view.connections}
              workspaces={view.workspaces}
              pendingRemovals={view.pendingRemovals}
              latestRuns={view.latestRuns}
              setAside={view.setAside}
              accountNames={view.accountNames}
              now={now.value}
              firmRows={firmRows}
              canChange={canChange}
              busyTenantId={busy}
              onManageAccounts={(row) => {
                setBackfill(null);
                setDialog({ kind: 'accounts', tenantId: row.tenantId, openedAt: Date.now() });
              }}
              onRefresh={refresh}
              onRemove={(row) => setDialog({ kind: 'remove', tenantId: row.tenantId })}
              onChooseWorkspace={(row) => openWorkspaceDialog(row.tenantId)}
              hubWorkspaces={firmWorkspaces}
              onOpenClients={(workspace) => setDialog({ kind: 'clients', workspace })}
            />
            {firmProblem && <ProblemNotice problem={firmProblem} />}
            {view.damaged.length > 0 && (
              <p class="notice problem">
                {view.damaged.length} saved record(s) could not be read and are not shown (
                {view.damaged.map((d) => `${d.table}: ${d.reason}`).join('; ')}).
              </p>
            )}
            <div aria-live="polite">
              {busy === 'add' && <p class="muted">Waiting for Xero sign-in in the window that opened…</p>}
              {status && (
                <p class="notice" role="status">
                  {status}
                </p>
              )}
            </div>
            {problem && <ProblemNotice problem={problem} />}
            <p>
              <button
                type="button"
                class="primary"
                onClick={addCompany}
                disabled={!canChange || busy !== null || !setup.clientIdConfigured}
                aria-describedby={!canChange ? 'staff-note' : undefined}
              >
                + Add Another Xero company
              </button>{' '}
              <button
                type="button"
                onClick={checkForNew}
                disabled={busy !== null || view.connections.length === 0}
              >
                {busy === 'sync' ? 'Checking…' : 'Check for new transactions'}
              </button>
            </p>
            {!setup.clientIdConfigured && (
              <ProblemNotice
                problem={{
                  title: 'No Xero app is set up',
                  message: 'Client Hub needs the client id of your firm’s Xero app before it can connect.',
                  action: 'Ask your IT admin to set the Xero app client id (see “Xero app settings” below).',
                }}
              />
            )}
          </section>
          <details class="card">
            <summary>Sync settings</summary>
            <SyncPreferencesForm canChange={canChange} />
          </details>
          <details class="card">
            <summary>Xero app settings</summary>
            <p>
              Redirect URI to register in your firm’s Xero app:{' '}
              <code data-testid="redirect-uri">{setup.redirectUri}</code>
            </p>
            <p class="muted">
              {setup.target === 'sandbox'
                ? 'This build talks to the Xero sandbox, not real Xero.'
                : 'This build talks to Xero.'}
            </p>
          </details>
        </>
      )}
      {dialog?.kind === 'workspace' && dialogRow && (!hubSignedIn || hubWorkspaces) && (
        <WorkspaceDialog
          key={dialogRow.tenantId}
          row={dialogRow}
          workspaces={hubSignedIn ? (hubWorkspaces ?? []) : view.workspaces}
          onServer={hubSignedIn}
          onClose={() => setDialog(null)}
          onSave={async (choice) => {
            await ask({ type: 'connections.linkWorkspace', tenantId: dialogRow.tenantId, choice }).catch(
              (error) => {
                throw new Error(asProblem(error).message);
              },
            );
          }}
        />
      )}
      {dialog?.kind === 'accounts' && dialogRow && (
        <ManageAccountsDialog
          row={dialogRow}
          canChange={canChange}
          onClose={() => setDialog(null)}
          onSaved={(message) => {
            setStatus(message);
            // The backfill this save started began after the dialog opened.
            setBackfill({ tenantId: dialogRow.tenantId, since: dialog.openedAt });
          }}
        />
      )}
      {dialog?.kind === 'remove' && dialogRow && (
        <RemoveDialog
          db={db}
          row={dialogRow}
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void remove(dialogRow);
          }}
        />
      )}
      {dialog?.kind === 'clients' && (
        <ClientsDialog
          key={dialog.workspace.id}
          workspaceId={dialog.workspace.id}
          workspaceName={dialog.workspace.name}
          onClose={() => setDialog(null)}
        />
      )}
      <footer>
        <BackgroundStatus />
      </footer>
    </main>
  );
}
