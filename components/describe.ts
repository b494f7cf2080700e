import type { RemovalImpact } from '@/lib/db/company-data';
import type { ResponseOf } from '@/lib/messaging/contract';
import type { ClientTaskStatus, FieldChange, SyncRun, TaskActivity } from '@/lib/sync/records';
import { isolated } from '@/lib/text/hostile';

/** What happened, in the words the extension's pages show: kept here so each is said one way. */

const STATUS_WORDS: [ClientTaskStatus, string][] = [
  ['Open', 'open'],
  ['Answered', 'answered'],
  ['Closed', 'closed'],
  ['ResolvedInXero', 'resolved in Xero'],
  ['Cancelled', 'cancelled'],
];

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "12 Client Tasks (3 open, 9 closed)", in words a person checks before confirming. */
export function describeImpact(impact: RemovalImpact): string[] {
  const lines: string[] = [];
  if (impact.tasks === 0) lines.push('No Client Tasks.');
  else {
    const parts = STATUS_WORDS.flatMap(([status, words]) => {
      const n = impact.tasksByStatus[status] ?? 0;
      return n > 0 ? [`${n} ${words}`] : [];
    });
    lines.push(`${count(impact.tasks, 'Client Task', 'Client Tasks')} (${parts.join(', ')}).`);
  }
  if (impact.unsentAnswers > 0)
    lines.push(
      `${count(impact.unsentAnswers, 'client answer', 'client answers')} not yet written to Xero: ${impact.unsentAnswers === 1 ? 'it will be' : 'they will be'} lost.`,
    );
  if (impact.unsentFiles > 0)
    lines.push(
      `${count(impact.unsentFiles, 'attached file', 'attached files')} not yet in Xero: ${impact.unsentFiles === 1 ? 'it will be' : 'they will be'} lost.`,
    );
  return lines;
}

type CheckResult = ResponseOf<'sync.now'>['runs'][number];

/**
 * What "Check for new transactions" found for one company: new tasks, and tasks Xero resolved,
 * cancelled, re-opened or edited ("nothing new" only when nothing changed).
 */
export function describeCheck(run: CheckResult): string {
  if (run.problem) return run.problem.title;
  if (run.state === 'skipped') return 'choose its accounts first';
  const other =
    run.tasksUpdated - run.tasksResolved - run.tasksCancelled - run.tasksReopened - run.tasksEdited;
  const parts = [
    run.tasksCreated > 0 ? count(run.tasksCreated, 'new task', 'new tasks') : '',
    run.tasksResolved > 0 ? `${count(run.tasksResolved, 'task', 'tasks')} resolved in Xero` : '',
    run.tasksCancelled > 0
      ? `${count(run.tasksCancelled, 'task', 'tasks')} cancelled (deleted or voided in Xero)`
      : '',
    run.tasksReopened > 0
      ? `${count(run.tasksReopened, 'task', 'tasks')} open again (back in a monitored account)`
      : '',
    run.tasksEdited + Math.max(0, other) > 0
      ? `${count(run.tasksEdited + Math.max(0, other), 'task', 'tasks')} updated from Xero`
      : '',
  ].filter(Boolean);
  if (parts.length > 0) return parts.join(', ');
  return run.state === 'aborted' ? 'stopped before it finished' : 'nothing new';
}

/** The end of the backfill Manage Accounts started, replacing its "Looking for transactions…" notice. */
export function describeBackfillEnd(
  name: string,
  run: Pick<SyncRun, 'state' | 'tasksCreated' | 'scanned' | 'problem'>,
): string {
  if (run.state === 'succeeded') {
    return `Finished looking at ${name}’s transactions from the last 90 days: ${
      run.tasksCreated === 0
        ? 'none needs a Client Task'
        : `${count(run.tasksCreated, 'new Client Task', 'new Client Tasks')}`
    }.`;
  }
  if (run.state === 'failed')
    return `Stopped looking at ${name}’s transactions: ${run.problem?.title ?? 'something went wrong'}. Client Hub carries on at the next sync.`;
  return `Stopped looking at ${name}’s transactions for now. Client Hub carries on where it stopped at the next sync.`;
}

/** A line of the task's activity as a sentence: ends with a full stop. */
export const asSentence = (text: string) => {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** What Xero did to the transaction, said as a sentence (older records keep their stored words). */
export function activitySentence(entry: Pick<TaskActivity, 'kind' | 'text'>): string {
  switch (entry.kind) {
    case 'created':
      return entry.text.includes('Push to Client Hub')
        ? 'Task created from Xero with Push to Client Hub.'
        : 'Task created from a transaction in Xero.';
    case 'edited-in-xero':
      return 'The transaction was edited in Xero.';
    case 'categorised-in-xero':
      return 'The transaction was coded to an account that is not monitored in Xero, so the task is resolved.';
    case 'removed-in-xero':
      return entry.text.includes('voided')
        ? 'The transaction was voided in Xero, so the task is cancelled.'
        : 'The transaction was deleted in Xero, so the task is cancelled.';
    case 'back-in-monitored-account':
      return 'The transaction is back in a monitored account in Xero, so the task is open again.';
    default:
      return asSentence(entry.text);
  }
}

/** "Reference changed from “A” to “B”." */
export function changeSentence(change: FieldChange): string {
  // Values come from Xero: isolated, so a direction control in one cannot reorder the sentence.
  if (change.from === '') return `${change.field} set to “${isolated(change.to)}”.`;
  if (change.to === '') return `${change.field} cleared (was “${isolated(change.from)}”).`;
  return `${change.field} changed from “${isolated(change.from)}” to “${isolated(change.to)}”.`;
}
