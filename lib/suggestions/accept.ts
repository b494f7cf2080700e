import type { ClientHubDb } from '../db/database';
import { connectionSchema, type FirmUser } from '../db/records';
import { type ClientTask, clientTaskSchema } from '../sync/records';
import { splitNote } from '../tasks/notes';
import type { Outbox } from '../tasks/outbox';
import type { OutboxJob, OutboxPayload } from '../tasks/records';
import { newOutboxJob, TaskActionError } from '../tasks/service';
import type { Suggestion } from './records';
import type { SuggestionService } from './service';

/**
 * Acting on suggestions. "Accept" recodes every line of the transaction to the suggested account
 * through the outbox (so it lands in Xero once, through worker restarts), leaves a History note saying
 * who coded it from the company's history and why, and closes the task when Xero has both, without
 * asking the client. "Ask the client" sends a possible suggestion as a question instead.
 */

export interface AcceptDeps {
  db: ClientHubDb;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
  suggestions: SuggestionService;
}

export interface AcceptRequest {
  taskId: string;
  /** The account the person saw: nothing happens when the suggestion changed since. */
  accountId: string;
}

const ACTIVE = new Set<ClientTask['status']>(['Open', 'Answered']);

export function historyNoteOf(suggestion: Suggestion, user: FirmUser): string {
  return `Client Hub: coded from the company's history by ${user.name}. ${suggestion.evidence}.`;
}

export function createSuggestionActions(deps: AcceptDeps) {
  const { db } = deps;

  async function busy(taskId: string): Promise<boolean> {
    const writing = await db.closeRequests
      .where('taskId')
      .equals(taskId)
      .filter((c) => c.state === 'writing')
      .count();
    return writing > 0;
  }

  const job = (task: ClientTask, payload: OutboxPayload, key: string, closeId: string, seq: number) =>
    newOutboxJob(task, payload, { key, closeId, seq, at: deps.now(), id: deps.newId() });

  /** Every line's account now (the stored transaction), else the company's monitored accounts. */
  async function linesToMove(task: ClientTask, targetId: string): Promise<string[]> {
    const record = await db.bankTransactions.get([task.tenantId, task.bankTransactionId]);
    const fromLines = (record?.lineItems ?? []).flatMap((line) => (line.accountId ? [line.accountId] : []));
    const connection = connectionSchema.safeParse(await db.connections.get(task.tenantId));
    const monitored = connection.success ? connection.data.monitoredAccountIds : [];
    const from = new Set([...fromLines, ...(fromLines.length === 0 ? monitored : [])]);
    from.delete(targetId);
    return [...from];
  }

  return {
    /**
     * Accepts suggestions (one, or a workspace's high-confidence ones after the preview). Only an Admin
     * recodes in Xero. Each is checked again here: a task closed meanwhile, or whose suggestion is now
     * another account or none, is skipped, never recoded on stale information.
     */
    async accept(requests: readonly AcceptRequest[], user: FirmUser, options: { onlyHigh: boolean }) {
      if (user.role !== 'admin')
        throw new TaskActionError('admin-only', 'Only a Client Hub Admin can recode transactions in Xero.');
      const current = new Map(
        (await deps.suggestions.forTasks(requests.map((r) => r.taskId))).map((s) => [s.taskId, s]),
      );
      let accepted = 0;
      let skipped = 0;
      for (const request of requests) {
        const suggestion = current.get(request.taskId);
        const ok =
          suggestion?.account?.id === request.accountId &&
          (suggestion.confidence === 'high' || (!options.onlyHigh && suggestion.confidence === 'possible'));
        const row = clientTaskSchema.safeParse(
          await db.clientTasks.where('id').equals(request.taskId).first(),
        );
        if (
          !ok ||
          !suggestion?.account ||
          !row.success ||
          !ACTIVE.has(row.data.status) ||
          (await busy(request.taskId))
        ) {
          skipped++;
          continue;
        }
        const task = row.data;
        const account = suggestion.account;
        const fromAccountIds = await linesToMove(task, account.id);
        const closeId = deps.newId();
        const jobs: OutboxJob[] = [];
        if (fromAccountIds.length > 0)
          jobs.push(
            job(task, { kind: 'recode', account, fromAccountIds }, `accept-recode-${closeId}`, closeId, 1),
          );
        jobs.push(
          job(
            task,
            { kind: 'history', messageIds: [], notes: splitNote(historyNoteOf(suggestion, user)) },
            `accept-note-${closeId}`,
            closeId,
            2,
          ),
        );
        await db.transaction('rw', [db.clientTasks, db.closeRequests, db.outbox, db.taskEvents], async () => {
          // A second Accept racing this one finds the first's Close and stops.
          if (await busy(task.id)) return;
          await db.closeRequests.add({
            id: closeId,
            taskId: task.id,
            requestedAt: deps.now(),
            requestedBy: user.name,
            previousStatus: task.status,
            state: 'writing',
          });
          await db.outbox.bulkAdd(jobs);
          await db.taskEvents.add({
            id: deps.newId(),
            taskId: task.id,
            at: deps.now(),
            kind: 'close-requested',
            text: `${user.name} accepted the suggested account ${account.code} ${account.name}: recoding in Xero, without asking the client`,
          });
        });
        accepted++;
      }
      void deps.outbox.kick();
      return { accepted, skipped };
    },

    /** A possible suggestion goes to the client as a question on the task ("Was this …?"). */
    async ask(taskId: string, user: FirmUser) {
      const [suggestion] = await deps.suggestions.forTasks([taskId]);
      if (!suggestion?.question)
        throw new TaskActionError(
          'no-question',
          'This task has no suggested account to ask the client about.',
        );
      const at = deps.now();
      const tenantId = (await db.clientTasks.where('id').equals(taskId).first())?.tenantId ?? '';
      await db.transaction('rw', [db.taskMessages, db.taskEvents], async () => {
        await db.taskMessages.add({
          id: deps.newId(),
          taskId,
          tenantId,
          at,
          from: 'firm',
          recordedBy: user.name,
          text: suggestion.question ?? '',
          account: null,
          writtenToXeroAt: null,
        });
        await db.taskEvents.add({
          id: deps.newId(),
          taskId,
          at,
          kind: 'comment',
          text: `${user.name} asked the client: ${suggestion.question}`,
        });
      });
      return { question: suggestion.question };
    },
  };
}

export type SuggestionActions = ReturnType<typeof createSuggestionActions>;
