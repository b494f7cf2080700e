import { companyIsConnected } from '../db/company-data';
import type { ClientHubDb } from '../db/database';
import { connectionSchema } from '../db/records';
import { type BankTransactionRecord, DEFAULT_TYPES, syncSettingsSchema } from '../sync/records';
import { snapshotOf } from '../sync/rules';
import { bankTransactionsPageSchema, readBankTransaction } from '../sync/xero-bank';

/**
 * After Client Hub itself changed a transaction in Xero (recoded it, attached a file), the task shows
 * what Xero now holds, and the stored copy is brought up to date with it, so the next sync finds
 * nothing changed and does not report our own write back as "Edited in Xero".
 */

/** Xero's answer to a write (its BankTransactions envelope) as a stored record, or null if unreadable. */
export function transactionFromAnswer(body: unknown, tenantId: string): BankTransactionRecord | null {
  const envelope = bankTransactionsPageSchema.safeParse(body);
  if (!envelope.success || envelope.data.BankTransactions.length === 0) return null;
  const read = readBankTransaction(envelope.data.BankTransactions[0], tenantId, 'written transaction');
  return read.ok ? read.record : null;
}

/** The task's snapshot and stored transaction from the transaction as Xero returned it after our write. */
export async function storeAsXeroHasIt(db: ClientHubDb, record: BankTransactionRecord): Promise<void> {
  const { tenantId } = record;
  const tables = [
    db.clientTasks,
    db.bankTransactions,
    db.connections,
    db.pendingRemovals,
    db.syncSettings,
    db.accounts,
  ];
  await db.transaction('rw', tables, async () => {
    if (!(await companyIsConnected(db, tenantId))) return;
    const connection = connectionSchema.safeParse(await db.connections.get(tenantId));
    if (!connection.success) return;
    const settings = syncSettingsSchema.safeParse(await db.syncSettings.get(tenantId));
    const accounts = await db.accounts.where('tenantId').equals(tenantId).toArray();
    const scope = {
      monitoredAccountIds: new Set(connection.data.monitoredAccountIds.map((id) => id.toLowerCase())),
      types: settings.success ? settings.data.types : [...DEFAULT_TYPES],
    };
    const key: [string, string] = [tenantId, record.bankTransactionId];
    const task = await db.clientTasks.get(key);
    if (task) {
      const snapshot = snapshotOf(
        record,
        scope,
        { accountsById: new Map(accounts.map((a) => [a.accountId, a])) },
        task.snapshot,
      );
      await db.clientTasks.put({ ...task, snapshot });
    }
    await db.bankTransactions.put(record);
  });
}

/** A file Client Hub attached: the transaction has attachments now (Xero's answer to a PUT has no transaction). */
export async function markAttached(
  db: ClientHubDb,
  tenantId: string,
  bankTransactionId: string,
  count: number | null,
) {
  const key: [string, string] = [tenantId, bankTransactionId];
  await db.transaction('rw', [db.clientTasks, db.bankTransactions], async () => {
    const task = await db.clientTasks.get(key);
    if (task && !task.snapshot.hasAttachments) {
      await db.clientTasks.put({
        ...task,
        snapshot: { ...task.snapshot, hasAttachments: true, attachmentCount: count },
      });
    }
    const stored = await db.bankTransactions.get(key);
    if (stored && !stored.hasAttachments) await db.bankTransactions.put({ ...stored, hasAttachments: true });
  });
}
