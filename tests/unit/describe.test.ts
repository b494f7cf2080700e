import { describe, expect, test } from 'vitest';
import {
  activitySentence,
  asSentence,
  changeSentence,
  describeBackfillEnd,
  describeCheck,
  describeImpact,
} from '@/components/describe';
import { ageInDays, transactionAgeInDays } from '@/components/tasks/data';
import { readRemovalImpact } from '@/lib/db/company-data';
import { ClientHubDb } from '@/lib/db/database';
import { fileProblem, fileSize } from '@/lib/tasks/files';
import { isolated } from '@/lib/text/hostile';
import { companyRows, seedCompany } from '../support/company-rows';

const run = (counts: Partial<Parameters<typeof describeCheck>[0]> = {}) => ({
  tenantId: 't',
  name: 'Acme',
  state: 'succeeded',
  scanned: 10,
  tasksCreated: 0,
  tasksUpdated: 0,
  tasksResolved: 0,
  tasksCancelled: 0,
  tasksReopened: 0,
  tasksEdited: 0,
  ...counts,
});

describe('Check for new transactions says what happened', () => {
  test('"nothing new" only when nothing changed', () => {
    expect(describeCheck(run())).toBe('nothing new');
    expect(describeCheck(run({ tasksUpdated: 1, tasksResolved: 1 }))).toBe('1 task resolved in Xero');
  });
  test('new, resolved, cancelled, re-opened and edited are each said', () => {
    expect(
      describeCheck(
        run({
          tasksCreated: 2,
          tasksUpdated: 5,
          tasksResolved: 1,
          tasksCancelled: 2,
          tasksReopened: 1,
          tasksEdited: 1,
        }),
      ),
    ).toBe(
      '2 new tasks, 1 task resolved in Xero, 2 tasks cancelled (deleted or voided in Xero), 1 task open again (back in a monitored account), 1 task updated from Xero',
    );
  });
  test('a problem or a company without accounts says so instead', () => {
    expect(
      describeCheck(
        run({ problem: { code: 'offline', title: 'Xero is unreachable', message: 'm' } as never }),
      ),
    ).toBe('Xero is unreachable');
    expect(describeCheck(run({ state: 'skipped' }))).toBe('choose its accounts first');
  });
  test('the end of the backfill Manage Accounts started', () => {
    expect(describeBackfillEnd('Acme', { state: 'succeeded', tasksCreated: 3, scanned: 9 })).toBe(
      'Finished looking at Acme’s transactions from the last 90 days: 3 new Client Tasks.',
    );
    expect(describeBackfillEnd('Acme', { state: 'succeeded', tasksCreated: 0, scanned: 9 })).toMatch(
      /none needs a Client Task/,
    );
    expect(describeBackfillEnd('Acme', { state: 'aborted', tasksCreated: 0, scanned: 9 })).toMatch(
      /^Stopped/,
    );
  });
});

describe('file sizes in B, KB and MB', () => {
  test.each([
    [0, '0 B'],
    [69, '69 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [380 * 1024, '380 KB'],
    [1024 * 1024 - 1, '1.0 MB'],
    [10.4 * 1024 * 1024, '10.4 MB'],
  ])('%d bytes is %s', (bytes, shown) => {
    expect(fileSize(bytes)).toBe(shown);
  });
  test('the too-large message uses it', () => {
    expect(fileProblem({ name: 'scan.pdf', size: 12 * 1024 * 1024 })).toMatch(/is 12\.0 MB/);
  });
});

describe('the task list says what each age counts', () => {
  const task = {
    createdAt: Date.parse('2026-11-20T09:00:00Z'),
    snapshot: { date: '2026-10-01' },
  } as Parameters<typeof ageInDays>[0];
  const now = Date.parse('2026-11-29T10:00:00Z');
  test('the transaction’s date and how long the task has waited are different numbers', () => {
    expect(transactionAgeInDays(task, now)).toBe(59);
    expect(ageInDays(task, now)).toBe(9);
  });
});

describe('activity as plain sentences', () => {
  test('what Xero did, and what changed', () => {
    expect(activitySentence({ kind: 'categorised-in-xero', text: 'Categorised in Xero' })).toBe(
      'The transaction was coded to an account that is not monitored in Xero, so the task is resolved.',
    );
    expect(activitySentence({ kind: 'removed-in-xero', text: 'Removed in Xero (voided)' })).toMatch(/voided/);
    expect(changeSentence({ field: 'Reference', from: 'A', to: 'B' })).toBe(
      `Reference changed from “${isolated('A')}” to “${isolated('B')}”.`,
    );
    expect(changeSentence({ field: 'Reference', from: '', to: 'B' })).toBe(
      `Reference set to “${isolated('B')}”.`,
    );
    // A value from Xero cannot reorder the sentence around it.
    expect(changeSentence({ field: 'Contact', from: '\u202eA', to: 'B' })).toBe(
      `Contact changed from “${isolated('A')}” to “${isolated('B')}”.`,
    );
    expect(asSentence("Client's answer written to the transaction's History in Xero")).toBe(
      "Client's answer written to the transaction's History in Xero.",
    );
    expect(asSentence('Closed.')).toBe('Closed.');
  });
});

describe('the Remove dialog says what will be deleted', () => {
  test('tasks by status and unsent answers and files, read from the company’s rows only', async () => {
    const db = new ClientHubDb(`impact-${Math.random()}`);
    await seedCompany(db, 'tenant-a', 'a');
    await seedCompany(db, 'tenant-b', 'b');
    const impact = await readRemovalImpact(db, 'tenant-a');
    const seeded = companyRows('tenant-a', 'a');
    expect(impact.tasks).toBe(seeded.clientTasks?.length);
    expect(impact).toEqual({
      tasks: 2,
      tasksByStatus: { Answered: 1, Open: 1 },
      unsentAnswers: 1,
      unsentFiles: 1,
    });
    expect(describeImpact(impact)).toEqual([
      '2 Client Tasks (1 open, 1 answered).',
      '1 client answer not yet written to Xero: it will be lost.',
      '1 attached file not yet in Xero: it will be lost.',
    ]);
    expect(describeImpact({ tasks: 0, tasksByStatus: {}, unsentAnswers: 0, unsentFiles: 0 })).toEqual([
      'No Client Tasks.',
    ]);
  });
});
