import { afterAll, beforeAll, expect, test } from 'vitest';
import { SCHEDULE_ALARM } from '@/lib/background/main';
import { ClientHubDb } from '@/lib/db/database';
import { RETENTION } from '@/lib/db/storage';
import { BackgroundError } from '@/lib/messaging/client';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { quotaLimitedIndexedDB } from '../../support/quota-indexeddb';
import { stageFile, statusOf, taskWorld } from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 17, scale: 60 });
});
afterAll(async () => {
  await sandbox?.close();
});

const receipt = new TextEncoder().encode('%PDF-1.4 receipt for a long lunch');

test('a full disk while recording an answer: the person is told what to do, nothing is half-written, and the answer records once there is room', async () => {
  const quota = quotaLimitedIndexedDB();
  const db = new ClientHubDb(`storage-full-${process.pid}`, quota.dexieOptions);
  const w = await taskWorld(sandbox, { db });
  const fileId = await stageFile(w.h.db, w.task, 'receipt.pdf', receipt);
  const answer = {
    type: 'tasks.recordAnswer' as const,
    taskId: w.task.id,
    text: 'Lunch with the accountant',
    account: null,
    fileIds: [fileId],
  };

  quota.disk.full = true;
  const refused = await w.bg.ask(answer).catch((error: unknown) => error);
  quota.disk.full = false;
  expect(refused).toBeInstanceOf(BackgroundError);
  const detail = (refused as BackgroundError).detail;
  expect(detail).toMatchObject({ code: 'storage-full', title: 'This computer is out of space' });
  expect(detail.action).toMatch(/Free up space on this computer/);
  // One transaction: no message without its outbox job, no file moved on, the task still unanswered.
  expect(await w.h.db.taskMessages.where('taskId').equals(w.task.id).count()).toBe(0);
  expect(await w.h.db.outbox.where('taskId').equals(w.task.id).count()).toBe(0);
  expect((await w.h.db.taskFiles.get(fileId))?.state).toBe('staged');
  expect(await statusOf(w.h.db, w.task.id)).toBe('Open');

  // The page kept the text and the staged file: the same request, sent again, records it once.
  expect(await w.bg.ask(answer)).toEqual({ queuedFiles: 1, duplicateFiles: 0 });
  expect(await w.h.db.taskMessages.where('taskId').equals(w.task.id).count()).toBe(1);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Answered');
});

test('the schedule’s alarm deletes abandoned staged files and finished writes after their time', async () => {
  const w = await taskWorld(sandbox, { orgIndex: 1 });
  const now = Date.now(); // the background's clock in these tests
  const abandoned = await stageFile(w.h.db, w.task, 'abandoned.pdf', receipt);
  await w.h.db.taskFiles.update(abandoned, { addedAt: now - RETENTION.stagedFileMs - 60_000 });
  const fresh = await stageFile(w.h.db, w.task, 'fresh.pdf', receipt);
  await w.h.db.outbox.bulkPut(
    ['finished-long-ago', 'finished-today'].map((id, i) => ({
      id,
      taskId: w.task.id,
      tenantId: w.tenantId,
      bankTransactionId: w.bankTransactionId,
      closeId: null,
      seq: 1,
      payload: { kind: 'history' as const, messageIds: ['m'], notes: ['Lunch with the accountant'] },
      idempotencyKey: `key-${id}`,
      state: 'done' as const,
      attempts: 1,
      nextAttemptAt: 0,
      createdAt: 0,
      updatedAt: i === 0 ? now - RETENTION.finishedOutboxJobMs - 60_000 : now,
    })),
  );

  w.bg.fireAlarm(SCHEDULE_ALARM);
  await expect.poll(() => w.h.db.taskFiles.get(abandoned), { timeout: 30_000 }).toBeUndefined();
  await expect.poll(() => w.h.db.outbox.get('finished-long-ago'), { timeout: 30_000 }).toBeUndefined();
  expect(await w.h.db.taskFiles.get(fresh)).toBeDefined();
  expect(await w.h.db.outbox.get('finished-today')).toBeDefined();
});
