import { z } from 'zod';
import type { ClientHubDb } from '../db/database';

/**
 * What the extension keeps in Dexie (schema v6) about the firm's Client Hub server's tasks. Validated
 * when read back, like every other stored record.
 */

/** What support needs of a feed entry the pull could not read; never the entry's text. */
export const unreadableEntrySchema = z.object({
  seq: z.number().int().nullable(),
  kind: z.string(),
  /** Which fields failed and how (zod's issue codes), e.g. "task.status: invalid_value". */
  reason: z.string(),
  at: z.number(),
});
export type UnreadableEntry = z.infer<typeof unreadableEntrySchema>;

/**
 * A Xero company whose tasks go through the server: its workspace there and how far this browser has
 * read the workspace's changes feed. Present only while a hub session exists; the cursor moves in the
 * same Dexie transaction as the rows of each page it applied.
 */
export const hubLinkSchema = z.object({
  tenantId: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  /** The feed's `nextSince` after the last page applied here. */
  since: z.number().int().min(0),
  pulledAt: z.number().nullable(),
  /** A hash of the chart of accounts last uploaded to the workspace (unchanged charts are not sent). */
  chartHash: z.string().optional(),
  /**
   * The feed entry the last pull stopped before: of a kind this version knows, but not readable by it
   * (`since` stays before it, so nothing after it is lost). Cleared by the next pull that reads on.
   */
  unreadable: unreadableEntrySchema.optional(),
});
export type HubLink = z.infer<typeof hubLinkSchema>;

/**
 * A file attached to a task on the server (often by the client, from the portal). Only its description
 * is pulled; the bytes are downloaded when someone opens it or a Close sends it to Xero.
 */
export const hubFileSchema = z.object({
  id: z.string(),
  /** The local task id (the server's id until the task is known here). */
  taskId: z.string(),
  hubTaskId: z.string(),
  tenantId: z.string(),
  workspaceId: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int().min(0),
  sha256: z.string(),
  uploadedBy: z.object({ userId: z.string(), name: z.string() }),
  createdAt: z.string(),
  /** Set when the bytes were copied into this browser's taskFiles (to go to Xero). */
  localFileId: z.string().nullable(),
  /** When this browser put it on the Xero transaction (a Close). */
  inXeroAt: z.number().nullable().optional(),
});
export type HubFile = z.infer<typeof hubFileSchema>;

/** A hub file's bytes, downloaded on demand (opened, or sent to Xero by a Close); never all up front. */
export const hubFileBytesSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  taskId: z.string(),
  blob: z.instanceof(Blob),
  storedAt: z.number(),
});
export type HubFileBytes = z.infer<typeof hubFileBytesSchema>;

/**
 * Tasks a colleague closed on the server that this browser may have to write to Xero (settings row),
 * recorded in the same transaction as the pulled page, so a worker stopped before it queued the
 * writes finds them when it starts.
 */
const CLOSED_ELSEWHERE = 'hubClosedElsewhere';
const idListSchema = z.array(z.string()).catch([]);

export async function closedElsewhereWaiting(db: ClientHubDb): Promise<string[]> {
  return idListSchema.parse((await db.settings.get(CLOSED_ELSEWHERE))?.value ?? []);
}

/** For the caller's transaction (db.settings). */
export async function markClosedElsewhere(db: ClientHubDb, taskIds: readonly string[]) {
  if (taskIds.length === 0) return;
  const waiting = new Set([...(await closedElsewhereWaiting(db)), ...taskIds]);
  await db.settings.put({ key: CLOSED_ELSEWHERE, value: [...waiting] });
}

export async function unmarkClosedElsewhere(db: ClientHubDb, taskIds: readonly string[]) {
  if (taskIds.length === 0) return;
  await db.transaction('rw', [db.settings], async () => {
    const done = new Set(taskIds);
    const left = (await closedElsewhereWaiting(db)).filter((id) => !done.has(id));
    await db.settings.put({ key: CLOSED_ELSEWHERE, value: left });
  });
}
