import { companyIsConnected } from '../db/company-data';
import type { ClientHubDb } from '../db/database';
import { connectionSchema } from '../db/records';
import type { Priority } from '../sync/governor';
import { bankTransactionRecordSchema, clientTaskSchema } from '../sync/records';
import type { XeroApi } from '../xero/api';
import { type XeroAttachmentList, xeroAttachmentListSchema } from './records';
import { attachmentsEnvelopeSchema, readAttachment } from './xero';

/**
 * Attachments in Xero → the task, cheaply: the sync already stores each transaction's HasAttachments
 * and UpdatedDateUTC; the list is fetched only when those say it may have changed since it was read.
 */
export interface XeroAttachmentsDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
}

export function createXeroAttachments(deps: XeroAttachmentsDeps) {
  const { db, api } = deps;

  /** A list read while the company was being removed is not written back. */
  const putIfConnected = (list: XeroAttachmentList) =>
    db.transaction('rw', [db.xeroAttachments, db.connections, db.pendingRemovals], async () => {
      if (await companyIsConnected(db, list.tenantId)) await db.xeroAttachments.put(list);
    });

  /** The list for one task: read from Xero only when stale. Null when it cannot be known (no connection). */
  async function refresh(
    taskId: string,
    priority: Priority = 'interactive',
  ): Promise<XeroAttachmentList | null> {
    const task = clientTaskSchema.safeParse(await db.clientTasks.where('id').equals(taskId).first());
    if (!task.success) return null;
    const { tenantId, bankTransactionId } = task.data;
    const key: [string, string] = [tenantId, bankTransactionId];
    const record = bankTransactionRecordSchema.safeParse(await db.bankTransactions.get(key));
    const cached = xeroAttachmentListSchema.safeParse(await db.xeroAttachments.get(key));
    const hasAttachments = record.success ? record.data.hasAttachments : task.data.snapshot.hasAttachments;
    const updatedAt = record.success ? record.data.updatedDateUtc : null;
    if (cached.success && cached.data.updatedDateUtc === updatedAt && updatedAt !== null) return cached.data;
    if (!hasAttachments) {
      // Xero says there are none: nothing to ask.
      const empty = {
        tenantId,
        bankTransactionId,
        updatedDateUtc: updatedAt,
        fetchedAt: deps.now(),
        attachments: [],
      };
      await putIfConnected(empty);
      return empty;
    }
    const connection = connectionSchema.safeParse(await db.connections.get(tenantId));
    if (!connection.success || !connection.data.grantId) return cached.success ? cached.data : null;
    const envelope = await api.json(
      api.accounting(`BankTransactions/${encodeURIComponent(bankTransactionId)}/Attachments`),
      { grantId: connection.data.grantId, tenantId, priority },
      attachmentsEnvelopeSchema,
    );
    const list: XeroAttachmentList = {
      tenantId,
      bankTransactionId,
      updatedDateUtc: updatedAt,
      fetchedAt: deps.now(),
      attachments: envelope.Attachments.map(readAttachment),
    };
    await putIfConnected(list);
    await db.transaction('rw', [db.clientTasks], async () => {
      const current = await db.clientTasks.get(key);
      if (current) {
        await db.clientTasks.put({
          ...current,
          snapshot: { ...current.snapshot, attachmentCount: list.attachments.length },
        });
      }
    });
    return list;
  }

  return {
    refresh,
    /**
     * The hook for after a sync of one Xero company: refreshes the lists of open tasks whose
     * transaction changed in Xero (at most `limit`, background priority). Returns lists read.
     */
    async afterSync(tenantId: string, limit = 50): Promise<number> {
      const tasks = await db.clientTasks
        .where('tenantId')
        .equals(tenantId)
        .filter((t) => t.status === 'Open' || t.status === 'Answered')
        .toArray();
      const keys = tasks.map((t): [string, string] => [t.tenantId, t.bankTransactionId]);
      const [records, lists] = await Promise.all([
        db.bankTransactions.bulkGet(keys),
        db.xeroAttachments.bulkGet(keys),
      ]);
      let read = 0;
      for (const [index, task] of tasks.entries()) {
        if (read >= limit) break;
        const record = records[index];
        const list = lists[index];
        if (!record?.hasAttachments) continue;
        if (list && list.updatedDateUtc === record.updatedDateUtc) continue;
        await refresh(task.id, 'background');
        read++;
      }
      return read;
    },
  };
}

export type XeroAttachments = ReturnType<typeof createXeroAttachments>;
