import { describe, expect, test } from 'vitest';
import type { BankTransactionRecord, ClientTask } from '@/lib/sync/records';
import { applyTransaction, qualifies, type TaskContext, type TaskScope } from '@/lib/sync/rules';

const UNCATEGORISED = 'acc-uncategorised';
const SUSPENSE = 'acc-suspense';
const OFFICE = 'acc-office';

const scope: TaskScope = { monitoredAccountIds: new Set([UNCATEGORISED, SUSPENSE]), types: ['SPEND'] };
let ids = 0;
const context: TaskContext = {
  tenantId: 't1',
  workspaceId: 'w1',
  now: 1_000,
  newId: () => `id-${++ids}`,
  accountsById: new Map([
    [UNCATEGORISED, { code: '999', name: 'Uncategorised Expense' }],
    [OFFICE, { code: '453', name: 'Office Expenses' }],
  ]),
};

function transaction(overrides: Partial<BankTransactionRecord> = {}): BankTransactionRecord {
  return {
    tenantId: 't1',
    bankTransactionId: 'bt-1',
    type: 'SPEND',
    status: 'AUTHORISED',
    date: '2026-11-01',
    contactName: 'Acme Ltd',
    description: 'Paper',
    reference: 'INV-1',
    total: 12.5,
    currency: 'NZD',
    bankAccount: { id: 'bank-1', name: 'Business Cheque' },
    lineItems: [{ accountId: UNCATEGORISED, accountCode: '999', lineAmount: 12.5, description: 'Paper' }],
    hasAttachments: false,
    updatedDateUtc: 500,
    isReconciled: false,
    ...overrides,
  };
}

function created(overrides: Partial<BankTransactionRecord> = {}): ClientTask {
  const outcome = applyTransaction(undefined, transaction(overrides), scope, context);
  if (outcome.change !== 'created') throw new Error('expected a new task');
  return outcome.task;
}

const recoded = (accountId: string) =>
  transaction({ lineItems: [{ accountId, accountCode: null, lineAmount: 12.5, description: 'Paper' }] });

describe('which transactions become Client Tasks', () => {
  test('a Spend Money transaction coded to a monitored account becomes one Open task with a snapshot', () => {
    const outcome = applyTransaction(undefined, transaction(), scope, context);
    expect(outcome.change).toBe('created');
    if (outcome.change !== 'created') return;
    expect(outcome.task).toMatchObject({
      tenantId: 't1',
      workspaceId: 'w1',
      bankTransactionId: 'bt-1',
      status: 'Open',
    });
    expect(outcome.task.snapshot).toMatchObject({
      date: '2026-11-01',
      contactName: 'Acme Ltd',
      amount: 12.5,
      currency: 'NZD',
      bankAccount: { name: 'Business Cheque' },
      accountCoded: { id: UNCATEGORISED, code: '999', name: 'Uncategorised Expense' },
      attachmentCount: 0,
    });
    expect(outcome.activity).toEqual([{ kind: 'created', text: 'Task created from Xero', changes: [] }]);
  });

  test('any line in a monitored account is enough, matched on AccountID whatever the case', () => {
    const split = transaction({
      lineItems: [
        { accountId: OFFICE, accountCode: '453', lineAmount: 10, description: 'Pens' },
        { accountId: SUSPENSE.toUpperCase(), accountCode: '998', lineAmount: 2.5, description: '?' },
      ],
    });
    expect(qualifies(split, scope)).toBe(true);
  });

  test.each<[string, Partial<BankTransactionRecord>]>([
    ['RECEIVE (off by default)', { type: 'RECEIVE' }],
    ['a transfer', { type: 'SPEND-TRANSFER' }],
    ['a prepayment', { type: 'SPEND-PREPAYMENT' }],
    ['an overpayment', { type: 'SPEND-OVERPAYMENT' }],
    ['a deleted one', { status: 'DELETED' }],
    [
      'one coded elsewhere',
      { lineItems: [{ accountId: OFFICE, accountCode: '453', lineAmount: 1, description: '' }] },
    ],
  ])('%s creates nothing', (_name, overrides) => {
    expect(applyTransaction(undefined, transaction(overrides), scope, context)).toEqual({ change: 'none' });
  });

  test('Receive Money creates tasks once turned on; transfers still never do', () => {
    const withReceive: TaskScope = { ...scope, types: ['SPEND', 'RECEIVE'] };
    expect(applyTransaction(undefined, transaction({ type: 'RECEIVE' }), withReceive, context).change).toBe(
      'created',
    );
    expect(
      applyTransaction(undefined, transaction({ type: 'RECEIVE-TRANSFER' }), withReceive, context).change,
    ).toBe('none');
  });
});

describe('what a change in Xero does to a task', () => {
  test('the same transaction again changes nothing (re-syncs and overlaps are harmless)', () => {
    const task = created();
    expect(applyTransaction(task, transaction(), scope, context)).toEqual({ change: 'none' });
  });

  test('an edit updates the snapshot and lists what changed', () => {
    const task = created();
    const outcome = applyTransaction(
      task,
      transaction({ total: 20, reference: 'INV-2', hasAttachments: true, updatedDateUtc: 900 }),
      scope,
      { ...context, now: 2_000 },
    );
    expect(outcome.change).toBe('updated');
    if (outcome.change !== 'updated') return;
    expect(outcome.task.status).toBe('Open');
    expect(outcome.task.id).toBe(task.id);
    expect(outcome.task.snapshot.amount).toBe(20);
    expect(outcome.task.snapshot.attachmentCount).toBeNull();
    expect(outcome.task.updatedAt).toBe(2_000);
    expect(outcome.activity[0]?.kind).toBe('edited-in-xero');
    expect(outcome.activity[0]?.changes).toEqual([
      { field: 'Reference', from: 'INV-1', to: 'INV-2' },
      { field: 'Amount', from: '12.50 NZD', to: '20.00 NZD' },
      { field: 'Attachments', from: 'no', to: 'yes' },
    ]);
  });

  test('recategorised out of every monitored account: resolved, "Categorised in Xero"', () => {
    const outcome = applyTransaction(created(), recoded(OFFICE), scope, context);
    expect(outcome.change).toBe('updated');
    if (outcome.change !== 'updated') return;
    expect(outcome.task.status).toBe('ResolvedInXero');
    expect(outcome.task.snapshot.accountCoded).toMatchObject({ id: OFFICE, name: 'Office Expenses' });
    expect(outcome.activity[0]).toMatchObject({ kind: 'categorised-in-xero', text: 'Categorised in Xero' });
    expect(outcome.activity[0]?.changes).toContainEqual({
      field: 'Account',
      from: '999 Uncategorised Expense',
      to: '453 Office Expenses',
    });
    // Seen again: nothing more happens.
    expect(applyTransaction(outcome.task, recoded(OFFICE), scope, context)).toEqual({ change: 'none' });
  });

  test('moved from one monitored account to another stays open (an edit)', () => {
    const outcome = applyTransaction(created(), recoded(SUSPENSE), scope, context);
    expect(outcome.change === 'updated' && outcome.task.status).toBe('Open');
    expect(outcome.change === 'updated' && outcome.activity[0]?.kind).toBe('edited-in-xero');
  });

  test.each(['DELETED', 'VOIDED'])('%s in Xero: cancelled, "Removed in Xero"', (status) => {
    const outcome = applyTransaction(created(), transaction({ status }), scope, context);
    expect(outcome.change).toBe('updated');
    if (outcome.change !== 'updated') return;
    expect(outcome.task.status).toBe('Cancelled');
    expect(outcome.activity[0]?.kind).toBe('removed-in-xero');
    expect(outcome.activity[0]?.text).toMatch(/^Removed in Xero/);
    expect(applyTransaction(outcome.task, transaction({ status }), scope, context)).toEqual({
      change: 'none',
    });
  });

  test('an Answered task is resolved or cancelled like an Open one', () => {
    const answered: ClientTask = { ...created(), status: 'Answered' };
    const outcome = applyTransaction(answered, recoded(OFFICE), scope, context);
    expect(outcome.change === 'updated' && outcome.task.status).toBe('ResolvedInXero');
  });

  test('a task the firm Closed is not reopened by an edit; the edit is recorded', () => {
    const closed: ClientTask = { ...created(), status: 'Closed' };
    const edit = applyTransaction(closed, transaction({ reference: 'new' }), scope, context);
    expect(edit.change).toBe('updated');
    if (edit.change !== 'updated') return;
    expect(edit.task.status).toBe('Closed');
    expect(edit.activity[0]?.kind).toBe('edited-in-xero');
    for (const change of [recoded(OFFICE), transaction({ status: 'DELETED' })]) {
      const outcome = applyTransaction(closed, change, scope, context);
      expect(outcome.change === 'updated' && outcome.task.status).toBe('Closed');
    }
  });

  test('back in a monitored account after being categorised: open again, same task', () => {
    const resolved = applyTransaction(created(), recoded(OFFICE), scope, context);
    if (resolved.change !== 'updated') throw new Error('expected resolved');
    const back = applyTransaction(resolved.task, transaction(), scope, context);
    expect(back.change).toBe('updated');
    if (back.change !== 'updated') return;
    expect(back.task.status).toBe('Open');
    expect(back.task.id).toBe(resolved.task.id);
    expect(back.activity[0]?.kind).toBe('back-in-monitored-account');
  });

  test('a Receive Money task whose type is turned off again is resolved, not deleted', () => {
    const withReceive: TaskScope = { ...scope, types: ['SPEND', 'RECEIVE'] };
    const outcome = applyTransaction(undefined, transaction({ type: 'RECEIVE' }), withReceive, context);
    if (outcome.change !== 'created') throw new Error('expected a task');
    const after = applyTransaction(outcome.task, transaction({ type: 'RECEIVE' }), scope, context);
    expect(after.change === 'updated' && after.task.status).toBe('ResolvedInXero');
  });
});

describe('a task a bookkeeper pushed by hand', () => {
  const pushed = (): ClientTask => ({ ...created(), origin: 'push' });

  test('is not resolved as "Categorised in Xero" just because its account is not monitored', () => {
    const outcome = applyTransaction(pushed(), transaction(recoded(OFFICE)), scope, context);
    expect(outcome.change === 'none' || outcome.task.status === 'Open').toBe(true);
  });

  test('still records edits, and is cancelled when the transaction is deleted in Xero', () => {
    const edited = applyTransaction(
      pushed(),
      transaction({ ...recoded(OFFICE), reference: 'INV-9' }),
      scope,
      context,
    );
    expect(edited.change).toBe('updated');
    if (edited.change === 'updated') expect(edited.task.status).toBe('Open');
    const deleted = applyTransaction(
      pushed(),
      transaction({ ...recoded(OFFICE), status: 'DELETED' }),
      scope,
      context,
    );
    expect(deleted.change === 'updated' && deleted.task.status).toBe('Cancelled');
  });

  test('a sync-made task in the same position is resolved (the rule the push exception departs from)', () => {
    const synced = { ...created(), origin: 'sync' as const };
    const outcome = applyTransaction(synced, transaction(recoded(OFFICE)), scope, context);
    expect(outcome.change === 'updated' && outcome.task.status).toBe('ResolvedInXero');
  });
});
