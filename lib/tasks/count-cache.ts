import { z } from 'zod';
import { type ClientTaskStatus, clientTaskStatusSchema } from '../sync/records';

/**
 * The tabs' counts as last seen, per workspace, so the Client Tasks page can show them with its first
 * screen. Counting is the slow part of opening the page: IndexedDB counts an index range entry by
 * entry (about 50–130 ms for 10,000 tasks here), while the first screen's rows take a few ms. The page
 * shows the remembered counts at once and replaces them with the real ones as soon as they are
 * counted (a sync may have changed them since).
 */
export type TabCounts = Record<ClientTaskStatus, number>;

const countsSchema = z.record(clientTaskStatusSchema, z.number().int().nonnegative());

const keyOf = (workspaceId: string) => `client-hub:tab-counts:${workspaceId}`;

/** Remembered counts for a workspace, or null (none yet, or unreadable: then they are simply counted). */
export function rememberedCounts(storage: Pick<Storage, 'getItem'>, workspaceId: string): TabCounts | null {
  try {
    const raw = storage.getItem(keyOf(workspaceId));
    if (raw === null) return null;
    const parsed = countsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function rememberCounts(
  storage: Pick<Storage, 'setItem'>,
  workspaceId: string,
  counts: TabCounts,
): void {
  try {
    storage.setItem(keyOf(workspaceId), JSON.stringify(counts));
  } catch {
    // Storage full or refused: the next visit counts first, as before.
  }
}
