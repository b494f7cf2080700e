import { Dexie } from 'dexie';
import { type QuarantineRecord, quarantineRecordSchema, type SyncRun, syncRunSchema } from '../sync/records';
import type { ClientHubDb } from './database';
import {
  type Connection,
  connectionSchema,
  type PendingRemoval,
  pendingRemovalSchema,
  type Workspace,
  workspaceSchema,
} from './records';

/** A stored record that did not pass validation: shown with the reason, never silently dropped. */
export interface DamagedRecord {
  table: string;
  key: string;
  reason: string;
}

export interface IntegrationView {
  connections: Connection[];
  /** The latest sync run of each company, by tenant id. */
  latestRuns: Record<string, SyncRun>;
  /** Records Xero sent that could not be read, kept aside with the reason, by tenant id (newest first). */
  setAside: Record<string, QuarantineRecord[]>;
  /** Names of monitored accounts, by `${tenantId}:${accountId}` (lower case). */
  accountNames: Record<string, string>;
  workspaces: Workspace[];
  pendingRemovals: PendingRemoval[];
  damaged: DamagedRecord[];
}

/** Everything the integration table shows, validated as it is read. */
export async function readIntegrationView(db: ClientHubDb): Promise<IntegrationView> {
  const damaged: DamagedRecord[] = [];
  const check =
    <T>(
      table: string,
      schema: {
        safeParse(
          v: unknown,
        ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
      },
      key: (v: unknown) => string,
    ) =>
    (rows: unknown[]): T[] =>
      rows.flatMap((row) => {
        const parsed = schema.safeParse(row);
        if (parsed.success) return [parsed.data];
        damaged.push({ table, key: key(row), reason: parsed.error.issues[0]?.message ?? 'invalid' });
        return [];
      });
  const keyOf = (field: string) => (row: unknown) => String((row as Record<string, unknown>)?.[field] ?? '?');
  const [connections, workspaces, pendingRemovals] = await Promise.all([
    db.connections.orderBy('tenantId').toArray(),
    db.workspaces.toArray(),
    db.pendingRemovals.toArray(),
  ]);
  const latestRuns: Record<string, SyncRun> = {};
  const accountNames: Record<string, string> = {};
  const setAside: Record<string, QuarantineRecord[]> = {};
  for (const row of connections as Connection[]) {
    const kept = (await db.quarantine.where('tenantId').equals(row.tenantId).toArray()).flatMap((record) => {
      const parsed = quarantineRecordSchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
    if (kept.length > 0) setAside[row.tenantId] = kept.sort((a, b) => b.at - a.at);
    const last = await db.syncRuns
      .where('[tenantId+startedAt]')
      .between([row.tenantId, Dexie.minKey], [row.tenantId, Dexie.maxKey])
      .last();
    const run = syncRunSchema.safeParse(last);
    if (run.success) latestRuns[row.tenantId] = run.data;
    for (const accountId of row.monitoredAccountIds ?? []) {
      const account = await db.accounts.get([row.tenantId, accountId]);
      if (account) accountNames[`${row.tenantId}:${accountId}`.toLowerCase()] = account.name;
    }
  }
  return {
    setAside,
    latestRuns,
    accountNames,
    connections: check<Connection>(
      'connections',
      connectionSchema,
      keyOf('tenantId'),
    )(connections).sort((a, b) =>
      a.connectedAt === b.connectedAt
        ? a.tenantName.localeCompare(b.tenantName)
        : a.connectedAt - b.connectedAt,
    ),
    workspaces: check<Workspace>('workspaces', workspaceSchema, keyOf('id'))(workspaces),
    pendingRemovals: check<PendingRemoval>(
      'pendingRemovals',
      pendingRemovalSchema,
      keyOf('tenantId'),
    )(pendingRemovals),
    damaged,
  };
}
