import type { ClientHubDb } from './database';

/**
 * Keeping this computer's copy safe and small. The browser may evict a "best-effort" origin's IndexedDB
 * when the disk runs low, and unsent answers and files live only there, so the pages ask for persistent
 * storage. What nobody will ever need again is deleted on the schedule (cleanUpStorage).
 */

/** The part of navigator.storage used here (Window only: the pages ask, not the service worker). */
export interface StorageManagerLike {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
}

export const PERSISTENCE_SETTING = 'storage.persistence';

export interface PersistenceAnswer {
  persisted: boolean;
  askedAt: number;
}

/**
 * Asks the browser once per page load to keep our data under storage pressure, and records its answer
 * (Chrome decides by itself, without a prompt; Firefox may ask the person). A browser without the API
 * counts as not persisted.
 */
export async function requestPersistentStorage(
  db: ClientHubDb,
  storage: StorageManagerLike | undefined,
  now: number,
): Promise<PersistenceAnswer> {
  let persisted = false;
  try {
    persisted = storage ? (await storage.persisted()) || (await storage.persist()) : false;
  } catch {
    persisted = false;
  }
  const answer = { persisted, askedAt: now };
  await db.settings.put({ key: PERSISTENCE_SETTING, value: answer }).catch(() => undefined);
  return answer;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long what nobody will read again is kept. A staged file belongs to an answer that was never
 * recorded (the page closed first); no screen shows it again, but a month leaves room for support to
 * recover it. A finished write's payload (the answer's text, again) is already in Xero and in the
 * task's conversation; a week keeps it for a support question about that write.
 */
export const RETENTION = {
  stagedFileMs: 30 * DAY_MS,
  finishedOutboxJobMs: 7 * DAY_MS,
  /** Client Hub files downloaded to open them or send them to Xero: the server keeps the original. */
  downloadedHubFileMs: 30 * DAY_MS,
} as const;

export interface CleanUpResult {
  stagedFiles: number;
  finishedJobs: number;
  downloadedHubFiles: number;
}

/**
 * Deletes staged files older than RETENTION.stagedFileMs, and outbox jobs that finished (done) more than
 * RETENTION.finishedOutboxJobMs ago and whose Close is no longer waiting on them, and downloaded copies of
 * Client Hub files after RETENTION.downloadedHubFileMs (downloaded again when needed). Runs on the schedule.
 */
export async function cleanUpStorage(
  db: ClientHubDb,
  now: number,
  retention: typeof RETENTION = RETENTION,
): Promise<CleanUpResult> {
  return db.transaction('rw', [db.taskFiles, db.outbox, db.closeRequests, db.hubFileBytes], async () => {
    const staleFiles = await db.taskFiles
      .where('state')
      .equals('staged')
      .filter((file) => file.addedAt < now - retention.stagedFileMs)
      .primaryKeys();
    await db.taskFiles.bulkDelete(staleFiles);

    const writing = new Set(await db.closeRequests.where('state').equals('writing').primaryKeys());
    const finished = await db.outbox
      .where('state')
      .equals('done')
      .filter(
        (job) =>
          job.updatedAt < now - retention.finishedOutboxJobMs && !(job.closeId && writing.has(job.closeId)),
      )
      .primaryKeys();
    await db.outbox.bulkDelete(finished);

    const downloaded = await db.hubFileBytes
      .filter((kept) => kept.storedAt < now - retention.downloadedHubFileMs)
      .primaryKeys();
    await db.hubFileBytes.bulkDelete(downloaded);
    return {
      stagedFiles: staleFiles.length,
      finishedJobs: finished.length,
      downloadedHubFiles: downloaded.length,
    };
  });
}
