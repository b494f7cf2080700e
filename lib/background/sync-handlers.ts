import type { ClientHubDb } from '../db/database';
import type { FirmUser } from '../db/records';
import type { Handlers } from '../messaging/router';
import { dayLimitFor, loadSyncPreferences, saveSyncPreferences } from '../settings/sync-preferences';
import {
  type AccountRecord,
  accountChoices,
  DEFAULT_TYPES,
  type SyncEngine,
  type SyncRun,
  syncSettingsSchema,
} from '../sync';

export interface SyncHandlerDeps {
  db: ClientHubDb;
  engine: SyncEngine;
  requireAdmin: () => Promise<FirmUser>;
  /** Applies a new schedule (the alarm's period). */
  reschedule: (intervalMinutes: number) => Promise<void>;
  setDayBudget: (perDay: number) => void;
  /** After a company's sync: attachments Xero gained since (only for tasks whose transaction changed). */
  afterSync: (tenantId: string) => Promise<unknown>;
}

export type SyncHandlers = Pick<
  Handlers,
  'accounts.list' | 'accounts.save' | 'sync.now' | 'sync.preferences' | 'sync.savePreferences'
>;

/** Manage Accounts, "Check for new transactions" and the schedule's settings. */
export function createSyncHandlers(deps: SyncHandlerDeps): SyncHandlers {
  const { db, engine } = deps;
  const syncCompany = async (tenantId: string, reason: string) => {
    const run = await engine.syncOrganisation(tenantId, { reason });
    if (run?.state === 'succeeded') await deps.afterSync(tenantId).catch(() => undefined);
    return run;
  };

  async function summary(run: SyncRun | null, tenantId: string) {
    const row = await db.connections.get(tenantId);
    const name = row?.organisation?.name ?? row?.tenantName ?? 'Xero company';
    return {
      tenantId,
      name,
      state: run?.state ?? 'skipped',
      scanned: run?.scanned ?? 0,
      tasksCreated: run?.tasksCreated ?? 0,
      tasksUpdated: run?.tasksUpdated ?? 0,
      tasksResolved: run?.tasksResolved ?? 0,
      tasksCancelled: run?.tasksCancelled ?? 0,
      tasksReopened: run?.tasksReopened ?? 0,
      tasksEdited: run?.tasksEdited ?? 0,
      ...(run?.problem ? { problem: run.problem } : {}),
    };
  }

  return {
    'accounts.list': async ({ tenantId }) => {
      const accounts = await engine.loadAccounts(tenantId);
      const row = await db.connections.get(tenantId);
      const settings = syncSettingsSchema.safeParse(await db.syncSettings.get(tenantId));
      return {
        accounts: flatChoices(accounts),
        monitoredAccountIds: row?.monitoredAccountIds ?? [],
        types: settings.success ? settings.data.types : [...DEFAULT_TYPES],
      };
    },
    'accounts.save': async ({ tenantId, monitoredAccountIds, types }) => {
      await deps.requireAdmin();
      await engine.saveScope(tenantId, monitoredAccountIds, types);
      // The backfill starts at once; the options page follows it through the sync run's progress.
      void syncCompany(tenantId, 'accounts-saved').catch(() => undefined);
      return { syncStarted: true };
    },
    'sync.now': async ({ tenantId }) => {
      if (tenantId) return { runs: [await summary(await syncCompany(tenantId, 'check-now'), tenantId)] };
      const rows = await db.connections.toArray();
      const runs = [];
      for (const row of rows) {
        runs.push(await summary(await syncCompany(row.tenantId, 'check-now'), row.tenantId));
      }
      return { runs };
    },
    'sync.preferences': async () => loadSyncPreferences(db),
    'sync.savePreferences': async ({ preferences }) => {
      await deps.requireAdmin();
      const saved = await saveSyncPreferences(db, preferences);
      await deps.reschedule(saved.intervalMinutes);
      deps.setDayBudget(dayLimitFor(saved));
      return saved;
    },
  };
}

const CLASS_ORDER = ['EXPENSE', 'LIABILITY', 'ASSET', 'REVENUE', 'EQUITY'];

/** Manage Accounts' list for the page: suggestions first, then each class in a bookkeeper's order. */
function flatChoices(accounts: readonly AccountRecord[]) {
  const { suggested, byClass } = accountChoices(accounts);
  const suggestedIds = new Set(suggested.map((a) => a.accountId));
  const classes = Object.keys(byClass).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rest = classes.flatMap((key) => (byClass[key] ?? []).filter((a) => !suggestedIds.has(a.accountId)));
  return [...suggested.map((a) => choice(a, true)), ...rest.map((a) => choice(a, false))];
}

const rank = (accountClass: string) => {
  const index = CLASS_ORDER.indexOf(accountClass);
  return index === -1 ? CLASS_ORDER.length : index;
};

const choice = (a: AccountRecord, suggested: boolean) => ({
  accountId: a.accountId,
  code: a.code,
  name: a.name,
  accountClass: a.accountClass,
  type: a.type,
  suggested,
});
