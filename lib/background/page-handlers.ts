import { Dexie } from 'dexie';
import type { ClientHubDb } from '../db/database';
import { type Connection, connectionSchema } from '../db/records';
import type { TaskSummary, TasksChanged } from '../messaging/page-contract';
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
  ): Promise<TaskSummary[]>;
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

const stripBang = (code: string) => code.replace(/^!/, '');
const SHORT_CODE_IN_URL = /\/app\/(![^/?#]+)(?:[/?#]|$)/;

/** Which connection a page shows: short code first (unique), then the name Xero puts in its header. */
export function matchConnection(
  connections: readonly Connection[],
  page: { url: string; shortCode?: string | undefined; organisationName?: string | undefined },
): Connection[] {
  const code = page.shortCode ?? SHORT_CODE_IN_URL.exec(page.url)?.[1];
  if (code) {
    const byCode = connections.filter(
      (c) => c.organisation?.shortCode && stripBang(c.organisation.shortCode) === stripBang(code),
    );
    if (byCode.length > 0) return byCode;
  }
  const name = page.organisationName?.replace(/\s+/g, ' ').trim();
  if (!name) return [];
  const exact = connections.filter((c) => (c.organisation?.name ?? c.tenantName).trim() === name);
  if (exact.length > 0) return exact;
  const folded = name.toLocaleLowerCase();
  return connections.filter(
    (c) => (c.organisation?.name ?? c.tenantName).trim().toLocaleLowerCase() === folded,
  );
}

function validConnections(rows: unknown[]): Connection[] {
  return rows.flatMap((row) => {
    const parsed = connectionSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

export function createTaskGateway(deps: Pick<PageHandlerDeps, 'db' | 'api' | 'now' | 'newId'>): TaskGateway {
  const { db } = deps;
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
    const settings = syncSettingsSchema.safeParse(await db.syncSettings.get(tenantId));
    const types: SupportedType[] = settings.success ? settings.data.types : [...DEFAULT_TYPES];
    if (record.type !== 'SPEND' && record.type !== 'RECEIVE') {
      throw new PushRefused(
        'transaction-type-unsupported',
        'Transfers, prepayments and overpayments cannot become Client Tasks. Only Spend and Receive Money can.',
      );
    }
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
      return await db.transaction('rw', [db.clientTasks, db.taskActivity, db.bankTransactions], async () => {
        const raced = await storedTask(tenantId, record.bankTransactionId);
        if (raced) return { task: raced, created: false };
        await db.clientTasks.add(task);
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
      return Promise.all(
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

export function createPageHandlers(deps: PageHandlerDeps, gateway: TaskGateway = createTaskGateway(deps)) {
  const { db } = deps;

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
      const connections = validConnections(await db.connections.toArray());
      let matches = matchConnection(connections, page);
      if (matches.length > 1 && page.bankTransactionIds?.length) {
        // Two connected companies with the same name: the one that knows the page's transactions.
        const ids = page.bankTransactionIds.map((id) => id.toLowerCase());
        const known = await Promise.all(
          matches.map(async (c) => {
            const keys = ids.map((id): [string, string] => [c.tenantId, id]);
            const found = [
              ...(await db.bankTransactions.bulkGet(keys)),
              ...(await db.clientTasks.bulkGet(keys)),
            ];
            return found.some(Boolean);
          }),
        );
        matches = matches.filter((_, index) => known[index]);
      }
      return {
        tenantId: matches.length === 1 ? (matches[0]?.tenantId ?? null) : null,
        isAdmin: await deps.isAdmin(),
      };
    },
    'tasks.lookup': async ({ tenantId, bankTransactionIds, includeActivity }) => ({
      tasks: await gateway.lookup(tenantId, bankTransactionIds, includeActivity === true),
    }),
    'tasks.push': async ({ tenantId, bankTransactionId }) => {
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
