import type {
  AccountRecord,
  ActivityKind,
  BankTransactionRecord,
  ClientTask,
  FieldChange,
  SupportedType,
  TaskSnapshot,
} from './records';

/**
 * When a bank transaction becomes a Client Task, and what a change in Xero does to that task. Pure:
 * the sync engine supplies the stored task and the transaction as Xero now has it.
 */

export interface TaskScope {
  /** Lower-cased AccountIDs of the Xero company's monitored accounts. */
  monitoredAccountIds: ReadonlySet<string>;
  /** Transaction types that create tasks (SPEND by default, RECEIVE when turned on). */
  types: readonly SupportedType[];
}

export interface TaskContext {
  tenantId: string;
  workspaceId: string | null;
  now: number;
  newId: () => string;
  /** Chart of accounts for names in the snapshot; a missing account shows its code only. */
  accountsById: ReadonlyMap<string, Pick<AccountRecord, 'code' | 'name'>>;
}

export interface ActivityDraft {
  kind: ActivityKind;
  text: string;
  changes: FieldChange[];
}

export type TaskOutcome =
  | { change: 'none' }
  | { change: 'created' | 'updated'; task: ClientTask; activity: ActivityDraft[] };

const REMOVED_STATUSES = new Set(['DELETED', 'VOIDED']);

export function isSupportedType(type: string, types: readonly SupportedType[]): boolean {
  return (types as readonly string[]).includes(type);
}

/** The first line coded to a monitored account, if any. */
export function monitoredLine(transaction: BankTransactionRecord, scope: TaskScope) {
  return transaction.lineItems.find(
    (line) => line.accountId !== null && scope.monitoredAccountIds.has(line.accountId.toLowerCase()),
  );
}

/** A transaction that should have an open Client Task right now. */
export function qualifies(transaction: BankTransactionRecord, scope: TaskScope): boolean {
  return (
    transaction.status === 'AUTHORISED' &&
    isSupportedType(transaction.type, scope.types) &&
    monitoredLine(transaction, scope) !== undefined
  );
}

export function snapshotOf(
  transaction: BankTransactionRecord,
  scope: TaskScope,
  context: Pick<TaskContext, 'accountsById'>,
  previous?: TaskSnapshot,
): TaskSnapshot {
  // Once out of every monitored account, the task shows where Xero has it coded now.
  const line = monitoredLine(transaction, scope) ?? transaction.lineItems.find((l) => l.accountId !== null);
  const account = line?.accountId ? context.accountsById.get(line.accountId.toLowerCase()) : undefined;
  return {
    date: transaction.date,
    contactName: transaction.contactName,
    description: transaction.description,
    reference: transaction.reference,
    amount: transaction.total,
    currency: transaction.currency,
    bankAccount: transaction.bankAccount,
    accountCoded:
      line?.accountId != null
        ? { id: line.accountId, code: line.accountCode ?? account?.code ?? null, name: account?.name ?? null }
        : null,
    hasAttachments: transaction.hasAttachments,
    // A count taken when the task was opened stays true until Xero says there are none.
    attachmentCount: transaction.hasAttachments
      ? previous?.hasAttachments
        ? previous.attachmentCount
        : null
      : 0,
    type: transaction.type,
    xeroStatus: transaction.status,
  };
}

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`.trim();
const accountWords = (account: TaskSnapshot['accountCoded']) =>
  account ? [account.code, account.name].filter(Boolean).join(' ') || account.id : 'none';

/** What changed between two snapshots, in the words the task's activity shows. */
export function snapshotChanges(before: TaskSnapshot, after: TaskSnapshot): FieldChange[] {
  const changes: FieldChange[] = [];
  const add = (field: string, from: string, to: string) => {
    if (from !== to) changes.push({ field, from, to });
  };
  add('Date', before.date, after.date);
  add('Contact', before.contactName, after.contactName);
  add('Description', before.description, after.description);
  add('Reference', before.reference, after.reference);
  add('Amount', money(before.amount, before.currency), money(after.amount, after.currency));
  add('Bank account', before.bankAccount.name, after.bankAccount.name);
  add('Account', accountWords(before.accountCoded), accountWords(after.accountCoded));
  add('Attachments', before.hasAttachments ? 'yes' : 'no', after.hasAttachments ? 'yes' : 'no');
  add('Status in Xero', before.xeroStatus, after.xeroStatus);
  return changes;
}

const isActive = (task: ClientTask) => task.status === 'Open' || task.status === 'Answered';

/**
 * Applies one transaction, as Xero now has it, to its task (if any):
 * - new and qualifying → one Open task;
 * - edited → snapshot updated, activity lists what changed;
 * - out of every monitored account (or type no longer synced) → ResolvedInXero, "Categorised in Xero";
 * - DELETED or VOIDED → Cancelled, "Removed in Xero";
 * - back in a monitored account after being resolved → Open again;
 * - a task the firm Closed is never reopened: the change is recorded, the status stays.
 * Tasks are never deleted. Re-applying the same transaction changes nothing.
 */
export function applyTransaction(
  existing: ClientTask | undefined,
  transaction: BankTransactionRecord,
  scope: TaskScope,
  context: TaskContext,
): TaskOutcome {
  const wanted = qualifies(transaction, scope);
  if (!existing) {
    if (!wanted) return { change: 'none' };
    const snapshot = snapshotOf(transaction, scope, context);
    return {
      change: 'created',
      task: {
        id: context.newId(),
        tenantId: context.tenantId,
        workspaceId: context.workspaceId,
        bankTransactionId: transaction.bankTransactionId,
        status: 'Open',
        snapshot,
        createdAt: context.now,
        updatedAt: context.now,
      },
      activity: [{ kind: 'created', text: 'Task created from Xero', changes: [] }],
    };
  }

  const snapshot = snapshotOf(transaction, scope, context, existing.snapshot);
  const changes = snapshotChanges(existing.snapshot, snapshot);
  const removed = REMOVED_STATUSES.has(transaction.status);
  const wasRemoved = existing.snapshot.xeroStatus !== snapshot.xeroStatus && removed;
  // A task a bookkeeper pushed by hand was never about a monitored account: only they close it.
  const categorised = !removed && !wanted && existing.origin !== 'push';

  let status = existing.status;
  let activity: ActivityDraft | undefined;
  if (removed) {
    if (isActive(existing) || existing.status === 'ResolvedInXero') status = 'Cancelled';
    if (wasRemoved || status !== existing.status) {
      const how = transaction.status === 'VOIDED' ? 'voided' : 'deleted';
      activity = { kind: 'removed-in-xero', text: `Removed in Xero (${how})`, changes };
    }
  } else if (categorised) {
    if (isActive(existing)) {
      status = 'ResolvedInXero';
      activity = { kind: 'categorised-in-xero', text: 'Categorised in Xero', changes };
    }
  } else if (existing.status === 'ResolvedInXero' || (existing.status === 'Cancelled' && wanted)) {
    status = 'Open';
    activity = { kind: 'back-in-monitored-account', text: 'Back in a monitored account in Xero', changes };
  }
  if (!activity && changes.length > 0) {
    activity = { kind: 'edited-in-xero', text: 'Edited in Xero', changes };
  }
  if (!activity && status === existing.status) return { change: 'none' };

  return {
    change: 'updated',
    task: {
      ...existing,
      status,
      snapshot,
      updatedAt: context.now,
    },
    activity: activity ? [activity] : [],
  };
}
