import type { ClientHubDb } from '../db/database';
import { connectionSchema } from '../db/records';
import type { Governor } from '../sync/governor';
import { bankTransactionsPageSchema, modifiedSinceHeader, readBankTransaction } from '../sync/xero-bank';
import type { XeroApi } from '../xero/api';
import { FailureError } from '../xero/failure-error';
import { historyChangesOf } from './entries';
import { type HistoryCursor, historyCursorSchema } from './records';
import { historyFromDate } from './score';

/**
 * The one-off read of twelve months of a company's coded Spend and Receive Money, pages of 1,000 in
 * UpdatedDateUTC order with the same keyset cursor as the sync (so a worker stopped mid-read resumes
 * where it was, and an edit made while paging is read again rather than skipped). Afterwards every
 * page the sync reads with If-Modified-Since keeps the index current (lib/sync/engine.ts), so this
 * read is paid once per company.
 */

export interface HistoryReadDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  governor?: Governor;
  pageSize?: number;
}

const where = (fromDate: string) => {
  const [y, m, d] = fromDate.split('-');
  return `(Type=="SPEND" OR Type=="RECEIVE") AND Status=="AUTHORISED" AND Date>=DateTime(${y},${m},${d})`;
};

export function createHistoryReader(deps: HistoryReadDeps) {
  const { db, api } = deps;
  const pageSize = deps.pageSize ?? 1000;

  async function cursorOf(tenantId: string): Promise<HistoryCursor | undefined> {
    const parsed = historyCursorSchema.safeParse(await db.historyCursors.get(tenantId));
    return parsed.success ? parsed.data : undefined;
  }

  /** Reads what is left of the company's twelve months; returns the cursor (done, or where it stopped). */
  async function backfill(tenantId: string, signal?: AbortSignal): Promise<HistoryCursor> {
    const connection = connectionSchema.safeParse(await db.connections.get(tenantId));
    if (!connection.success || !connection.data.grantId)
      throw new FailureError({ kind: 'connection', reason: 'removed' });
    const grantId = connection.data.grantId;
    let cursor: HistoryCursor = (await cursorOf(tenantId)) ?? {
      tenantId,
      fromDate: historyFromDate(deps.now()),
      modifiedSince: null,
      page: 1,
      done: false,
      calls: 0,
      scanned: 0,
      finishedAt: null,
    };
    while (!cursor.done) {
      signal?.throwIfAborted();
      const before = deps.governor?.stats(tenantId).calls;
      const envelope = await api.json(
        api.accounting('BankTransactions'),
        {
          grantId,
          tenantId,
          priority: 'background',
          searchParams: {
            where: where(cursor.fromDate),
            order: 'UpdatedDateUTC ASC',
            page: String(cursor.page),
            pageSize: String(pageSize),
          },
          ...(cursor.modifiedSince !== null
            ? { headers: { 'If-Modified-Since': modifiedSinceHeader(cursor.modifiedSince) } }
            : {}),
          ...(signal ? { signal } : {}),
        },
        bankTransactionsPageSchema,
      );
      const calls = before !== undefined && deps.governor ? deps.governor.stats(tenantId).calls - before : 1;
      const records = envelope.BankTransactions.flatMap((raw, i) => {
        const read = readBankTransaction(raw, tenantId, `history page ${cursor.page} #${i + 1}`);
        // Unreadable records are the sync's to quarantine and explain; the index just skips them.
        return read.ok ? [read.record] : [];
      });
      const full = envelope.BankTransactions.length >= pageSize;
      const last = records.reduce((max, r) => Math.max(max, r.updatedDateUtc), 0);
      const second = Math.floor(last / 1000) * 1000;
      const moves = last > 0 && (cursor.modifiedSince === null || second > cursor.modifiedSince);
      const next: HistoryCursor = {
        ...cursor,
        calls: cursor.calls + Math.max(1, calls),
        scanned: cursor.scanned + envelope.BankTransactions.length,
        ...(full
          ? moves
            ? { modifiedSince: second, page: 1 }
            : { page: cursor.page + 1 }
          : { done: true, finishedAt: deps.now() }),
      };
      const changes = historyChangesOf(records);
      await db.transaction('rw', [db.historyEntries, db.historyCursors], async () => {
        // Stopped (the company is being removed) while this page was read: write nothing of it.
        signal?.throwIfAborted();
        await db.historyEntries.bulkPut(changes.put);
        await db.historyEntries.bulkDelete(changes.remove);
        await db.historyCursors.put(next);
      });
      cursor = next;
    }
    return cursor;
  }

  return {
    backfill,
    cursorOf,
    /** After a company's sync: the twelve-month read once, never again (failures retry next sync). */
    async afterSync(tenantId: string, signal?: AbortSignal): Promise<void> {
      if ((await cursorOf(tenantId))?.done) return;
      await backfill(tenantId, signal);
    },
  };
}

export type HistoryReader = ReturnType<typeof createHistoryReader>;
