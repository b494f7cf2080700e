import type { ClientHubDb } from '../db/database';
import { connectionSchema, type FirmUser } from '../db/records';
import { queueHubComment, queueHubFiles, queueHubStatus } from '../hub/push';
import { closedElsewhereWaiting, unmarkClosedElsewhere } from '../hub/records';
import {
  accountRecordSchema,
  bankTransactionRecordSchema,
  type ClientTask,
  clientTaskSchema,
} from '../sync/records';
import {
  fileProblem,
  MAX_ATTACHMENTS_PER_TRANSACTION,
  safeFileName,
  sha256Hex,
  tooManyFilesProblem,
} from './files';
import { newOutboxJob } from './jobs';
import { answerNoteText, splitNote } from './notes';
import type { Outbox } from './outbox';
import {
  type ChosenAccount,
  type OutboxJob,
  type OutboxPayload,
  type TaskFile,
  type TaskMessage,
  type TransactionShape,
  taskFileSchema,
  taskMessageSchema,
} from './records';

/** A task action refused, in words for the person who asked (the router passes `code` + `message`). */
export class TaskActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TaskServiceDeps {
  db: ClientHubDb;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
}

/** "the answer to History, 2 files and the recoding", for the task's activity. */
function describeWrites(jobs: readonly OutboxJob[]): string {
  const files = jobs.filter((j) => j.payload.kind === 'client-file').length;
  return [
    jobs.some((j) => j.payload.kind === 'history') ? 'the answer to History' : null,
    files > 0 ? `the client’s ${files === 1 ? 'file' : `${files} files`}` : null,
    jobs.some((j) => j.payload.kind === 'recode') ? 'the recoding' : null,
  ]
    .filter(Boolean)
    .join(' and ');
}

const ACTIVE = new Set<ClientTask['status']>(['Open', 'Answered', 'ResolvedInXero']);
const hex = async (text: string) => sha256Hex(new Blob([text]));

/**
 * Where a Client Task's status changes because of the firm: answers, comments, Close and Re-open.
 * Writes to Xero are only queued here (the outbox sends them); the task becomes Closed when they landed.
 */
export function createTaskService(deps: TaskServiceDeps) {
  const { db } = deps;

  async function taskOf(taskId: string): Promise<ClientTask> {
    const parsed = clientTaskSchema.safeParse(await db.clientTasks.where('id').equals(taskId).first());
    if (!parsed.success) throw new TaskActionError('task-not-found', 'This Client Task no longer exists.');
    return parsed.data;
  }

  /** This browser can write to the company in Xero (it holds a token for it). */
  async function holdsXeroToken(tenantId: string): Promise<boolean> {
    const connection = connectionSchema.safeParse(await db.connections.get(tenantId));
    return connection.success && connection.data.grantId !== null;
  }

  async function closing(taskId: string): Promise<boolean> {
    return (
      (await db.closeRequests
        .where('taskId')
        .equals(taskId)
        .filter((c) => c.state === 'writing')
        .count()) > 0
    );
  }

  /** How many attachments the transaction has or will have: Xero's list, plus files on their way. */
  async function attachmentsOnTransaction(task: ClientTask, files: TaskFile[]) {
    const list = await db.xeroAttachments.get([task.tenantId, task.bankTransactionId]);
    const inXero = list?.attachments.map((a) => a.fileName) ?? [];
    const known = list
      ? inXero.length
      : (task.snapshot.attachmentCount ?? (task.snapshot.hasAttachments ? 1 : 0));
    const ours = files.filter(
      (f) => f.state === 'queued' || (f.state === 'uploaded' && !inXero.includes(f.fileName)),
    );
    return {
      count: known + ours.length,
      names: [...inXero, ...files.filter((f) => f.state !== 'staged').map((f) => f.fileName)],
    };
  }

  async function checkAccount(
    task: ClientTask,
    account: ChosenAccount | null,
  ): Promise<ChosenAccount | null> {
    if (!account) return null;
    const row = accountRecordSchema.safeParse(
      await db.accounts.get([task.tenantId, account.id.toLowerCase()]),
    );
    const chart = await db.accounts.where('tenantId').equals(task.tenantId).count();
    if (!row.success) {
      if (chart === 0) return account; // The chart is not loaded yet: Xero will check it on Close.
      throw new TaskActionError(
        'account-unknown',
        'That account is not in this Xero company’s chart of accounts.',
      );
    }
    if (row.data.isBankAccount || row.data.status !== 'ACTIVE') {
      throw new TaskActionError(
        'account-unusable',
        `“${row.data.name}” cannot be used to code a transaction.`,
      );
    }
    return { id: row.data.accountId, code: row.data.code, name: row.data.name };
  }

  /** The transaction as the person sees it now (the last sync), for the recode to compare with Xero's. */
  async function shapeSeen(task: ClientTask): Promise<TransactionShape> {
    const record = bankTransactionRecordSchema.safeParse(
      await db.bankTransactions.get([task.tenantId, task.bankTransactionId]),
    );
    if (!record.success) return { total: task.snapshot.amount };
    return {
      total: record.data.total,
      lines: record.data.lineItems.map((line) => ({
        accountId: line.accountId,
        lineAmount: line.lineAmount,
      })),
    };
  }

  const event = (
    taskId: string,
    kind: 'answer-recorded' | 'comment' | 'close-requested' | 'closed' | 'reopened',
    text: string,
  ) => ({
    id: deps.newId(),
    taskId,
    at: deps.now(),
    kind,
    text,
  });

  const job = (task: ClientTask, payload: OutboxPayload, key: string, closeId: string | null, seq: number) =>
    newOutboxJob(task, payload, { key, closeId, seq, at: deps.now(), id: deps.newId() });

  /** The account the client picked in the portal, as a recode target. */
  const clientAccountOf = (task: ClientTask): ChosenAccount | null => {
    const chosen = task.hub?.clientAccount;
    return chosen ? { id: chosen.accountId, code: chosen.code, name: chosen.name } : null;
  };

  /** Files the client put on the task in Client Hub, not yet in Xero from here: downloaded when sent. */
  async function clientFileJobs(task: ClientTask, closeId: string): Promise<OutboxJob[]> {
    const files = await db.hubFiles.where('taskId').equals(task.id).sortBy('createdAt');
    return files
      .filter((f) => f.localFileId === null && !f.inXeroAt)
      .map((f, i) =>
        job(task, { kind: 'client-file', hubFileId: f.id }, `client-file-${f.id}`, closeId, 1.5 + i / 100),
      );
  }

  /** Lines in the company's monitored accounts move to `account`, if Xero still has what was seen. */
  async function recodeJob(task: ClientTask, account: ChosenAccount, closeId: string) {
    const connection = connectionSchema.safeParse(await db.connections.get(task.tenantId));
    const monitored = (connection.success ? connection.data.monitoredAccountIds : []).map((id) =>
      id.toLowerCase(),
    );
    const expected = await shapeSeen(task);
    const own = [
      ...new Set(
        (expected.lines ?? []).flatMap((line) => (line.accountId ? [line.accountId.toLowerCase()] : [])),
      ),
    ];
    // A task pushed from a Xero page may sit in any account: then its own lines are what moves.
    const fromAccountIds = own.some((id) => monitored.includes(id)) || own.length === 0 ? monitored : own;
    if (fromAccountIds.length === 0) return null;
    return job(task, { kind: 'recode', account, fromAccountIds, expected }, `recode-${closeId}`, closeId, 2);
  }

  return {
    /** The client's answer: text, optionally the account they pick, and files (already staged). */
    async recordAnswer(
      request: { taskId: string; text: string; account: ChosenAccount | null; fileIds: string[] },
      user: FirmUser,
    ) {
      const task = await taskOf(request.taskId);
      if (!ACTIVE.has(task.status)) {
        throw new TaskActionError(
          'task-not-open',
          `This task is ${task.status === 'Closed' ? 'closed' : 'cancelled'}: re-open it to record an answer.`,
        );
      }
      const account = await checkAccount(task, request.account);
      const staged = (await db.taskFiles.bulkGet(request.fileIds)).map((row, i) => {
        const parsed = taskFileSchema.safeParse(row);
        if (!parsed.success || parsed.data.taskId !== task.id || parsed.data.state !== 'staged') {
          throw new TaskActionError(
            'file-missing',
            `A file to attach (${request.fileIds[i]}) is no longer there: add it again.`,
          );
        }
        return parsed.data;
      });
      for (const file of staged) {
        const problem = fileProblem({ name: file.originalName, size: file.blob.size });
        if (problem) throw new TaskActionError('file-too-large', problem);
      }
      const existing = await db.taskFiles
        .where('[tenantId+bankTransactionId]')
        .equals([task.tenantId, task.bankTransactionId])
        .toArray();
      const hashes = new Map(
        existing
          .filter((f) => f.sha256 && (f.state === 'queued' || f.state === 'uploaded'))
          .map((f) => [f.sha256, f.fileName]),
      );
      const decided: TaskFile[] = [];
      for (const file of staged) {
        const sha256 = await sha256Hex(file.blob);
        decided.push({ ...file, sha256, state: hashes.has(sha256) ? 'duplicate' : 'queued' });
        hashes.set(sha256, file.fileName);
      }
      const adding = decided.filter((f) => f.state === 'queued');
      const onTransaction = await attachmentsOnTransaction(task, existing);
      const tooMany = tooManyFilesProblem(onTransaction.count, adding.length);
      if (tooMany) throw new TaskActionError('too-many-files', tooMany);
      const taken = [...onTransaction.names];
      for (const file of adding) {
        file.fileName = safeFileName(file.originalName, taken);
        taken.push(file.fileName);
      }
      const message: TaskMessage = taskMessageSchema.parse({
        id: deps.newId(),
        taskId: task.id,
        tenantId: task.tenantId,
        at: deps.now(),
        from: 'client',
        recordedBy: user.name,
        text: request.text.trim(),
        account,
        writtenToXeroAt: null,
      });
      await db.transaction(
        'rw',
        [db.clientTasks, db.taskMessages, db.taskFiles, db.outbox, db.taskEvents, db.hubLinks],
        async () => {
          const current = await taskOf(task.id);
          await db.taskMessages.add(message);
          const change = { at: deps.now(), newId: deps.newId };
          await queueHubComment(db, current, message.id, change);
          await queueHubFiles(
            db,
            current,
            adding.map((f) => f.id),
            change,
          );
          await db.taskFiles.bulkPut(
            decided.map((f) => (f.state === 'duplicate' ? { ...f, blob: new Blob([]) } : f)),
          );
          await db.outbox.bulkAdd(
            adding.map((file, i) =>
              job(
                task,
                { kind: 'attachment', fileId: file.id },
                `attachment-${file.id}`,
                null,
                deps.now() + i,
              ),
            ),
          );
          if (current.status !== 'Answered') {
            const answered = { ...current, status: 'Answered' as const, updatedAt: deps.now() };
            await db.clientTasks.put(answered);
            await queueHubStatus(db, answered, change);
          }
          const files =
            adding.length > 0 ? ` with ${adding.length} file${adding.length === 1 ? '' : 's'}` : '';
          await db.taskEvents.add(
            event(task.id, 'answer-recorded', `Client’s answer recorded by ${user.name}${files}`),
          );
        },
      );
      void deps.outbox.kick();
      return { queuedFiles: adding.length, duplicateFiles: decided.length - adding.length };
    },

    async comment(request: { taskId: string; text: string }, user: FirmUser) {
      const task = await taskOf(request.taskId);
      const message = taskMessageSchema.parse({
        id: deps.newId(),
        taskId: task.id,
        tenantId: task.tenantId,
        at: deps.now(),
        from: 'firm',
        recordedBy: user.name,
        text: request.text.trim(),
        account: null,
        writtenToXeroAt: null,
      });
      await db.transaction('rw', [db.taskMessages, db.hubLinks, db.outbox], async () => {
        await db.taskMessages.add(message);
        await queueHubComment(db, task, message.id, { at: deps.now(), newId: deps.newId });
      });
      void deps.outbox.kick();
      return { messageId: message.id };
    },

    /**
     * Close: the client's answers go to the transaction's History, and with `recode` (an Admin's
     * confirmation) lines in a monitored account move to the account the client chose. The task turns
     * Closed once Xero has every write; a write that fails for good leaves it open with the reason.
     */
    async close(request: { taskIds: string[]; recode: boolean }, user: FirmUser) {
      if (request.recode && user.role !== 'admin') {
        throw new TaskActionError('admin-only', 'Only a Client Hub Admin can recode transactions in Xero.');
      }
      let closed = 0;
      let writing = 0;
      let skipped = 0;
      for (const taskId of request.taskIds) {
        const task = await taskOf(taskId).catch(() => null);
        if (!task || task.status === 'Closed' || (await closing(taskId))) {
          skipped++;
          continue;
        }
        const messages = (await db.taskMessages.where('taskId').equals(taskId).sortBy('at')).filter(
          (m) => m.from === 'client' && m.writtenToXeroAt === null,
        );
        const answered = (await db.taskMessages.where('taskId').equals(taskId).sortBy('at')).filter(
          (m) => m.from === 'client',
        );
        const clientChose = clientAccountOf(task);
        const account = answered.at(-1)?.account ?? clientChose;
        const closeId = deps.newId();
        const jobs: OutboxJob[] = [];
        // Without a Xero token for the company, the Close is recorded on the firm's server and a
        // colleague's browser that holds one writes it to Xero (writeClosedElsewhere there).
        const elsewhere =
          !(await holdsXeroToken(task.tenantId)) && (await db.hubLinks.get(task.tenantId)) !== undefined;
        const writable = task.status !== 'Cancelled' && !elsewhere;
        if (writable && messages.length > 0) {
          const notes = messages.flatMap((m) => splitNote(answerNoteText(m.text, m.account)));
          // Same answers, same key: a Close repeated after a lost answer never writes them twice.
          const key = `note-${await hex(`${task.id}|${messages.map((m) => m.id).join(',')}|${notes.join('\n')}`)}`;
          jobs.push(
            job(task, { kind: 'history', messageIds: messages.map((m) => m.id), notes }, key, closeId, 1),
          );
        }
        if (writable) jobs.push(...(await clientFileJobs(task, closeId)));
        if (writable && request.recode && account) {
          const recode = await recodeJob(task, account, closeId);
          if (recode) jobs.push(recode);
        }
        // Closed in a browser without the token: the one that writes to Xero recodes to the client's choice.
        const accept = elsewhere && request.recode && clientChose !== null;
        const tables = [db.clientTasks, db.closeRequests, db.outbox, db.taskEvents, db.hubLinks];
        await db.transaction('rw', tables, async () => {
          // Writes of an earlier Close that failed for good are replaced by this one's.
          const failedCloses = await db.closeRequests
            .where('taskId')
            .equals(taskId)
            .filter((c) => c.state === 'failed')
            .toArray();
          for (const old of failedCloses) {
            await db.outbox
              .where('closeId')
              .equals(old.id)
              .filter((j) => j.state !== 'done')
              .delete();
            await db.closeRequests.update(old.id, { state: 'done' });
          }
          if (jobs.length === 0) {
            const current = await taskOf(taskId);
            const closedTask = { ...current, status: 'Closed' as const, updatedAt: deps.now() };
            await db.clientTasks.put(closedTask);
            await queueHubStatus(
              db,
              closedTask,
              { at: deps.now(), newId: deps.newId },
              accept ? { acceptClientAccount: true } : {},
            );
            await db.taskEvents.add(
              event(
                taskId,
                'closed',
                elsewhere && messages.length > 0
                  ? `Closed by ${user.name}: a colleague whose browser holds the Xero token writes the answer to Xero`
                  : `Closed by ${user.name}`,
              ),
            );
            return;
          }
          await db.closeRequests.add({
            id: closeId,
            taskId,
            requestedAt: deps.now(),
            requestedBy: user.name,
            previousStatus: task.status,
            state: 'writing',
          });
          await db.outbox.bulkAdd(jobs);
          const what = describeWrites(jobs);
          await db.taskEvents.add(
            event(taskId, 'close-requested', `${user.name} closed the task: writing ${what} to Xero`),
          );
        });
        if (jobs.length === 0) closed++;
        else writing++;
      }
      void deps.outbox.kick();
      return { closed, writing, skipped };
    },

    /**
     * Tasks a colleague closed on the firm's server from a browser without this Xero company's token:
     * this browser holds one, so it writes the client's answers to the transaction's History. Sent as
     * "tried" so History is read first: a note another browser already wrote is not written twice.
     */
    /**
     * Tasks a colleague closed on the firm's server from a browser without this company's Xero token:
     * this browser, which holds one, writes the client's answer into Xero (History, the client's files,
     * and the recode when the firm accepted the client's account). Each closure is written once: its
     * Close here has a fixed id, and every write reads Xero first. Without `taskIds`, those the pull
     * recorded as waiting (a worker that stopped between the pull and this).
     */
    async writeClosedElsewhere(taskIds?: string[]) {
      const ids = taskIds ?? (await closedElsewhereWaiting(db));
      const candidates = (await Promise.all(ids.map((id) => taskOf(id).catch(() => null)))).flatMap((t) =>
        t ? [t] : [],
      );
      let writing = 0;
      for (const task of candidates) {
        const hub = task.hub;
        if (task.status !== 'Closed' || !hub?.statusChangedAt || hub.writtenToXero) continue;
        if (!(await holdsXeroToken(task.tenantId)) || (await closing(task.id))) continue;
        const closeId = `elsewhere-${task.id}-${hub.statusChangedAt}`;
        if (await db.closeRequests.get(closeId)) continue;
        const messages = (await db.taskMessages.where('taskId').equals(task.id).sortBy('at')).filter(
          (m) => m.from === 'client' && m.writtenToXeroAt === null,
        );
        const jobs: OutboxJob[] = [];
        if (messages.length > 0) {
          const notes = messages.flatMap((m) => splitNote(answerNoteText(m.text, m.account)));
          const key = `note-${await hex(`${task.id}|${messages.map((m) => m.id).join(',')}|${notes.join('\n')}`)}`;
          jobs.push({
            ...job(task, { kind: 'history', messageIds: messages.map((m) => m.id), notes }, key, closeId, 1),
            // Perhaps written by another browser already: History is read before writing.
            tried: true,
          });
        }
        jobs.push(...(await clientFileJobs(task, closeId)));
        const chosen = clientAccountOf(task);
        if (hub.clientAccountAccepted && chosen) {
          const recode = await recodeJob(task, chosen, closeId);
          if (recode) jobs.push(recode);
        }
        if (jobs.length === 0) continue;
        const by = hub.statusChangedBy?.name ?? 'a colleague';
        await db.transaction('rw', [db.closeRequests, db.outbox, db.taskEvents], async () => {
          if (await db.closeRequests.get(closeId)) return;
          await db.closeRequests.add({
            id: closeId,
            taskId: task.id,
            requestedAt: deps.now(),
            requestedBy: by,
            previousStatus: 'Answered',
            state: 'writing',
          });
          await db.outbox.bulkAdd(jobs);
          await db.taskEvents.add(
            event(
              task.id,
              'close-requested',
              `${by} closed the task in Client Hub: writing ${describeWrites(jobs)} to Xero from this browser`,
            ),
          );
        });
        writing++;
      }
      // Queued (durably, in the outbox) or nothing to write from here: no longer waiting.
      await unmarkClosedElsewhere(db, ids);
      if (writing > 0) void deps.outbox.kick();
      return { writing };
    },

    /** Back to the client: Open again. Not while a Close is still writing to Xero. */
    async reopen(request: { taskIds: string[] }, user: FirmUser) {
      let reopened = 0;
      let skipped = 0;
      for (const taskId of request.taskIds) {
        const task = await taskOf(taskId).catch(() => null);
        if (!task || task.status === 'Open' || task.status === 'Cancelled' || (await closing(taskId))) {
          skipped++;
          continue;
        }
        await db.transaction('rw', [db.clientTasks, db.taskEvents, db.hubLinks, db.outbox], async () => {
          const current = await taskOf(taskId);
          const reopened = { ...current, status: 'Open' as const, updatedAt: deps.now() };
          await db.clientTasks.put(reopened);
          await queueHubStatus(db, reopened, { at: deps.now(), newId: deps.newId });
          await db.taskEvents.add(
            event(taskId, 'reopened', `Re-opened by ${user.name}: back with the client`),
          );
        });
        reopened++;
      }
      void deps.outbox.kick();
      return { reopened, skipped };
    },

    /** Removes files that were staged but not sent, or that failed (nothing that reached Xero). */
    async discardFiles(fileIds: string[]) {
      let discarded = 0;
      await db.transaction('rw', [db.taskFiles, db.outbox], async () => {
        for (const id of fileIds) {
          const file = await db.taskFiles.get(id);
          if (!file || (file.state !== 'staged' && file.state !== 'failed')) continue;
          await db.outbox
            .where('taskId')
            .equals(file.taskId)
            .filter((j) => j.payload.kind === 'attachment' && j.payload.fileId === id)
            .delete();
          await db.taskFiles.delete(id);
          discarded++;
        }
      });
      return { discarded };
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
export { MAX_ATTACHMENTS_PER_TRANSACTION, newOutboxJob };
