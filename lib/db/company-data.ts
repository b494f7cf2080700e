import type { ClientHubDb } from './database';

/**
 * Deletes everything Client Hub keeps about one Xero company on this computer (its connection row is
 * removed by the caller in the same transaction). Workspaces stay: they are the firm's, not Xero's.
 */
export async function deleteCompanyData(db: ClientHubDb, tenantId: string): Promise<{ tasks: number }> {
  const taskIds = (await db.clientTasks.where('tenantId').equals(tenantId).toArray()).map((task) => task.id);
  // The activity log is keyed by task, so it goes in slices small enough for one IndexedDB request each.
  for (let i = 0; i < taskIds.length; i += 500) {
    await db.taskActivity
      .where('taskId')
      .anyOf(taskIds.slice(i, i + 500))
      .delete();
  }
  await Promise.all([
    db.clientTasks.where('tenantId').equals(tenantId).delete(),
    db.bankTransactions.where('tenantId').equals(tenantId).delete(),
    db.accounts.where('tenantId').equals(tenantId).delete(),
    db.syncRuns.where('tenantId').equals(tenantId).delete(),
    db.quarantine.where('tenantId').equals(tenantId).delete(),
    db.syncCursors.delete(tenantId),
    db.syncSettings.delete(tenantId),
  ]);
  return { tasks: taskIds.length };
}

/** The tables deleteCompanyData writes, for the caller's transaction. */
export const companyDataTables = (db: ClientHubDb) => [
  db.clientTasks,
  db.taskActivity,
  db.bankTransactions,
  db.accounts,
  db.syncRuns,
  db.quarantine,
  db.syncCursors,
  db.syncSettings,
];
