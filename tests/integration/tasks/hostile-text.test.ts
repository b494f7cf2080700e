import { afterAll, beforeAll, expect, test } from 'vitest';
import { graphemes } from '@/lib/text/hostile';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { notesOf, outboxSettled, stageFile, statusOf, taskWorld, truthOf } from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 14, scale: 120 });
});
afterAll(async () => {
  await sandbox?.close();
});

test('a file name that hides what it is reaches Xero cleaned; a long answer full of emoji arrives whole', async () => {
  const w = await taskWorld(sandbox);
  const fileId = await stageFile(w.h.db, w.task, 'invoice\u202efdp.exe', 'bytes');
  const zeroWidth = await stageFile(w.h.db, w.task, 're\u200bceipt\ufeff.pdf', 'other bytes');
  const answer = Array.from({ length: 90 }, (_, i) => `item${i} 👩🏽‍💻🇳🇿`).join(' ');
  await w.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: w.task.id,
    text: answer,
    account: null,
    fileIds: [fileId, zeroWidth],
  });
  await w.bg.ask({ type: 'tasks.close', taskIds: [w.task.id], recode: false });
  await outboxSettled(w.h.db);
  expect(await statusOf(w.h.db, w.task.id)).toBe('Closed');
  const truth = await truthOf(sandbox, w.tenantId, w.bankTransactionId);
  expect(truth.Attachments.map((a) => a.FileName).sort()).toEqual(['invoicefdp.exe', 'receipt.pdf']);
  const notes = notesOf(truth);
  expect(notes.length).toBeGreaterThan(1);
  for (const note of notes) {
    expect(note.length).toBeLessThanOrEqual(250);
    expect(note.isWellFormed()).toBe(true);
  }
  const written = notes.map((n) => n.replace(/^\(\d+\/\d+\) /, '')).join(' ');
  expect(graphemes(written).filter((g) => g === '👩🏽‍💻')).toHaveLength(90);
  expect(graphemes(written).filter((g) => g === '🇳🇿')).toHaveLength(90);
  expect(written).toBe(`Client Hub: client's answer: ${answer}`);
});
