import type { WithLock } from '../auth/token-manager';
import { companyIsConnected } from '../db/company-data';
import type { ClientHubDb } from '../db/database';
import { type Connection, connectionSchema } from '../db/records';
import { describeFailure, failureFromThrown, type Problem, type XeroFailure } from '../errors';
import { queueHubChart, queueHubTasks } from '../hub/push';
import { historyChangesOf } from '../suggestions/entries';
import type { XeroApi } from '../xero/api';
import { FailureError } from '../xero/failure-error';
import type { Governor } from './governor';
import {
  type AccountRecord,
  type BankTransactionRecord,
  type ClientTask,
  DEFAULT_TYPES,
  type QuarantineRecord,
  type SupportedType,
  type SyncCursor,
  type SyncPhase,
  type SyncRun,
  syncCursorSchema,
  syncSettingsSchema,
  type TaskActivity,
} from './records';
import { applyTransaction, type TaskScope } from './rules';
import { backfillFromDate } from './timezone';
import {
  accountsEnvelopeSchema,
  backfillWhere,
  bankTransactionsPageSchema,
  incrementalWhere,
  modifiedSinceHeader,
  readAccount,
  readBankTransaction,
} from './xero-bank';

/**
 * The sync of one Xero company: a 90-day backfill, then incremental sync with If-Modified-Since.
 *
 * Pages are read in `UpdatedDateUTC` order and the cursor is a keyset (If-Modified-Since of the last
 * record's second) rather than a page number, so a record edited in Xero while we page moves behind
 * the cursor and is read again instead of shifting an unread record onto a page already read.
 * Each page's task changes, its cursor and the run's progress are committed in ONE Dexie transaction:
 * a worker killed anywhere resumes from the last committed page, and re-reading a page changes nothing.
 */

export interface SyncProgress {
  tenantId: string;
  runId: string;
  phase: SyncPhase;
  scanned: number;
  expected: number | null;
  tasksCreated: number;
  tasksUpdated: number;
}

export interface SyncEngineDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  /** One sync per Xero company at a time, across the extension's contexts (Web Locks). */
  withLock: WithLock;
  newId: () => string;
  /** The same governor the api uses: retries of unreadable pages back off through it. */
  governor?: Governor;
  onProgress?: (progress: SyncProgress) => void;
  /** Records per page: Xero's maximum by default. */
  pageSize?: number;
  /** Incremental sync re-reads this much before its cursor, for changes Xero stamped late. */
  overlapMs?: number;
  backfillDays?: number;
  /** Attempts at a page whose body could not be read, before the run fails (resumes next run). */
  maxPageAttempts?: number;
}

export interface SyncOptions {
  /** Why this run started: 'schedule', 'browser-start', 'accounts-saved', 'check-now'. */
  reason?: string;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export const SYNC_LOCK_PREFIX = 'client-hub-sync:';
/** The company's sync lock: its sync holds it, and so does Remove. */
export const companyLockName = (tenantId: string) => `${SYNC_LOCK_PREFIX}${tenantId}`;
const DEFAULT_OVERLAP_MS = 5 * 60_000;

/** Which transactions a company's tasks come from: a different scope needs a new backfill. */
export function scopeKeyOf(monitoredAccountIds: readonly string[], types: readonly SupportedType[]): string {
  const ids = [...new Set(monitoredAccountIds.map((id) => id.toLowerCase()))].sort();
  return `${[...types].sort().join('+')}|${ids.join(',')}`;
}

const failureDetailOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** What one page did to tasks: updated ones split by what Xero did to them. */
interface PageCounts {
  created: number;
  updated: number;
  resolved: number;
  cancelled: number;
  reopened: number;
  edited: number;
}

const COUNTED_KINDS: Partial<Record<TaskActivity['kind'], keyof PageCounts>> = {
  'categorised-in-xero': 'resolved',
  'removed-in-xero': 'cancelled',
  'back-in-monitored-account': 'reopened',
  'edited-in-xero': 'edited',
};

class PageUnreadable extends Error {
  constructor(readonly failure: XeroFailure) {
    super('page unreadable');
  }
}

export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, api } = deps;
  const pageSize = deps.pageSize ?? 1000;
  const overlapMs = deps.overlapMs ?? DEFAULT_OVERLAP_MS;
  const backfillDays = deps.backfillDays ?? 90;
  const maxPageAttempts = deps.maxPageAttempts ?? 5;

  async function typesFor(tenantId: string): Promise<SupportedType[]> {
    const row = await db.syncSettings.get(tenantId);
    const parsed = syncSettingsSchema.safeParse(row);
    return parsed.success ? parsed.data.types : [...DEFAULT_TYPES];
  }

  async function readCursor(tenantId: string): Promise<SyncCursor | undefined> {
    const parsed = syncCursorSchema.safeParse(await db.syncCursors.get(tenantId));
    return parsed.success ? parsed.data : undefined;
  }

  /** /Accounts for one company, stored (replacing the previous chart) and returned. */
  async function loadAccounts(
    connection: Connection,
    options: { priority?: 'interactive' | 'background'; signal?: AbortSignal } = {},
  ): Promise<AccountRecord[]> {
    if (!connection.grantId) throw new FailureError({ kind: 'connection', reason: 'removed' });
    const url = api.accounting('Accounts');
    const envelope = await api.json(
      url,
      {
        grantId: connection.grantId,
        tenantId: connection.tenantId,
        priority: options.priority ?? 'interactive',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      accountsEnvelopeSchema,
    );
    const now = deps.now();
    const accounts: AccountRecord[] = [];
    const quarantined: QuarantineRecord[] = [];
    envelope.Accounts.forEach((raw, index) => {
      const read = readAccount(raw, connection.tenantId, `account #${index + 1}`);
      if (read.ok) accounts.push(read.record);
      else quarantined.push({ ...read.quarantine, tenantId: connection.tenantId, at: now });
    });
    await db.transaction(
      'rw',
      [db.accounts, db.quarantine, db.connections, db.pendingRemovals, db.hubLinks, db.outbox],
      async () => {
        // Removed while Xero answered: write nothing of it.
        if (!(await companyIsConnected(db, connection.tenantId)))
          throw new FailureError({ kind: 'connection', reason: 'removed' });
        await db.accounts.where('tenantId').equals(connection.tenantId).delete();
        await db.accounts.bulkPut(accounts);
        await db.quarantine.bulkPut(quarantined);
        // The firm's server offers clients this chart (portal account choice), when it changed.
        await queueHubChart(db, connection.tenantId, now);
      },
    );
    return accounts;
  }

  async function requireConnection(tenantId: string): Promise<Connection> {
    const parsed = connectionSchema.safeParse(await db.connections.get(tenantId));
    if (!parsed.success) throw new FailureError({ kind: 'connection', reason: 'removed' });
    return parsed.data;
  }

  function problemOf(failure: XeroFailure, connection: Connection, error: unknown): Problem {
    // The token manager says when the grant was last used: tells "expired" from "revoked".
    const context = error instanceof FailureError ? error.context : {};
    return describeFailure(failure, { organisationName: connection.tenantName, now: deps.now() }, context);
  }

  /** Fetches one page and reads its envelope; an unreadable body is retried like any transient failure. */
  async function fetchPage(
    connection: Connection,
    query: { where: string; page: number; modifiedSince: number | null },
    signal: AbortSignal | undefined,
    countCall: () => void,
  ) {
    const grantId = connection.grantId as string;
    const url = api.accounting('BankTransactions');
    for (let attempt = 1; ; attempt++) {
      countCall();
      const response = await api.call(url, {
        grantId,
        tenantId: connection.tenantId,
        priority: 'background',
        searchParams: {
          where: query.where,
          order: 'UpdatedDateUTC ASC',
          page: String(query.page),
          pageSize: String(pageSize),
        },
        ...(query.modifiedSince !== null
          ? { headers: { 'If-Modified-Since': modifiedSinceHeader(query.modifiedSince) } }
          : {}),
        ...(signal ? { signal } : {}),
      });
      let failure: XeroFailure;
      try {
        const body: unknown = JSON.parse(await response.text());
        const envelope = bankTransactionsPageSchema.safeParse(body);
        if (envelope.success) return envelope.data;
        failure = {
          kind: 'malformed',
          endpoint: url,
          detail: envelope.error.issues[0]?.message ?? 'not a BankTransactions page',
        };
      } catch (error) {
        signal?.throwIfAborted();
        // A connection dropped while reading the body, or a body that is not JSON.
        failure =
          error instanceof SyntaxError
            ? { kind: 'malformed', endpoint: url, detail: 'Xero answered with something that is not JSON' }
            : { kind: 'network', detail: `The answer was cut off: ${failureDetailOf(error)}` };
      }
      const delay =
        deps.governor && attempt < maxPageAttempts
          ? deps.governor.retryDelay(connection.tenantId, failure, attempt, 'background')
          : undefined;
      if (delay === undefined) throw new PageUnreadable(failure);
      if (delay > 0) await deps.governor?.sleep(delay, signal);
    }
  }

  async function run(tenantId: string, options: SyncOptions): Promise<SyncRun | null> {
    const { signal } = options;
    const connection = await requireConnection(tenantId);
    if (!connection.grantId || connection.monitoredAccountIds.length === 0) return null;
    // Being removed (Xero could not be reached yet): nothing of it is synced any more.
    if (await db.pendingRemovals.get(tenantId)) return null;
    const types = await typesFor(tenantId);
    const scope: TaskScope = {
      monitoredAccountIds: new Set(connection.monitoredAccountIds.map((id) => id.toLowerCase())),
      types,
    };
    const scopeKey = scopeKeyOf(connection.monitoredAccountIds, types);
    const startedAt = deps.now();
    const callsBefore = deps.governor?.stats(tenantId).calls;
    // With a governor, count what really went to Xero (retries included).
    const callsMade = () =>
      callsBefore !== undefined && deps.governor
        ? deps.governor.stats(tenantId).calls - callsBefore
        : undefined;

    // Runs still 'running' under our lock were cut off (worker killed, tab closed).
    const stale = await db.syncRuns
      .where('tenantId')
      .equals(tenantId)
      .filter((r) => r.state === 'running')
      .toArray();
    for (const row of stale)
      await db.syncRuns.update(row.id, { state: 'interrupted', finishedAt: startedAt });

    let cursor = await readCursor(tenantId);
    const needsBackfill = !cursor || cursor.scopeKey !== scopeKey || cursor.phase === 'backfill';
    let syncRun: SyncRun = {
      id: deps.newId(),
      tenantId,
      reason: options.reason ?? 'schedule',
      startedAt,
      finishedAt: null,
      state: 'running',
      phase: needsBackfill ? 'backfill' : 'incremental',
      scanned: 0,
      expected: null,
      tasksCreated: 0,
      tasksUpdated: 0,
      tasksResolved: 0,
      tasksCancelled: 0,
      tasksReopened: 0,
      tasksEdited: 0,
      quarantined: 0,
      apiCalls: 0,
    };
    await db.syncRuns.put(syncRun);
    const progress = () => {
      const report: SyncProgress = {
        tenantId,
        runId: syncRun.id,
        phase: syncRun.phase,
        scanned: syncRun.scanned,
        expected: syncRun.expected,
        tasksCreated: syncRun.tasksCreated,
        tasksUpdated: syncRun.tasksUpdated,
      };
      deps.onProgress?.(report);
      options.onProgress?.(report);
    };
    const countCall = () => {
      syncRun = { ...syncRun, apiCalls: syncRun.apiCalls + 1 };
    };

    try {
      // Tasks follow the company's workspace when it is linked or changed.
      if (cursor && connection.workspaceId !== null && cursor.workspaceId !== connection.workspaceId) {
        await db.clientTasks
          .where('tenantId')
          .equals(tenantId)
          .filter((task) => task.workspaceId !== connection.workspaceId)
          .modify({ workspaceId: connection.workspaceId });
        cursor = { ...cursor, workspaceId: connection.workspaceId };
        await db.syncCursors.put(cursor);
      }

      if (!cursor || cursor.scopeKey !== scopeKey) {
        let timezone = connection.organisation?.timezone;
        if (!timezone) {
          countCall();
          const organisation = await api.organisation(connection.grantId, tenantId);
          timezone = organisation.timezone;
          await db.connections.update(tenantId, { organisation });
        }
        cursor = {
          tenantId,
          phase: 'backfill',
          scopeKey,
          backfill: {
            fromDate: backfillFromDate(deps.now(), timezone, backfillDays),
            startedAtServer: null,
            modifiedSince: null,
            page: 1,
            scanned: 0,
          },
          // Keep the incremental cursor: deletions of existing tasks' transactions must still be seen.
          modifiedSince: cursor?.modifiedSince ?? null,
          incremental: null,
          lastSuccessAt: cursor?.lastSuccessAt ?? null,
          workspaceId: connection.workspaceId,
        };
        await db.syncCursors.put(cursor);
      }

      const accountsDue =
        cursor.phase === 'backfill'
          ? !cursor.backfill?.accountsLoaded
          : (await db.accounts.where('tenantId').equals(tenantId).count()) === 0;
      if (accountsDue) {
        syncRun = { ...syncRun, phase: 'accounts' };
        progress();
        countCall();
        await loadAccounts(connection, { priority: 'background', ...(signal ? { signal } : {}) });
        if (cursor.backfill) {
          cursor = { ...cursor, backfill: { ...cursor.backfill, accountsLoaded: true } };
          await db.syncCursors.put(cursor);
        }
      }
      const accountsById = new Map(
        (await db.accounts.where('tenantId').equals(tenantId).toArray()).map((a) => [a.accountId, a]),
      );

      const backfilling = cursor.phase === 'backfill';
      // A resumed backfill's progress bar carries on from where the last run left it.
      const scannedBefore = backfilling ? (cursor.backfill?.scanned ?? 0) : 0;
      syncRun = { ...syncRun, phase: backfilling ? 'backfill' : 'incremental', scanned: scannedBefore };
      progress();

      for (;;) {
        signal?.throwIfAborted();
        const current: SyncCursor = cursor;
        const backfill = current.backfill;
        const query =
          current.phase === 'backfill' && backfill
            ? {
                where: backfillWhere(types, backfill.fromDate),
                page: backfill.page,
                modifiedSince: backfill.modifiedSince,
              }
            : {
                where: incrementalWhere(types),
                page: current.incremental?.page ?? 1,
                modifiedSince: current.incremental?.modifiedSince ?? current.modifiedSince,
              };
        const envelope = await fetchPage(connection, query, signal, countCall);
        const serverNow = envelope.DateTimeUTC ?? deps.now();
        const pageAt = deps.now();
        if (syncRun.expected === null && envelope.pagination) {
          // Xero counts what is left from the cursor on: add what earlier runs already scanned.
          syncRun = { ...syncRun, expected: scannedBefore + envelope.pagination.itemCount };
        }

        const records: BankTransactionRecord[] = [];
        const quarantined: QuarantineRecord[] = [];
        envelope.BankTransactions.forEach((raw, index) => {
          const read = readBankTransaction(raw, tenantId, `page ${query.page} record #${index + 1}`);
          if (read.ok) records.push(read.record);
          else quarantined.push({ ...read.quarantine, tenantId, at: pageAt });
        });

        const full = envelope.BankTransactions.length >= pageSize;
        const lastUpdated = records.reduce<number | null>(
          (max, r) => (max === null || r.updatedDateUtc > max ? r.updatedDateUtc : max),
          null,
        );
        // Keyset: continue from the last record's second; only when a whole page shares that second
        // (or no record was readable) does the page number move instead.
        const nextKey = (modifiedSince: number | null, page: number) => {
          const second = lastUpdated === null ? null : Math.floor(lastUpdated / 1000) * 1000;
          return second !== null && (modifiedSince === null || second > modifiedSince)
            ? { modifiedSince: second, page: 1 }
            : { modifiedSince, page: page + 1 };
        };

        let next: SyncCursor;
        if (current.phase === 'backfill' && backfill) {
          const startedAtServer = backfill.startedAtServer ?? serverNow;
          if (full) {
            const key = nextKey(backfill.modifiedSince, backfill.page);
            next = {
              ...current,
              backfill: {
                ...backfill,
                startedAtServer,
                modifiedSince: key.modifiedSince,
                page: key.page,
                scanned: backfill.scanned + envelope.BankTransactions.length,
              },
            };
          } else {
            // Everything changed since the backfill began is read again by incremental sync.
            const from = startedAtServer - overlapMs;
            next = {
              ...current,
              phase: 'incremental',
              backfill: null,
              modifiedSince: current.modifiedSince === null ? from : Math.min(current.modifiedSince, from),
              incremental: null,
              lastSuccessAt: pageAt,
            };
          }
        } else {
          const inc = current.incremental ?? {
            modifiedSince: current.modifiedSince ?? 0,
            page: 1,
            startedAtServer: serverNow,
          };
          if (full) {
            const key = nextKey(inc.modifiedSince, inc.page);
            next = {
              ...current,
              incremental: { ...inc, modifiedSince: key.modifiedSince ?? inc.modifiedSince, page: key.page },
            };
          } else {
            next = {
              ...current,
              modifiedSince: Math.max(current.modifiedSince ?? 0, inc.startedAtServer - overlapMs),
              incremental: null,
              lastSuccessAt: pageAt,
            };
          }
        }

        const counts = await commitPage(records, quarantined, next, scope, {
          tenantId,
          workspaceId: connection.workspaceId,
          accountsById,
          at: pageAt,
          signal,
          runUpdate: (c) => ({
            ...syncRun,
            scanned: syncRun.scanned + envelope.BankTransactions.length,
            tasksCreated: syncRun.tasksCreated + c.created,
            tasksUpdated: syncRun.tasksUpdated + c.updated,
            tasksResolved: (syncRun.tasksResolved ?? 0) + c.resolved,
            tasksCancelled: (syncRun.tasksCancelled ?? 0) + c.cancelled,
            tasksReopened: (syncRun.tasksReopened ?? 0) + c.reopened,
            tasksEdited: (syncRun.tasksEdited ?? 0) + c.edited,
            quarantined: syncRun.quarantined + quarantined.length,
          }),
        });
        syncRun = counts.run;
        cursor = next;
        progress();
        if (!full) break;
      }

      syncRun = {
        ...syncRun,
        phase: 'done',
        state: 'succeeded',
        finishedAt: deps.now(),
        apiCalls: callsMade() ?? syncRun.apiCalls,
      };
      await db.syncRuns.put(syncRun);
      await db.connections.update(tenantId, { lastSyncedAt: syncRun.finishedAt });
      progress();
      return syncRun;
    } catch (error) {
      const aborted = signal?.aborted === true;
      const failure = error instanceof PageUnreadable ? error.failure : failureOf(error);
      syncRun = {
        ...syncRun,
        state: aborted ? 'aborted' : 'failed',
        finishedAt: deps.now(),
        apiCalls: callsMade() ?? syncRun.apiCalls,
        ...(aborted ? {} : { problem: problemOf(failure, connection, error) }),
      };
      await db.syncRuns.put(syncRun);
      return syncRun;
    }
  }

  interface CommitContext {
    tenantId: string;
    workspaceId: string | null;
    accountsById: ReadonlyMap<string, AccountRecord>;
    at: number;
    signal: AbortSignal | undefined;
    runUpdate: (counts: PageCounts) => SyncRun;
  }

  /** One page: tasks, their activity, stored transactions, quarantine, cursor and run, all or nothing. */
  async function commitPage(
    records: BankTransactionRecord[],
    quarantined: QuarantineRecord[],
    next: SyncCursor,
    scope: TaskScope,
    context: CommitContext,
  ): Promise<{ run: SyncRun }> {
    const { tenantId } = context;
    return db.transaction(
      'rw',
      [
        db.clientTasks,
        db.taskActivity,
        db.bankTransactions,
        db.quarantine,
        db.syncCursors,
        db.syncRuns,
        db.connections,
        db.pendingRemovals,
        db.historyEntries,
        db.hubLinks,
        db.outbox,
      ],
      async () => {
        // A page read before Remove is not written after it (the lock makes this the rare case).
        context.signal?.throwIfAborted();
        if (!(await companyIsConnected(db, tenantId)))
          throw new FailureError({ kind: 'connection', reason: 'removed' });
        const keys = records.map((r): [string, string] => [tenantId, r.bankTransactionId]);
        const [existing, known] = await Promise.all([
          db.clientTasks.bulkGet(keys),
          db.bankTransactions.bulkGet(keys),
        ]);
        const tasks: ClientTask[] = [];
        const activity: TaskActivity[] = [];
        const stored: BankTransactionRecord[] = [];
        const counts: PageCounts = {
          created: 0,
          updated: 0,
          resolved: 0,
          cancelled: 0,
          reopened: 0,
          edited: 0,
        };
        // Within one page the same transaction can appear once only; later pages see earlier commits.
        records.forEach((record, index) => {
          // Older than what a write of ours stored (Xero answered our recode after this page was
          // read): applying it would report our own change back, reversed.
          if ((known[index]?.updatedDateUtc ?? Number.NEGATIVE_INFINITY) > record.updatedDateUtc) return;
          const outcome = applyTransaction(existing[index], record, scope, {
            tenantId,
            workspaceId: context.workspaceId,
            now: context.at,
            newId: deps.newId,
            accountsById: context.accountsById,
          });
          if (outcome.change === 'none') {
            if (existing[index]) stored.push(record);
            return;
          }
          if (outcome.change === 'created') counts.created++;
          else counts.updated++;
          const kind = outcome.activity[0]?.kind;
          const counted = kind ? COUNTED_KINDS[kind] : undefined;
          if (outcome.change === 'updated' && counted) counts[counted]++;
          tasks.push(outcome.task);
          stored.push(record);
          for (const draft of outcome.activity) {
            activity.push({ id: deps.newId(), taskId: outcome.task.id, tenantId, at: context.at, ...draft });
          }
        });
        await db.clientTasks.bulkPut(tasks);
        // Through the firm's Client Hub server when one is linked: sent from the outbox, in batches.
        const before = new Map(existing.flatMap((task) => (task ? [[task.id, task.status]] : [])));
        await queueHubTasks(db, tasks, {
          at: context.at,
          newId: deps.newId,
          statusOf: (task) => before.has(task.id) && before.get(task.id) !== task.status,
        });
        await db.taskActivity.bulkAdd(activity);
        await db.bankTransactions.bulkPut(stored);
        // Every page read keeps the suggestions' history current (If-Modified-Since, no extra calls).
        const history = historyChangesOf(records);
        await db.historyEntries.bulkPut(history.put);
        await db.historyEntries.bulkDelete(history.remove);
        if (quarantined.length > 0) await db.quarantine.bulkPut(quarantined);
        if ((await db.quarantine.where('tenantId').equals(tenantId).count()) > 0) {
          // A record Xero now sends readable leaves quarantine.
          await db.quarantine.bulkDelete(
            records.map((r): [string, string, string] => [tenantId, 'BankTransactions', r.bankTransactionId]),
          );
        }
        // A worker stopped here loses this whole page, never half of it.
        context.signal?.throwIfAborted();
        await db.syncCursors.put(next);
        const run = context.runUpdate(counts);
        await db.syncRuns.put(run);
        return { run };
      },
    );
  }

  function failureOf(error: unknown): XeroFailure {
    return error instanceof FailureError ? error.failure : failureFromThrown(error);
  }

  /** Syncs in flight or waiting for the lock, by tenant id: Remove aborts them. */
  const inFlight = new Map<string, Set<AbortController>>();

  async function syncOrganisation(tenantId: string, options: SyncOptions = {}): Promise<SyncRun | null> {
    const controller = new AbortController();
    const forward = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) forward();
    options.signal?.addEventListener('abort', forward, { once: true });
    const mine = inFlight.get(tenantId) ?? new Set();
    mine.add(controller);
    inFlight.set(tenantId, mine);
    try {
      return await deps.withLock(companyLockName(tenantId), async () =>
        // Stopped while it waited for the lock: it never starts, so it writes nothing.
        controller.signal.aborted ? null : run(tenantId, { ...options, signal: controller.signal }),
      );
    } finally {
      options.signal?.removeEventListener('abort', forward);
      mine.delete(controller);
      if (mine.size === 0 && inFlight.get(tenantId) === mine) inFlight.delete(tenantId);
    }
  }

  /** Aborts the company's syncs in flight or waiting: they stop at once and commit nothing more. */
  function stop(tenantId: string) {
    for (const controller of inFlight.get(tenantId) ?? []) {
      controller.abort(new DOMException('The Xero company is being removed', 'AbortError'));
    }
  }

  return {
    /**
     * Syncs one Xero company now (backfill first if needed). Waits for a sync of the same company
     * already running anywhere in the extension, then resumes from its cursor. Resolves with the run
     * (never throws for Xero problems: they are on `run.problem`), or null when there is nothing to
     * sync yet (no monitored accounts, or not connected).
     */
    syncOrganisation,
    stop,

    /** Every connected Xero company, one after another (each is governed separately anyway). */
    async syncAll(options: SyncOptions = {}): Promise<(SyncRun | null)[]> {
      const rows = await db.connections.toArray();
      const results: (SyncRun | null)[] = [];
      for (const row of rows) {
        if (options.signal?.aborted) break;
        results.push(await syncOrganisation(row.tenantId, options));
      }
      return results;
    },

    /** The chart of accounts for Manage Accounts (an interactive call), stored for task snapshots. */
    async loadAccounts(tenantId: string, options: { signal?: AbortSignal } = {}): Promise<AccountRecord[]> {
      return loadAccounts(await requireConnection(tenantId), { priority: 'interactive', ...options });
    },

    /**
     * Saves what Manage Accounts chose. A different set of accounts or types makes the next sync
     * backfill again (existing tasks are kept and never duplicated); the caller starts that sync.
     */
    async saveScope(
      tenantId: string,
      monitoredAccountIds: readonly string[],
      types: readonly SupportedType[],
    ) {
      const settings = syncSettingsSchema.parse({ tenantId, types: [...new Set(types)] });
      await db.transaction('rw', [db.connections, db.syncSettings], async () => {
        await requireConnection(tenantId);
        await db.connections.update(tenantId, {
          monitoredAccountIds: [...new Set(monitoredAccountIds.map((id) => id.toLowerCase()))],
        });
        await db.syncSettings.put(settings);
      });
    },
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
