import { Dexie, type EntityTable, type Table } from 'dexie';
import type { HubFile, HubFileBytes, HubLink } from '../hub/records';
import { historyEntryOf } from '../suggestions/entries';
import type { HistoryCursor, HistoryEntry } from '../suggestions/records';
import type {
  AccountRecord,
  BankTransactionRecord,
  ClientTask,
  QuarantineRecord,
  SyncCursor,
  SyncRun,
  SyncSettings,
  TaskActivity,
} from '../sync/records';
import { bankTransactionRecordSchema } from '../sync/records';
import type {
  CloseRequest,
  OutboxJob,
  TaskEvent,
  TaskFile,
  TaskMessage,
  XeroAttachmentList,
} from '../tasks/records';
import type { Connection, Grant, PendingRemoval, Workspace } from './records';

export interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * The extension origin's IndexedDB. Content scripts run in the web page's origin and cannot open it,
 * which is why tokens live here and not in storage.local.
 */
export class ClientHubDb extends Dexie {
  settings!: EntityTable<SettingRow, 'key'>;
  grants!: EntityTable<Grant, 'id'>;
  connections!: EntityTable<Connection, 'tenantId'>;
  workspaces!: EntityTable<Workspace, 'id'>;
  pendingRemovals!: EntityTable<PendingRemoval, 'tenantId'>;
  // v2: the sync engine (lib/sync). Compound keys make a second row per transaction impossible.
  accounts!: Table<AccountRecord, [string, string]>;
  bankTransactions!: Table<BankTransactionRecord, [string, string]>;
  clientTasks!: Table<ClientTask, [string, string]>;
  taskActivity!: EntityTable<TaskActivity, 'id'>;
  syncCursors!: EntityTable<SyncCursor, 'tenantId'>;
  syncRuns!: EntityTable<SyncRun, 'id'>;
  quarantine!: Table<QuarantineRecord, [string, string, string]>;
  syncSettings!: EntityTable<SyncSettings, 'tenantId'>;
  // v3: the Client Tasks workspace (lib/tasks): conversation, files, the outbox of writes to Xero.
  taskMessages!: EntityTable<TaskMessage, 'id'>;
  taskFiles!: EntityTable<TaskFile, 'id'>;
  outbox!: EntityTable<OutboxJob, 'id'>;
  closeRequests!: EntityTable<CloseRequest, 'id'>;
  xeroAttachments!: Table<XeroAttachmentList, [string, string]>;
  taskEvents!: EntityTable<TaskEvent, 'id'>;
  // v5: suggested accounts (lib/suggestions): how the company coded its bank transactions.
  historyEntries!: Table<HistoryEntry, [string, string]>;
  historyCursors!: EntityTable<HistoryCursor, 'tenantId'>;
  // v6: the firm's Client Hub server (lib/hub): which companies go through it, and its files.
  hubLinks!: EntityTable<HubLink, 'tenantId'>;
  hubFiles!: EntityTable<HubFile, 'id'>;
  hubFileBytes!: EntityTable<HubFileBytes, 'id'>;

  constructor(name = 'client-hub', options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      settings: 'key',
      grants: 'id, status',
      connections: 'tenantId, grantId, workspaceId',
      workspaces: 'id, name',
      pendingRemovals: 'tenantId',
    });
    // Only new tables: nothing to migrate from v1.
    this.version(2).stores({
      accounts: '[tenantId+accountId], tenantId',
      bankTransactions: '[tenantId+bankTransactionId], tenantId',
      clientTasks: '[tenantId+bankTransactionId], &id, tenantId, workspaceId, status, [workspaceId+status]',
      taskActivity: 'id, taskId, [taskId+at]',
      syncCursors: 'tenantId',
      syncRuns: 'id, tenantId, [tenantId+startedAt], state',
      quarantine: '[tenantId+source+recordId], tenantId',
      syncSettings: 'tenantId',
    });
    // Only new tables: nothing to migrate from v2.
    this.version(3).stores({
      taskMessages: 'id, taskId, [taskId+at]',
      taskFiles: 'id, taskId, [tenantId+bankTransactionId], state',
      outbox: 'id, taskId, closeId, state, [state+nextAttemptAt]',
      closeRequests: 'id, taskId, state',
      xeroAttachments: '[tenantId+bankTransactionId]',
      taskEvents: 'id, taskId, [taskId+at]',
    });
    // v4: the Client Tasks page reads a tab's first screen, and pages through it, in each sort's order
    // straight from an index (lib/tasks/task-list.ts). Only indexes are added: Dexie builds them from
    // the stored rows on upgrade, nothing else changes.
    this.version(4).stores({
      clientTasks:
        '[tenantId+bankTransactionId], &id, tenantId, workspaceId, status, [workspaceId+status], ' +
        '[workspaceId+status+snapshot.date], [workspaceId+status+snapshot.amount], [workspaceId+status+createdAt]',
    });
    // v5: the history index for suggested accounts. The transactions the sync already stored seed it
    // (by name: they were stored without ContactID), so suggestions start before the twelve-month read.
    this.version(5)
      .stores({
        historyEntries: '[tenantId+bankTransactionId], tenantId',
        historyCursors: 'tenantId',
      })
      .upgrade(async (tx) => {
        const entries: HistoryEntry[] = [];
        await tx.table('bankTransactions').each((row: unknown) => {
          const parsed = bankTransactionRecordSchema.safeParse(row);
          const entry = parsed.success ? historyEntryOf(parsed.data) : null;
          if (entry) entries.push(entry);
        });
        await tx.table('historyEntries').bulkPut(entries);
      });
    // v6: tasks through the firm's Client Hub server. New tables, and indexes to find a task and a
    // comment by their server ids (the feed names them so); Dexie builds the indexes on upgrade.
    this.version(6).stores({
      clientTasks:
        '[tenantId+bankTransactionId], &id, tenantId, workspaceId, status, [workspaceId+status], ' +
        '[workspaceId+status+snapshot.date], [workspaceId+status+snapshot.amount], [workspaceId+status+createdAt], ' +
        'hub.taskId',
      taskMessages: 'id, taskId, [taskId+at], hubId',
      hubLinks: 'tenantId, workspaceId',
      hubFiles: 'id, taskId, hubTaskId, tenantId',
    });
    // v7: the bytes of the server's files, kept once downloaded on demand (opened, or sent to Xero).
    this.version(7).stores({ hubFileBytes: 'id, tenantId, taskId' });
    // v8: a large tab's bank accounts (the page's filter) read from an index, not from every task of
    // it held in the page (lib/tasks/task-list.ts bankAccountsIn). Only an index is added.
    this.version(8).stores({
      clientTasks:
        '[tenantId+bankTransactionId], &id, tenantId, workspaceId, status, [workspaceId+status], ' +
        '[workspaceId+status+snapshot.date], [workspaceId+status+snapshot.amount], [workspaceId+status+createdAt], ' +
        'hub.taskId, [workspaceId+status+snapshot.bankAccount.id]',
    });
  }
}
