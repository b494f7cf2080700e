import { expect, test } from 'vitest';
import { mergeHubTask, messageOfComment } from '@/lib/hub/pull';
import { feedEntrySchema, snapshotOf, transactionOf } from '@/lib/hub/task-wire';
import type { ClientTask } from '@/lib/sync/records';

const local: ClientTask = {
  id: 'local-1',
  tenantId: '0b0b0b0b-0000-4000-8000-000000000001',
  workspaceId: 'ws-local',
  bankTransactionId: '6a1f3c2e-0000-4000-8000-0000000000aa',
  status: 'Open',
  snapshot: {
    date: '2026-11-02',
    contactName: 'Corner <b>Stationers</b>',
    description: 'Paper',
    reference: 'Card 1234',
    amount: 42.5,
    currency: 'NZD',
    bankAccount: { id: 'bank-1', name: 'Cheque' },
    accountCoded: { id: 'acct-1', code: '499', name: 'Suspense' },
    hasAttachments: true,
    attachmentCount: 2,
    type: 'SPEND',
    xeroStatus: 'AUTHORISED',
  },
  createdAt: 1,
  updatedAt: 1,
};

const hubTask = (over: Record<string, unknown> = {}) =>
  feedEntrySchema.parse({
    kind: 'task',
    seq: 12,
    task: {
      id: 'hub-1',
      workspaceId: 'ws-hub',
      question: '',
      date: '2026-11-02',
      amount: 42.5,
      currencyCode: 'NZD',
      contactName: 'Corner <b>Stationers</b>',
      reference: 'Card 1234',
      status: 'Answered',
      updatedAt: '2026-11-29T06:00:00.000Z',
      tenantId: local.tenantId,
      bankTransactionId: local.bankTransactionId,
      transaction: transactionOf(local).transaction,
      statusChangedBy: { userId: 'u-client', name: 'Cleo Client' },
      statusChangedAt: '2026-11-29T06:00:00.000Z',
      seq: 12,
      // The account the client picked in the portal.
      clientAccount: { accountId: 'acct-9', code: '420', name: 'Office Supplies' },
      // A field a newer server sends.
      reviewedBy: { userId: 'u-9', name: 'Rua Reviewer' },
      ...over,
    },
  });

const taskOf = (entry: ReturnType<typeof hubTask>) => {
  if (entry.kind !== 'task') throw new Error('not a task');
  return entry.task;
};

test('what the extension sends describes the transaction so that reading it back gives the same task', () => {
  expect(snapshotOf(transactionOf(local).transaction)).toEqual({ ...local.snapshot, attachmentCount: null });
});

test('a pulled task keeps fields this version does not know, and its status and who set it', () => {
  const merged = mergeHubTask(local, taskOf(hubTask()), {
    workspaceId: 'ws-local',
    now: 5,
    waiting: new Set(),
  });
  expect(merged?.status).toBe('Answered');
  expect(merged?.id).toBe('local-1');
  expect(merged?.hub?.extra).toEqual({ reviewedBy: { userId: 'u-9', name: 'Rua Reviewer' } });
  // The client's account choice is a known field (the panel shows it; Close recodes to it).
  expect(merged?.hub?.clientAccount).toEqual({ accountId: 'acct-9', code: '420', name: 'Office Supplies' });
  expect(merged?.hub?.clientAccountAccepted).toBe(false);
  expect(merged?.hub?.writtenToXero).toBeNull();
  expect(merged?.hub?.statusChangedBy?.name).toBe('Cleo Client');
  // What this browser counted of Xero's attachments is kept.
  expect(merged?.snapshot.attachmentCount).toBe(2);
});

test('an older or same server state is never applied over a newer one', () => {
  const applied = mergeHubTask(local, taskOf(hubTask()), { workspaceId: null, now: 5, waiting: new Set() });
  if (!applied) throw new Error('not applied');
  expect(
    mergeHubTask(applied, taskOf(hubTask({ seq: 11, status: 'Open' })), {
      workspaceId: null,
      now: 6,
      waiting: new Set(),
    }),
  ).toBeUndefined();
  expect(
    mergeHubTask(applied, taskOf(hubTask({ seq: 12 })), { workspaceId: null, now: 6, waiting: new Set() }),
  ).toBeUndefined();
});

test('a status changed here and not yet sent stays until the server has it (no flip-flop)', () => {
  const closedHere = { ...local, status: 'Closed' as const };
  const merged = mergeHubTask(closedHere, taskOf(hubTask()), {
    workspaceId: null,
    now: 5,
    waiting: new Set(['hub-status']),
  });
  expect(merged?.status).toBe('Closed');
  expect(merged?.hub?.seq).toBe(12);
});

test('a client comment becomes the client’s answer in the conversation, with the account they picked', () => {
  const message = messageOfComment(
    {
      id: 'c-1',
      taskId: 'hub-1',
      body: '<img src=x onerror=alert(1)> lunch',
      internal: false,
      author: { userId: 'u-client', name: 'Cleo Client', role: 'Client User' },
      createdAt: '2026-11-29T06:00:00.000Z',
      account: { id: 'acct-9', code: '420', name: 'Office Supplies' },
    },
    'local-1',
    local.tenantId,
  );
  expect(message).toMatchObject({
    id: 'hub-c-1',
    hubId: 'c-1',
    from: 'client',
    text: '<img src=x onerror=alert(1)> lunch',
    account: { id: 'acct-9', code: '420', name: 'Office Supplies' },
    writtenToXeroAt: null,
  });
});
