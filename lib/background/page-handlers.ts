import { Dexie } from 'dexie';
import { companyIsConnected } from '../db/company-data';
import type { ClientHubDb } from '../db/database';
import { type Connection, connectionSchema } from '../db/records';
import type { FirmCompany } from '../hub/firm-connections';
import { queueHubTasks } from '../hub/push';
import type { NotPushable, TaskSummary, TasksChanged } from '../messaging/page-contract';
import type { Handlers } from '../messaging/router';
import {
  type BankTransactionRecord,
  type ClientTask,
  clientTaskSchema,
  DEFAULT_TYPES,
  type SupportedType,
  syncSettingsSchema,
  taskActivitySchema,
} from '../sync/records';
import { snapshotOf } from '../sync/rules';
import { bankTransactionsPageSchema, readBankTransaction } from '../sync/xero-bank';
import type { XeroApi } from '../xero/api';
import { FailureError } from '../xero/failure-error';
import { decideOrganisation } from './page-organisation';
import { createTransactionKinds, notPushableBecause, type TransactionKindsDeps } from './transaction-kinds';

/**
 * What the content script in Xero's pages asks the background: which connected Xero company a page
 * belongs to, the Client Tasks of the transactions it shows, "Push to Client Hub", "Open task". And
 * the other way: when tasks change anywhere (a sync, the Client Tasks page, another tab), open Xero
 * tabs hear `tasks.changed` and ask again.
 */

/** Reads the transaction from Xero and creates its task (one per company and transaction). */
export interface TaskGateway {
  lookup(
    tenantId: string,
    bankTransactionIds: readonly string[],
    includeActivity: boolean,
  ): Promise<{ tasks: TaskSummary[]; notPushable: NotPushable[] }>;
  push(tenantId: string, bankTransactionId: string): Promise<{ task: ClientTask; created: boolean }>;
}

export interface XeroTabs {
  query(query: { url: string[] }): Promise<{ id?: number | undefined }[]>;
  sendMessage(tabId: number, message: TasksChanged): Promise<unknown>;
  create(properties: { url: string }): Promise<unknown>;
}

export interface PageHandlerDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  newId: () => string;
  isAdmin: () => Promise<boolean>;
  /** Absent in Node tests: then nothing opens and no tab hears of changes. */
  tabs?: XeroTabs | undefined;
  /** The content script's match patterns: the tabs that may show badges. */
  xeroTabMatches: string[];
  /** runtime.getURL: the Client Tasks page's address. */
  extensionUrl: (path: string) => string;
  /** The firm's companies whose tasks come from its Client Hub server (none without a server). */
  firmCompanies?: () => Promise<FirmCompany[]>;
}

/** A refusal the bookkeeper can act on; describeError passes code and message through. */
export class PushRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function validConnections(rows: unknown[]): Connection[] {
  return rows.flatMap((row) => {
    const parsed = connectionSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

export function createTaskGateway(
  deps: Pick<PageHandlerDeps, 'db' | 'api' | 'now' | 'newId'>,
  options: Pick<TransactionKindsDeps, 'answeredLate' | 'waitMs'> = {},
): TaskGateway {
  const { db } = deps;
  const kinds = createTransactionKinds({ ...deps, ...options });
  /** Double clicks and two tabs ask the same worker: they share one push. */
  const inFlight = new Map<string, Promise<{ task: ClientTask; created: boolean }>>();

  async function storedTask(tenantId: string, bankTransactionId: string): Promise<ClientTask | undefined> {
    const parsed = clientTaskSchema.safeParse(await db.clientTasks.get([tenantId, bankTransactionId]));
    return parsed.success ? parsed.data : undefined;
  }

  async function readFromXero(
    connection: Connection,
    bankTransactionId: string,
  ): Promise<BankTransactionRecord> {
    if (!connection.grantId) throw new FailureError({ kind: 'connection', reason: 'removed' });
    const envelope = await deps.api.json(
      deps.api.accounting(`BankTransactions/${encodeURIComponent(bankTransactionId)}`),
      { grantId: connection.grantId, tenantId: connection.tenantId, priority: 'interactive' },
      bankTransactionsPageSchema,
    );
    const read = readBankTransaction(envelope.BankTransactions[0], connection.tenantId, 'pushed transaction');
    if (!read.ok) {
      throw new PushRefused(
        'transaction-unreadable',
        `Xero sent this transaction in a form Client Hub cannot read (${read.quarantine.reason}). Nothing was created.`,
      );
    }
    return read.record;
  }

  async function typesOf(tenantId: string): Promise<SupportedType[]> {
    const settings = syncSettingsSchema.safeParse(await db.syncSettings.get(tenantId));
    return settings.success ? settings.data.types : [...DEFAULT_TYPES];
  }

  async function push(tenantId: string, bankTransactionId: string) {
    const existing = await storedTask(tenantId, bankTransactionId);
    if (existing) return { task: existing, created: false };
    const connection = validConnections([await db.connections.get(tenantId)])[0];
    if (!connection) throw new FailureError({ kind: 'connection', reason: 'removed' });
    // From Xero, never from the page: the page's text is whatever is on screen, maybe stale or forged.
    const record = await readFromXero(connection, bankTransactionId);
    if (record.status !== 'AUTHORISED') {
      throw new PushRefused(
        'transaction-removed',
        'This transaction was deleted or voided in Xero, so it cannot become a Client Task.',
      );
    }
    const types = await typesOf(tenantId);
    if (record.type !== 'SPEND' && record.type !== 'RECEIVE') {
      throw new PushRefused(
        'transaction-type-unsupported',
        'Transfers, prepayments and overpayments cannot become Client Tasks. Only Spend and Receive Money can.',
      );
    }
    // Push follows the types the company chose in Manage Accounts, as the sync does.
    const notChosen = notPushableBecause(record.bankTransactionId, record, types);
    if (notChosen) throw new PushRefused('transaction-type-not-chosen', notChosen.message);
    const accounts = await db.accounts.where('tenantId').equals(tenantId).toArray();
    const accountsById = new Map(accounts.map((a) => [a.accountId, a]));
    const scope = {
      monitoredAccountIds: new Set(connection.monitoredAccountIds.map((id) => id.toLowerCase())),
      types,
    };
    const at = deps.now();
    const task: ClientTask = {
      id: deps.newId(),
      tenantId,
      workspaceId: connection.workspaceId,
      bankTransactionId: record.bankTransactionId,
      status: 'Open',
      origin: 'push',
      snapshot: snapshotOf(record, scope, { accountsById }),
      createdAt: at,
      updatedAt: at,
    };
    try {
      // The same rule as the sync: one task per (company, transaction). The compound primary key makes
      // a second row impossible even if a sync or another context got there first.
      const tables = [
        db.clientTasks,
        db.taskActivity,
        db.bankTransactions,
        db.connections,
        db.pendingRemovals,
        db.hubLinks,
        db.outbox,
      ];
      return await db.transaction('rw', tables, async () => {
        // Removed while Xero answered: nothing of the company is written back.
        if (!(await companyIsConnected(db, tenantId)))
          throw new FailureError({ kind: 'connection', reason: 'removed' });
        const raced = await storedTask(tenantId, record.bankTransactionId);
        if (raced) return { task: raced, created: false };
        await db.clientTasks.add(task);
        await queueHubTasks(db, [task], { at, newId: deps.newId });
        await db.taskActivity.add({
          id: deps.newId(),
          taskId: task.id,
          tenantId,
          at,
          kind: 'created',
          text: 'Task created from Xero (Push to Client Hub)',
          changes: [],
        });
        await db.bankTransactions.put(record);
        return { task, created: true };
      });
    } catch (error) {
      const raced = await storedTask(tenantId, record.bankTransactionId);
      if (raced) return { task: raced, created: false };
      throw error;
    }
  }

  return {
    async lookup(tenantId, bankTransactionIds, includeActivity) {
      const ids = [...new Set(bankTransactionIds.map((id) => id.toLowerCase()))];
      const rows = await db.clientTasks.bulkGet(ids.map((id): [string, string] => [tenantId, id]));
      const tasks = rows.flatMap((row) => {
        const parsed = clientTaskSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
      const withTask = new Set(tasks.map((task) => task.bankTransactionId));
      const rest = ids.filter((id) => !withTask.has(id));
      const connection =
        rest.length > 0 ? validConnections([await db.connections.get(tenantId)])[0] : undefined;
      const notPushable = connection
        ? await kinds.notPushable(connection, rest, await typesOf(tenantId))
        : [];
      const summaries = await Promise.all(
        tasks.map(async (task): Promise<TaskSummary> => {
          const summary = { bankTransactionId: task.bankTransactionId, taskId: task.id, status: task.status };
          if (!includeActivity) return summary;
          const latest = taskActivitySchema.safeParse(
            await db.taskActivity
              .where('[taskId+at]')
              .between([task.id, Dexie.minKey], [task.id, Dexie.maxKey])
              .last(),
          );
          return {
            ...summary,
            latestActivity: latest.success ? { text: latest.data.text, at: latest.data.at } : null,
          };
        }),
      );
      return { tasks: summaries, notPushable };
    },
    push(tenantId, bankTransactionId) {
      const id = bankTransactionId.toLowerCase();
      const key = `${tenantId}\n${id}`;
      let running = inFlight.get(key);
      if (!running) {
        running = push(tenantId, id).finally(() => inFlight.delete(key));
        inFlight.set(key, running);
      }
      return running;
    },
  };
}

type PageHandlers = Pick<Handlers, 'xero.pageContext' | 'tasks.lookup' | 'tasks.push' | 'tasks.open'>;

export function createPageHandlers(deps: PageHandlerDeps, given?: TaskGateway) {
  const { db } = deps;
  // What Xero says late about a page's ids (a payment, a transfer) reaches its badges.
  const gateway =
    given ?? createTaskGateway(deps, { answeredLate: (tenantId) => void notifyXeroTabs(tenantId) });

  /** A company of the firm that this browser holds no Xero sign-in for, by tenant. */
  async function colleagueCompany(tenantId: string): Promise<FirmCompany | undefined> {
    if (validConnections([await db.connections.get(tenantId)]).length > 0) return undefined;
    return (await deps.firmCompanies?.())?.find((c) => c.tenantId === tenantId);
  }

  /**
   * Why a transaction of a colleague's company has no Push here: the task is made from Xero's own
   * record of it, which only a browser holding the company's Xero sign-in can read (never the page).
   */
  const noPushHere = (company: FirmCompany): Omit<NotPushable, 'bankTransactionId'> => ({
    label: 'No Client Task',
    message: `No Client Task yet. This browser is not connected to ${company.organisationName} in Xero, so it cannot make one: Client Hub reads the transaction from Xero first. ${company.connectedBy}’s browser syncs this company; ask them or an Admin to push it.`,
  });

  /** Tells every Xero tab that tasks changed; a tab without our content script just refuses. */
  async function notifyXeroTabs(tenantId: string | null) {
    if (!deps.tabs) return;
    const tabs = await deps.tabs.query({ url: deps.xeroTabMatches }).catch(() => []);
    const message: TasksChanged = { type: 'tasks.changed', tenantId };
    await Promise.all(
      tabs.map((tab) =>
        tab.id === undefined ? undefined : deps.tabs?.sendMessage(tab.id, message).catch(() => undefined),
      ),
    );
  }

  let pending: ReturnType<typeof setTimeout> | undefined;
  /**
   * Client Tasks change in the worker (sync, push) and in extension pages; Dexie reports both here
   * (its storagemutated event crosses contexts through a BroadcastChannel). Bursts become one message.
   */
  function watchTaskChanges(): () => void {
    const prefix = `idb://${db.name}/clientTasks/`;
    const onMutated = (parts: Record<string, unknown>) => {
      if (!('all' in parts) && !Object.keys(parts).some((part) => part.startsWith(prefix))) return;
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void notifyXeroTabs(null);
      }, 200);
    };
    Dexie.on('storagemutated', onMutated);
    return () => Dexie.on.storagemutated.unsubscribe(onMutated);
  }

  const handlers: PageHandlers = {
    'xero.pageContext': async (page) => {
      const own = validConnections(await db.connections.toArray());
      const mine = new Set(own.map((c) => c.tenantId));
      // A colleague's company: its tasks come from the firm's server; it is told apart by the same
      // signals (short code first), so a page is never badged as the wrong company.
      const colleagues = ((await deps.firmCompanies?.()) ?? [])
        .filter((c) => !mine.has(c.tenantId))
        .map((c) => ({
          tenantId: c.tenantId,
          tenantName: c.organisationName,
          organisation: {
            name: c.organisationName,
            ...(c.shortCode ? { shortCode: c.shortCode } : {}),
          },
        }));
      const connections = [...own, ...colleagues];
      const verdict = await decideOrganisation(connections, page, async (tenantId, ids) => {
        const keys = ids.map((id): [string, string] => [tenantId, id.toLowerCase()]);
        const found = [...(await db.bankTransactions.bulkGet(keys)), ...(await db.clientTasks.bulkGet(keys))];
        return found.some(Boolean);
      });
      return {
        tenantId: verdict.kind === 'connected' ? verdict.tenantId : null,
        isAdmin: await deps.isAdmin(),
        ...(verdict.kind === 'uncertain' ? { uncertain: verdict.reason } : {}),
      };
    },
    'tasks.lookup': async ({ tenantId, bankTransactionIds, includeActivity }) => {
      const { tasks, notPushable } = await gateway.lookup(
        tenantId,
        bankTransactionIds,
        includeActivity === true,
      );
      const company = await colleagueCompany(tenantId);
      if (company) {
        const withTask = new Set(tasks.map((t) => t.bankTransactionId));
        for (const id of new Set(bankTransactionIds.map((x) => x.toLowerCase()))) {
          if (!withTask.has(id)) notPushable.push({ bankTransactionId: id, ...noPushHere(company) });
        }
      }
      return notPushable.length > 0 ? { tasks, notPushable } : { tasks };
    },
    'tasks.push': async ({ tenantId, bankTransactionId }) => {
      const company = await colleagueCompany(tenantId);
      const known = clientTaskSchema.safeParse(
        await db.clientTasks.get([tenantId, bankTransactionId.toLowerCase()]),
      );
      if (company && known.success)
        return { taskId: known.data.id, status: known.data.status, created: false };
      if (company) throw new PushRefused('not-connected-here', noPushHere(company).message);
      const { task, created } = await gateway.push(tenantId, bankTransactionId);
      // The storage watcher tells the tabs too; this is quicker and covers a worker without BroadcastChannel.
      if (created) void notifyXeroTabs(tenantId);
      return { taskId: task.id, status: task.status, created };
    },
    'tasks.open': async ({ taskId }) => {
      const task = clientTaskSchema.safeParse(await db.clientTasks.where('id').equals(taskId).first());
      if (!task.success) throw new PushRefused('task-not-found', 'This Client Task no longer exists.');
      if (!deps.tabs) return { opened: false };
      await deps.tabs.create({
        url: `${deps.extensionUrl('/tasks.html')}#task=${encodeURIComponent(taskId)}`,
      });
      return { opened: true };
    },
  };
  return { handlers, watchTaskChanges, notifyXeroTabs };
}
