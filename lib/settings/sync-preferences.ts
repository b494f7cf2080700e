import { z } from 'zod';
import type { ClientHubDb } from '../db/database';

/** How often the schedule syncs, and which Xero app tier's day budget the governor keeps to. */
export const syncPreferencesSchema = z.object({
  intervalMinutes: z.number().int().min(5).max(60),
  /** Xero's free Starter tier allows 1,000 calls per organisation per day instead of 5,000. */
  starterApp: z.boolean(),
});
export type SyncPreferences = z.infer<typeof syncPreferencesSchema>;

export const DEFAULT_SYNC_PREFERENCES: SyncPreferences = { intervalMinutes: 15, starterApp: false };
const KEY = 'syncPreferences';

export async function loadSyncPreferences(db: ClientHubDb): Promise<SyncPreferences> {
  const parsed = syncPreferencesSchema.safeParse((await db.settings.get(KEY))?.value);
  return parsed.success ? parsed.data : DEFAULT_SYNC_PREFERENCES;
}

export async function saveSyncPreferences(
  db: ClientHubDb,
  preferences: SyncPreferences,
): Promise<SyncPreferences> {
  const saved = syncPreferencesSchema.parse(preferences);
  await db.settings.put({ key: KEY, value: saved });
  return saved;
}

export const dayLimitFor = (preferences: SyncPreferences) => (preferences.starterApp ? 1000 : 5000);
