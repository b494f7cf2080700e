import type { ClientHubDb } from '../db/database';
import { connectionSchema } from '../db/records';
import { accountRecordSchema, type ClientTask, clientTaskSchema } from '../sync/records';
import { type HistoryEntry, historyEntrySchema, type Suggestion } from './records';
import {
  buildHistoryIndex,
  type HistoryIndex,
  historyFromDate,
  suggestAccount,
  suggestableAccounts,
  type TaskToScore,
} from './score';

/**
 * Suggestions for Client Tasks, computed in the background from the history index. A company's index
 * is built once and kept until its history or chart changes (a sync ran, the history read finished).
 */

export interface SuggestionServiceDeps {
  db: ClientHubDb;
  now: () => number;
}

interface Built {
  stamp: string;
  index: HistoryIndex;
  usable: ReturnType<typeof suggestableAccounts>;
}

/** Only tasks the firm can still act on get a suggestion. */
const ACTIVE = new Set<ClientTask['status']>(['Open', 'Answered']);

export function createSuggestionService(deps: SuggestionServiceDeps) {
  const { db } = deps;
  const built = new Map<string, Built>();

  async function stampOf(tenantId: string): Promise<string> {
    const [count, connection, cursor, accounts] = await Promise.all([
      db.historyEntries.where('tenantId').equals(tenantId).count(),
      db.connections.get(tenantId),
      db.historyCursors.get(tenantId),
      db.accounts.where('tenantId').equals(tenantId).count(),
    ]);
    return `${count}|${connection?.lastSyncedAt ?? ''}|${cursor?.finishedAt ?? ''}|${accounts}|${connection?.monitoredAccountIds?.join(',') ?? ''}`;
  }

  async function indexOf(tenantId: string): Promise<Built> {
    const stamp = await stampOf(tenantId);
    const cached = built.get(tenantId);
    if (cached && cached.stamp === stamp) return cached;
    const [rows, chartRows, connectionRow] = await Promise.all([
      db.historyEntries.where('tenantId').equals(tenantId).toArray(),
      db.accounts.where('tenantId').equals(tenantId).toArray(),
      db.connections.get(tenantId),
    ]);
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      const parsed = historyEntrySchema.safeParse(row);
      if (parsed.success) entries.push(parsed.data);
    }
    const chart = chartRows.flatMap((row) => {
      const parsed = accountRecordSchema.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
    const connection = connectionSchema.safeParse(connectionRow);
    const next: Built = {
      stamp,
      index: buildHistoryIndex(entries, historyFromDate(deps.now())),
      usable: suggestableAccounts(chart, connection.success ? connection.data.monitoredAccountIds : []),
    };
    built.set(tenantId, next);
    return next;
  }

  async function scoreTasks(tasks: readonly ClientTask[]): Promise<Suggestion[]> {
    const byTenant = new Map<string, ClientTask[]>();
    for (const task of tasks) {
      const list = byTenant.get(task.tenantId);
      if (list) list.push(task);
      else byTenant.set(task.tenantId, [task]);
    }
    const out: Suggestion[] = [];
    for (const [tenantId, list] of byTenant) {
      const { index, usable } = await indexOf(tenantId);
      const records = await db.bankTransactions.bulkGet(
        list.map((t): [string, string] => [tenantId, t.bankTransactionId]),
      );
      list.forEach((task, i) => {
        out.push(suggestAccount(index, usable, toScore(task, records[i]?.contactId ?? '')));
      });
    }
    return out;
  }

  return {
    /** Suggestions for these tasks (closed or cancelled ones get none). */
    async forTasks(taskIds: readonly string[]): Promise<Suggestion[]> {
      const rows = await db.clientTasks
        .where('id')
        .anyOf([...taskIds])
        .toArray();
      const tasks = rows.flatMap((row) => {
        const parsed = clientTaskSchema.safeParse(row);
        return parsed.success && ACTIVE.has(parsed.data.status) ? [parsed.data] : [];
      });
      return scoreTasks(tasks);
    },
    /** Every open task of a workspace (the Client Tasks page's column and bulk accept). */
    async forWorkspace(workspaceId: string | null): Promise<Suggestion[]> {
      const rows =
        workspaceId === null
          ? await db.clientTasks.filter((t) => t.workspaceId === null).toArray()
          : await db.clientTasks.where('workspaceId').equals(workspaceId).toArray();
      const tasks = rows.flatMap((row) => {
        const parsed = clientTaskSchema.safeParse(row);
        return parsed.success && ACTIVE.has(parsed.data.status) ? [parsed.data] : [];
      });
      return scoreTasks(tasks);
    },
    /** For the history index's size in the bench and the options page: entries per company. */
    async size(tenantId: string): Promise<number> {
      return db.historyEntries.where('tenantId').equals(tenantId).count();
    },
    scoreTasks,
  };
}

export function toScore(task: ClientTask, contactId: string): TaskToScore {
  return {
    taskId: task.id,
    bankTransactionId: task.bankTransactionId,
    type: task.snapshot.type,
    contactId,
    contactName: task.snapshot.contactName,
    description: task.snapshot.description,
    reference: task.snapshot.reference,
  };
}

export type SuggestionService = ReturnType<typeof createSuggestionService>;
