import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ClientHubDb } from '@/lib/db/database';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import type { ClientTaskStatus } from '@/lib/sync/records';
import { rememberCounts, rememberedCounts } from '@/lib/tasks/count-cache';
import { isolated } from '@/lib/text/hostile';
import { ClientsDialog } from '../clients/ClientsDialog';
import { useLiveQuery } from '../hooks/useLiveQuery';
import { useThrottledQuery } from '../hooks/useThrottledQuery';
import { ProblemNotice } from '../ProblemNotice';
import { BulkAccept } from '../suggestions/BulkAccept';
import { countsIn, money, NO_WORKSPACE, type SortKey, STATUSES, tasksCsv } from './data';
import { TaskPanel } from './TaskPanel';
import { TaskTable } from './TaskTable';
import { useTaskList } from './useTaskList';

/** How often, at most, the tabs' counts are counted again while tasks are being written. */
const COUNT_EVERY_MS = 1000;

const NO_PLACES = { workspaces: [], connections: [], hasUnlinked: false };

const taskFromHash = () => /(?:^#|&)task=([^&]+)/.exec(location.hash)?.[1] ?? null;

async function readWorkspaces(db: ClientHubDb) {
  const [workspaces, connections] = await Promise.all([db.workspaces.toArray(), db.connections.toArray()]);
  return {
    workspaces: workspaces.sort((a, b) => a.name.localeCompare(b.name)),
    connections,
    hasUnlinked: connections.some((c) => c.workspaceId === null),
  };
}

/** The Client Tasks page: a workspace's tasks by status, searchable, and one task's panel beside. */
export function TasksPage({ db }: { db: ClientHubDb }) {
  const read = useLiveQuery<Awaited<ReturnType<typeof readWorkspaces>> | null>(
    () => readWorkspaces(db),
    [db],
    null,
  );
  const places = read ?? NO_PLACES;
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const [status, setStatus] = useState<ClientTaskStatus>('Open');
  const [search, setSearch] = useState('');
  const [bankAccountId, setBankAccountId] = useState('');
  const [tenantId, setTenantId] = useState('');
  const [sort, setSort] = useState<SortKey>('date');
  const [descending, setDescending] = useState(true);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openTaskId, setOpenTaskId] = useState<string | null>(taskFromHash());
  const [isAdmin, setIsAdmin] = useState(false);
  /** Signed in to the firm's Client Hub server: the workspace's clients and reminders live there. */
  const [onHub, setOnHub] = useState(false);
  const [clientsOpen, setClientsOpen] = useState(false);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [now] = useState(Date.now());

  useEffect(() => {
    // Only the panel's admin actions need the role: asked once the page is idle, so waking the
    // background (and what it does after each message) stays out of the first screen's way.
    const idle = requestIdleCallback(
      () =>
        void ask({ type: 'setup.state' }).then(
          (state) => {
            setIsAdmin(state.firmUser?.role === 'admin');
            setOnHub(state.hub.connected && !state.hub.signInRefused);
          },
          () => undefined,
        ),
      { timeout: 1000 },
    );
    const onHash = () => setOpenTaskId(taskFromHash());
    addEventListener('hashchange', onHash);
    return () => {
      cancelIdleCallback(idle);
      removeEventListener('hashchange', onHash);
    };
  }, []);

  // A link to one task (#task=…) opens in that task's workspace and tab.
  useEffect(() => {
    if (!openTaskId) return;
    void db.clientTasks
      .where('id')
      .equals(openTaskId)
      .first()
      .then((task) => {
        if (!task) return;
        setWorkspaceId(task.workspaceId ?? NO_WORKSPACE);
        setStatus(task.status);
      });
  }, [db, openTaskId]);

  // Until the workspaces are read there is no tab to show: guessing "No workspace" would count and
  // read every task of a status (that view has no index) before the first screen.
  const current: string | null =
    workspaceId ??
    (read === null
      ? null
      : (places.workspaces[0]?.id ??
        (places.hasUnlinked || places.workspaces.length === 0 ? NO_WORKSPACE : '')));
  // Counted after writes at most once a second: during a first pull of 100,000 tasks, counting after
  // every page of it kept IndexedDB busy and slowed the pull itself.
  const counted = useThrottledQuery(
    db.name,
    'clientTasks',
    async () => (current === null ? null : { workspaceId: current, counts: await countsIn(db, current) }),
    [db, current],
    null,
    COUNT_EVERY_MS,
  );
  // The counts as last seen in this workspace show with the first screen; the real ones replace them.
  const remembered = useMemo(
    () => (current === null ? null : rememberedCounts(localStorage, current)),
    [current],
  );
  const counts = counted?.workspaceId === current ? counted.counts : remembered;
  useEffect(() => {
    if (counted) rememberCounts(localStorage, counted.workspaceId, counted.counts);
  }, [counted]);
  const tabList = useTaskList(
    db,
    current,
    status,
    sort,
    descending,
    { search, bankAccountId, tenantId },
    counts ? counts[status] : null,
  );
  const list = tabList.list ?? [];
  const names = useMemo(
    () => new Map(places.connections.map((c) => [c.tenantId, c.tenantName])),
    [places.connections],
  );
  const companyName = (id: string) => names.get(id) ?? 'Xero company';
  const { bankAccounts } = tabList;
  const currentWorkspace = places.workspaces.find((w) => w.id === current);
  const companies = places.connections.filter((c) =>
    current === NO_WORKSPACE ? c.workspaceId === null : c.workspaceId === current,
  );

  const open = (taskId: string | null) => {
    setOpenTaskId(taskId);
    history.replaceState(null, '', taskId ? `#task=${encodeURIComponent(taskId)}` : location.pathname);
  };
  const toggle = (taskId: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(taskId)) next.delete(taskId);
      else next.add(taskId);
      return next;
    });
  const chosen = selected.size === 0 ? [] : list.filter((t) => selected.has(t.id));
  // Rows can be ticked from the first screen before the full list is in.
  const chosenIds = tabList.complete ? chosen.map((t) => t.id) : [...selected];

  async function bulk(kind: 'close' | 'reopen') {
    setProblem(null);
    setNotice(null);
    try {
      const taskIds = chosenIds;
      if (kind === 'close') {
        const r = await ask({ type: 'tasks.close', taskIds, recode: false });
        setNotice(
          `${r.closed} closed, ${r.writing} writing answers to Xero first, ${r.skipped} left as they were.`,
        );
      } else {
        const r = await ask({ type: 'tasks.reopen', taskIds });
        setNotice(`${r.reopened} re-opened, ${r.skipped} left as they were.`);
      }
      setSelected(new Set());
    } catch (error) {
      setProblem(
        error instanceof BackgroundError
          ? error.detail
          : { code: 'unknown', message: 'Client Hub could not reach its background.' },
      );
    }
  }

  // A large tab shows windows of rows: select-all and CSV first read it whole, then run.
  const [afterRead, setAfterRead] = useState<{ tab: string; action: 'select-all' | 'csv' } | null>(null);
  const tabKey = `${current}\u0000${status}`;
  useEffect(() => {
    if (!afterRead || !tabList.complete) return;
    setAfterRead(null);
    if (afterRead.tab !== tabKey) return;
    if (afterRead.action === 'csv') exportCsv();
    else setSelected(new Set(list.map((t) => t.id)));
  }, [afterRead, tabList.complete]);
  const whenRead = (action: 'select-all' | 'csv') => {
    tabList.readAll();
    setAfterRead({ tab: tabKey, action });
  };

  function exportCsv() {
    const rows = chosen.length > 0 ? chosen : list;
    const blob = new Blob([`\uFEFF${tasksCsv(rows, companyName, now)}`], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `client-tasks-${status.toLowerCase()}-${new Date(now).toISOString().slice(0, 10)}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  return (
    <main class="tasks-page">
      <header class="page-header">
        <h1>Client Tasks</h1>
        <label>
          Workspace{' '}
          <select
            value={current ?? ''}
            onChange={(e) => {
              setWorkspaceId(e.currentTarget.value);
              setSelected(new Set());
              setTenantId('');
            }}
          >
            {places.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {isolated(w.name)}
              </option>
            ))}
            {(places.hasUnlinked || places.workspaces.length === 0) && (
              <option value={NO_WORKSPACE}>No workspace</option>
            )}
          </select>
        </label>
        {onHub && currentWorkspace && (
          <button type="button" onClick={() => setClientsOpen(true)}>
            Clients &amp; reminders
          </button>
        )}
      </header>
      {clientsOpen && currentWorkspace && (
        <ClientsDialog
          key={currentWorkspace.id}
          workspaceId={currentWorkspace.id}
          workspaceName={currentWorkspace.name}
          onClose={() => setClientsOpen(false)}
        />
      )}

      <div role="tablist" aria-label="Tasks by status" class="tabs">
        {STATUSES.map(({ status: s, label }) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === status}
            tabIndex={s === status ? 0 : -1}
            onClick={() => {
              setStatus(s);
              setSelected(new Set());
            }}
            onKeyDown={(e) => {
              const i = STATUSES.findIndex((x) => x.status === status);
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              const next = STATUSES[(i + step + STATUSES.length) % STATUSES.length];
              if (next) {
                setStatus(next.status);
                requestAnimationFrame(() =>
                  (
                    e.currentTarget.parentElement?.querySelector(
                      '[aria-selected="true"]',
                    ) as HTMLElement | null
                  )?.focus(),
                );
              }
            }}
          >
            {label} <span class="count">{counts ? counts[s] : '…'}</span>
          </button>
        ))}
      </div>

      <div class="filters">
        <label>
          Search{' '}
          <input
            type="search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            placeholder="Contact, description, amount"
          />
        </label>
        {companies.length > 1 && (
          <label>
            Xero company{' '}
            <select value={tenantId} onChange={(e) => setTenantId(e.currentTarget.value)}>
              <option value="">All</option>
              {companies.map((c) => (
                <option key={c.tenantId} value={c.tenantId}>
                  {isolated(c.tenantName)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Bank account{' '}
          <select value={bankAccountId} onChange={(e) => setBankAccountId(e.currentTarget.value)}>
            <option value="">All</option>
            {bankAccounts.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span class="muted" role="status" data-testid="task-count">
          {tabList.rowCount === null
            ? 'Loading…'
            : `${tabList.rowCount} task${tabList.rowCount === 1 ? '' : 's'}`}
        </span>
      </div>

      <div class="bulk buttons" role="toolbar" aria-label="Actions on selected tasks">
        <span class="muted">{chosenIds.length} selected</span>
        <button type="button" disabled={chosenIds.length === 0} onClick={() => void bulk('close')}>
          Close selected
        </button>
        <button type="button" disabled={chosenIds.length === 0} onClick={() => void bulk('reopen')}>
          Re-open selected
        </button>
        <button
          type="button"
          onClick={() => (tabList.complete ? exportCsv() : whenRead('csv'))}
          disabled={afterRead !== null || (tabList.complete ? list.length === 0 : !tabList.rowCount)}
        >
          Export CSV{chosen.length > 0 ? ' (selected)' : ''}
        </button>
        {isAdmin && current !== null && (
          <BulkAccept
            workspaceId={current === NO_WORKSPACE ? null : current}
            describe={async (taskId) => {
              const task = await db.clientTasks.where('id').equals(taskId).first();
              return task
                ? {
                    contact: task.snapshot.contactName,
                    amount: money(task.snapshot.amount, task.snapshot.currency),
                  }
                : null;
            }}
          />
        )}
      </div>
      {problem && <ProblemNotice problem={problem} />}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}

      <div class={openTaskId ? 'tasks-layout with-panel' : 'tasks-layout'}>
        <TaskTable
          rowCount={tabList.rowCount ?? 0}
          rowAt={tabList.rowAt}
          onShowRows={tabList.showRows}
          busy={tabList.busy}
          canSelectAll={afterRead === null && (tabList.complete || (tabList.rowCount ?? 0) > 0)}
          allSelected={
            list.length > 0 && selected.size >= list.length && list.every((t) => selected.has(t.id))
          }
          selected={selected}
          onToggle={toggle}
          onToggleAll={() =>
            tabList.complete
              ? setSelected((s) =>
                  list.length > 0 && list.every((t) => s.has(t.id))
                    ? new Set()
                    : new Set(list.map((t) => t.id)),
                )
              : whenRead('select-all')
          }
          onOpen={open}
          openTaskId={openTaskId}
          sort={sort}
          descending={descending}
          onSort={(key) => {
            if (key === sort) setDescending((d) => !d);
            else {
              setSort(key);
              setDescending(true);
            }
          }}
          now={now}
          companyName={companyName}
        />
        {openTaskId && <TaskPanel db={db} taskId={openTaskId} isAdmin={isAdmin} onClose={() => open(null)} />}
      </div>
    </main>
  );
}
