import { afterEach, describe, expect, test } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import { cleanUpStorage, PERSISTENCE_SETTING, RETENTION, requestPersistentStorage } from '@/lib/db/storage';
import { describeFailure, failureFromThrown, isStorageFull } from '@/lib/errors';
import { keepStagedFile } from '@/lib/tasks/files';
import type { OutboxJob, TaskFile } from '@/lib/tasks/records';
import { quotaLimitedIndexedDB } from '../support/quota-indexeddb';

let counter = 0;
const opened: ClientHubDb[] = [];
function database(options?: ConstructorParameters<typeof ClientHubDb>[1]) {
  const db = new ClientHubDb(`storage-${process.pid}-${++counter}`, options);
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

function file(id: string, state: TaskFile['state'], addedAt: number): TaskFile {
  return {
    id,
    taskId: 'task-1',
    tenantId: 't',
    bankTransactionId: 'b',
    fileName: `${id}.pdf`,
    originalName: `${id}.pdf`,
    mimeType: 'application/pdf',
    size: 3,
    sha256: null,
    blob: new Blob(['abc']),
    addedAt,
    state,
  };
}

function job(
  id: string,
  state: OutboxJob['state'],
  updatedAt: number,
  closeId: string | null = null,
): OutboxJob {
  return {
    id,
    taskId: 'task-1',
    tenantId: 't',
    bankTransactionId: 'b',
    closeId,
    seq: 1,
    payload: { kind: 'history', messageIds: ['m'], notes: ['The client said: coffee with a supplier'] },
    idempotencyKey: `key-${id}`,
    state,
    attempts: 1,
    nextAttemptAt: updatedAt,
    createdAt: updatedAt,
    updatedAt,
  };
}

describe('a full disk', () => {
  test('Dexie’s refusals, however wrapped, are recognised as storage full, and nothing else is', async () => {
    const quota = quotaLimitedIndexedDB();
    const db = database(quota.dexieOptions);
    await db.settings.put({ key: 'before', value: 1 });
    quota.disk.full = true;
    const refusals = [
      await db.settings.put({ key: 'a', value: 1 }).catch((e: unknown) => e),
      await db
        .transaction('rw', db.settings, () => db.settings.put({ key: 'b', value: 1 }))
        .catch((e: unknown) => e),
      await db.settings
        .bulkPut([
          { key: 'c', value: 1 },
          { key: 'd', value: 2 },
        ])
        .catch((e: unknown) => e),
    ];
    for (const refusal of refusals) expect(isStorageFull(refusal)).toBe(true);
    // As a transaction's abort reports it, and inside a bulk write's failures.
    const quotaError = new DOMException('quota', 'QuotaExceededError');
    expect(isStorageFull({ name: 'AbortError', inner: quotaError })).toBe(true);
    expect(isStorageFull({ name: 'BulkError', failures: [new Error('x'), quotaError] })).toBe(true);
    expect(isStorageFull(new Error('QuotaExceededError in the message only'))).toBe(false);
    expect(isStorageFull(new DOMException('gone', 'AbortError'))).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
    quota.disk.full = false;
    expect((await db.settings.toArray()).map((row) => row.key)).toEqual(['before']);
  });

  test('becomes the catalogue’s problem with the action to take', async () => {
    const quota = quotaLimitedIndexedDB();
    const db = database(quota.dexieOptions);
    await db.open();
    quota.disk.full = true;
    const error = await db.taskMessages
      .add({
        id: 'm',
        taskId: 'x',
        tenantId: 't',
        at: 1,
        from: 'client',
        recordedBy: 'Ada',
        text: 'hi',
        account: null,
        writtenToXeroAt: null,
      })
      .catch((e: unknown) => e);
    const failure = failureFromThrown(error);
    expect(failure.kind).toBe('storage');
    const problem = describeFailure(failure, { now: NOW });
    expect(problem).toMatchObject({
      code: 'storage-full',
      severity: 'error',
      title: 'This computer is out of space',
    });
    expect(problem.action).toMatch(/Free up space on this computer.*then try again/);
    expect(problem.action).toMatch(/still here/);
  });

  test('a picked file that cannot be kept is reported by name, and the ones before it are kept', async () => {
    const quota = quotaLimitedIndexedDB();
    const db = database(quota.dexieOptions);
    expect(await keepStagedFile(db, file('first', 'staged', NOW))).toBeNull();
    quota.disk.full = true;
    const problem = await keepStagedFile(db, {
      ...file('second', 'staged', NOW),
      originalName: 'Receipt May.pdf',
    });
    expect(problem).toMatchObject({ code: 'storage-full' });
    expect(problem?.message).toContain('could not save the file Receipt May.pdf');
    quota.disk.full = false;
    expect((await db.taskFiles.toArray()).map((f) => f.id)).toEqual(['first']);
  });
});

describe('persistent storage', () => {
  test('asks only when not yet persisted, and records the browser’s answer', async () => {
    const db = database();
    const asked: string[] = [];
    const browserSaying = (already: boolean, grant: boolean) => ({
      persisted: async () => {
        asked.push('persisted');
        return already;
      },
      persist: async () => {
        asked.push('persist');
        return grant;
      },
    });
    expect(await requestPersistentStorage(db, browserSaying(true, false), 5)).toEqual({
      persisted: true,
      askedAt: 5,
    });
    expect(asked).toEqual(['persisted']);
    expect(await requestPersistentStorage(db, browserSaying(false, true), 6)).toEqual({
      persisted: true,
      askedAt: 6,
    });
    expect(await requestPersistentStorage(db, browserSaying(false, false), 7)).toEqual({
      persisted: false,
      askedAt: 7,
    });
    expect((await db.settings.get(PERSISTENCE_SETTING))?.value).toEqual({ persisted: false, askedAt: 7 });
    // No StorageManager (or one that throws): not persisted, and the page carries on.
    expect(await requestPersistentStorage(db, undefined, 8)).toEqual({ persisted: false, askedAt: 8 });
    const broken = {
      persisted: async () => {
        throw new Error('not allowed');
      },
      persist: async () => true,
    };
    expect((await requestPersistentStorage(db, broken, 9)).persisted).toBe(false);
  });
});

describe('clean-up on the schedule', () => {
  test('deletes staged files of abandoned answers and finished writes after their time, nothing else', async () => {
    const db = database();
    const old = (ms: number) => NOW - ms - 1;
    const recent = (ms: number) => NOW - ms + DAY;
    await db.taskFiles.bulkPut([
      file('abandoned', 'staged', old(RETENTION.stagedFileMs)),
      file('staged-recently', 'staged', recent(RETENTION.stagedFileMs)),
      file('queued-long-ago', 'queued', old(RETENTION.stagedFileMs)),
      file('failed-long-ago', 'failed', old(RETENTION.stagedFileMs)),
    ]);
    await db.closeRequests.bulkPut([
      {
        id: 'close-writing',
        taskId: 'task-1',
        requestedAt: 1,
        requestedBy: 'Ada',
        previousStatus: 'Answered',
        state: 'writing',
      },
      {
        id: 'close-done',
        taskId: 'task-1',
        requestedAt: 1,
        requestedBy: 'Ada',
        previousStatus: 'Answered',
        state: 'done',
      },
    ]);
    const longAgo = old(RETENTION.finishedOutboxJobMs);
    await db.outbox.bulkPut([
      job('done-long-ago', 'done', longAgo),
      job('done-long-ago-closed', 'done', longAgo, 'close-done'),
      job('done-recently', 'done', recent(RETENTION.finishedOutboxJobMs)),
      job('done-but-its-close-still-writing', 'done', longAgo, 'close-writing'),
      job('pending-long-ago', 'pending', longAgo),
      job('failed-long-ago', 'failed', longAgo),
    ]);
    await db.hubFileBytes.bulkPut([
      {
        id: 'downloaded-long-ago',
        tenantId: 't',
        taskId: 'task-1',
        blob: new Blob(['x']),
        storedAt: old(RETENTION.downloadedHubFileMs),
      },
      {
        id: 'downloaded-recently',
        tenantId: 't',
        taskId: 'task-1',
        blob: new Blob(['x']),
        storedAt: recent(RETENTION.downloadedHubFileMs),
      },
    ]);
    expect(await cleanUpStorage(db, NOW)).toEqual({ stagedFiles: 1, finishedJobs: 2, downloadedHubFiles: 1 });
    expect(await db.hubFileBytes.toCollection().primaryKeys()).toEqual(['downloaded-recently']);
    expect((await db.taskFiles.toCollection().primaryKeys()).sort()).toEqual(
      ['failed-long-ago', 'queued-long-ago', 'staged-recently'].sort(),
    );
    expect((await db.outbox.toCollection().primaryKeys()).sort()).toEqual(
      ['done-but-its-close-still-writing', 'done-recently', 'failed-long-ago', 'pending-long-ago'].sort(),
    );
    // Run again: nothing more to do.
    expect(await cleanUpStorage(db, NOW)).toEqual({ stagedFiles: 0, finishedJobs: 0, downloadedHubFiles: 0 });
  });

  test('the retention is a month for staged files and downloaded hub files, a week for finished writes', () => {
    expect(RETENTION).toEqual({
      stagedFileMs: 30 * DAY,
      finishedOutboxJobMs: 7 * DAY,
      downloadedHubFileMs: 30 * DAY,
    });
  });
});
