import { Dexie, type Table } from 'dexie';
import type { ClientTaskStatus } from '../sync/records';
import type { TaskFile } from '../tasks/records';
import type { ClientHubDb } from './database';

/**
 * How each table's rows belong to a Xero company, for Remove. Every table of the schema must be listed
 * (deleteCompanyData refuses to run otherwise), so a table added later cannot be forgotten:
 * - 'tenant': the row has an indexed `tenantId` (or a primary key starting with it);
 * - 'task': the row belongs to a task of the company (indexed `taskId`); 'task+tenant' also carries an
 *   unindexed `tenantId`, which catches rows whose task is gone;
 * - 'shared': the firm's, not one company's (settings, workspaces; sign-ins are dropped by the caller
 *   when no company uses them any more).
 */
export const COMPANY_SCOPE = {
  settings: 'shared',
  grants: 'shared',
  workspaces: 'shared',
  connections: 'tenant',
  pendingRemovals: 'tenant',
  accounts: 'tenant',
  bankTransactions: 'tenant',
  clientTasks: 'tenant',
  taskActivity: 'task',
  syncCursors: 'tenant',
  syncRuns: 'tenant',
  quarantine: 'tenant',
  syncSettings: 'tenant',
  taskMessages: 'task+tenant',
  taskFiles: 'tenant',
  outbox: 'task+tenant',
  closeRequests: 'task',
  xeroAttachments: 'tenant',
  taskEvents: 'task',
  historyEntries: 'tenant',
  historyCursors: 'tenant',
  hubLinks: 'tenant',
  hubFiles: 'tenant',
  hubFileBytes: 'tenant',
} as const satisfies Record<string, 'tenant' | 'task' | 'task+tenant' | 'shared'>;

/** Task ids per IndexedDB request: anyOf() with tens of thousands of keys is one huge request. */
const SLICE = 500;

/** The tables deleteCompanyData writes, for the caller's transaction (every table but the shared ones). */
export const companyDataTables = (db: ClientHubDb): Table[] => {
  checkScopes(db);
  return db.tables.filter((table) => COMPANY_SCOPE[table.name as keyof typeof COMPANY_SCOPE] !== 'shared');
};

function checkScopes(db: ClientHubDb) {
  const unknown = db.tables.map((t) => t.name).filter((name) => !(name in COMPANY_SCOPE));
  if (unknown.length > 0) throw new Error(`Remove does not know the table(s) ${unknown.join(', ')}`);
}

/** The rows of one company in a 'tenant' table, by whichever key or index starts with tenantId. */
function tenantRows(table: Table, tenantId: string) {
  // [tenantId] sorts before every [tenantId, …] and [tenantId, maxKey] after them.
  const prefix = (index: string) =>
    table.where(index).between([tenantId], [tenantId, Dexie.maxKey], true, true);
  const primary = table.schema.primKey.keyPath;
  if (primary === 'tenantId') return table.where(':id').equals(tenantId);
  if (table.schema.idxByName.tenantId) return table.where('tenantId').equals(tenantId);
  if (Array.isArray(primary) && primary[0] === 'tenantId') return prefix(':id');
  const compound = table.schema.indexes.find(
    (index) => Array.isArray(index.keyPath) && index.keyPath[0] === 'tenantId',
  );
  if (compound) return prefix(compound.name);
  throw new Error(`${table.name} has no index on tenantId`);
}

/**
 * Deletes everything Client Hub keeps about one Xero company on this computer: its connection, tasks,
 * answers, staged files, outbox (with answer text), Close requests, attachment lists, activity, sync
 * state. Call inside a 'rw' transaction over companyDataTables(db) so it is all or nothing.
 * Workspaces stay: they are the firm's, not Xero's.
 */
export async function deleteCompanyData(db: ClientHubDb, tenantId: string): Promise<{ tasks: number }> {
  checkScopes(db);
  const taskIds = (await db.clientTasks.where('tenantId').equals(tenantId).toArray()).map((task) => task.id);
  for (const table of db.tables) {
    const scope = COMPANY_SCOPE[table.name as keyof typeof COMPANY_SCOPE];
    if (scope === 'tenant') {
      await tenantRows(table, tenantId).delete();
    } else if (scope === 'task' || scope === 'task+tenant') {
      for (let i = 0; i < taskIds.length; i += SLICE) {
        await table
          .where('taskId')
          .anyOf(taskIds.slice(i, i + SLICE))
          .delete();
      }
      // Rows that name the company but lost their task (deleted by hand): a scan of a short table.
      if (scope === 'task+tenant') {
        await table.filter((row: { tenantId?: string }) => row.tenantId === tenantId).delete();
      }
    }
  }
  return { tasks: taskIds.length };
}

/**
 * Inside a transaction that writes a company's rows: the company is still connected and not being
 * removed. A write that started before Remove (a sync page, a pushed task) then writes nothing.
 */
export async function companyIsConnected(db: ClientHubDb, tenantId: string): Promise<boolean> {
  const [connection, removal] = await Promise.all([
    db.connections.get(tenantId),
    db.pendingRemovals.get(tenantId),
  ]);
  return connection !== undefined && removal === undefined;
}

/** What Remove deletes from this computer, for its dialog to say before anyone confirms. */
export interface RemovalImpact {
  /** Client Tasks of the company, by status (statuses with none are left out). */
  tasksByStatus: Partial<Record<ClientTaskStatus, number>>;
  tasks: number;
  /** Client answers recorded here and not (yet) in the transaction's History in Xero. */
  unsentAnswers: number;
  /** Files attached here that Xero does not have (staged, waiting or refused). */
  unsentFiles: number;
}

export async function readRemovalImpact(db: ClientHubDb, tenantId: string): Promise<RemovalImpact> {
  const tasks = await db.clientTasks.where('tenantId').equals(tenantId).toArray();
  const tasksByStatus: RemovalImpact['tasksByStatus'] = {};
  for (const task of tasks) tasksByStatus[task.status] = (tasksByStatus[task.status] ?? 0) + 1;
  const taskIds = tasks.map((task) => task.id);
  let unsentAnswers = 0;
  for (let i = 0; i < taskIds.length; i += SLICE) {
    unsentAnswers += await db.taskMessages
      .where('taskId')
      .anyOf(taskIds.slice(i, i + SLICE))
      .filter((message) => message.from === 'client' && message.writtenToXeroAt === null)
      .count();
  }
  const unsentFiles = await tenantRows(db.taskFiles, tenantId)
    .filter((file: TaskFile) => file.state !== 'uploaded' && file.state !== 'duplicate')
    .count();
  return { tasksByStatus, tasks: tasks.length, unsentAnswers, unsentFiles };
}
