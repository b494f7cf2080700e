import type { WithLock } from '../auth/token-manager';
import type { ClientHubDb } from '../db/database';
import { connectionSchema } from '../db/records';
import {
  classifyFailure,
  describeFailure,
  describeProblem,
  failureFromThrown,
  isTransient,
  type Problem,
  retryAfterMs,
  type XeroFailure,
} from '../errors';
import { type HubPush, HubWriteProblem, hubWriteProblem, isHubJob, queueHubStatus } from '../hub/push';
import { clientTaskSchema } from '../sync/records';
import type { XeroApi } from '../xero/api';
import { FailureError } from '../xero/failure-error';
import { safeFileName } from './files';
import { notesStillToWrite } from './notes';
import { markAttached, storeAsXeroHasIt, transactionFromAnswer } from './own-writes';
import {
  type OutboxJob,
  type OutboxPayload,
  outboxJobSchema,
  type TaskFile,
  taskFileSchema,
} from './records';
import {
  attachmentsEnvelopeSchema,
  historyEnvelopeSchema,
  readAttachment,
  recodedLines,
  recodedShape,
  sameShape,
  shapeOf,
  transactionEnvelopeSchema,
} from './xero';

/**
 * The durable outbox: every write to Xero from a Client Task waits here (IndexedDB) until Xero has it.
 * One runner at a time across the extension (a Web Lock, which a dead worker gives up), jobs left
 * "running" by a worker that died are run again with the SAME Idempotency-Key, so Xero applies each
 * write once. Transient failures back off and retry; a write that can never succeed is marked failed
 * with the reason, and waits for a person to press Retry, which sends a NEW key (Xero would answer a
 * known key with its stored refusal).
 *
 * The key alone is not trusted to stop repeats: Xero keeps keys for a limited time, and Retry renews
 * them. So every write is also safe by itself: a History note sent before is looked for in the
 * transaction's History first, an attachment of the same name replaces itself in Xero, and a recode
 * that is already in Xero is seen as done.
 */

export const OUTBOX_LOCK = 'client-hub-outbox';

export interface OutboxDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  newId: () => string;
  withLock: WithLock;
  /** Jobs run at once (each Xero company is still kept within its limits by the api's governor). */
  concurrency?: number;
  /** Automatic attempts through transient failures before a job waits for Retry. */
  maxAttempts?: number;
  /** Back-off before attempt n+1; Retry-After wins when Xero sent one. */
  backoffMs?: (attempt: number) => number;
  /** Timers for the next due job; tests and the bench may pass their own. */
  setTimer?: (run: () => void, ms: number) => () => void;
  onChange?: () => void;
  /** Writes to the firm's Client Hub server (absent: Client Hub without a server). */
  hub?: HubPush;
}

/** A write to the server waiting for the person to sign in again is looked at this often. */
const SIGN_IN_WAIT_MS = 5 * 60_000;

/** Idempotency-Keys stay under Xero's 128 characters with a renewal suffix. */
const KEY_BASE_MAX = 80;
export const renewedKey = (key: string, fresh: string) =>
  `${key.split('~')[0]?.slice(0, KEY_BASE_MAX)}~${fresh}`.slice(0, 128);

const defaultBackoff = (attempt: number) =>
  Math.min(5 * 60_000, 1000 * 2 ** Math.min(attempt - 1, 12)) * (0.75 + Math.random() * 0.5);

class PermanentProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

const removedInXero = (status: string): Problem => ({
  ...describeProblem('not-found'),
  title: status === 'VOIDED' ? 'Transaction voided in Xero' : 'Transaction deleted in Xero',
  message: `This transaction was ${status === 'VOIDED' ? 'voided' : 'deleted'} in Xero, so Client Hub cannot write to it. The answer and files are kept on the task.`,
  action:
    'Check the transaction in Xero. If it was restored, press Retry; otherwise Close the task without writing.',
});

/** "receipt (2).jpg" is "receipt.jpg" as Xero got it when the name was taken. */
const sameFileName = (inXero: string, wanted: string) =>
  inXero.toLowerCase() === wanted.toLowerCase() ||
  inXero.replace(/ \(\d+\)(?=\.[^.]*$|$)/, '').toLowerCase() === wanted.toLowerCase();

const asItIsNow = ({ expected: _, ...recode }: Extract<OutboxPayload, { kind: 'recode' }>) => recode;

export function createOutbox(deps: OutboxDeps) {
  const { db, api } = deps;
  const concurrency = deps.concurrency ?? 4;
  const maxAttempts = deps.maxAttempts ?? 15;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const setTimer =
    deps.setTimer ??
    ((run: () => void, ms: number) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    });
  let recovered = false;
  let stopped = false;
  let cancelTimer: (() => void) | undefined;
  let running: Promise<void> | null = null;
  let again = false;

  async function connectionOf(tenantId: string) {
    const parsed = connectionSchema.safeParse(await db.connections.get(tenantId));
    if (!parsed.success || !parsed.data.grantId) {
      throw new FailureError({ kind: 'connection', reason: 'removed' });
    }
    return { grantId: parsed.data.grantId, name: parsed.data.tenantName };
  }

  const transactionUrl = (job: OutboxJob) =>
    api.accounting(`BankTransactions/${encodeURIComponent(job.bankTransactionId)}`);

  /** The transaction as Xero has it now; a deleted or voided one can take no more writes. */
  async function liveTransaction(job: OutboxJob, grantId: string) {
    const envelope = await api.json(
      transactionUrl(job),
      { grantId, tenantId: job.tenantId, priority: 'interactive' },
      transactionEnvelopeSchema,
    );
    const transaction = envelope.BankTransactions[0] as (typeof envelope.BankTransactions)[number];
    if (transaction.Status === 'DELETED' || transaction.Status === 'VOIDED') {
      throw new PermanentProblem(removedInXero(transaction.Status));
    }
    return transaction;
  }

  const writeOptions = (job: OutboxJob, grantId: string) => ({
    grantId,
    tenantId: job.tenantId,
    priority: 'interactive' as const,
    headers: { 'Idempotency-Key': job.idempotencyKey },
  });

  /** Performs one job against Xero; returns what it did in words. */
  async function perform(job: OutboxJob, organisationName: string | undefined): Promise<string> {
    const { payload } = job;
    if (isHubJob(job)) {
      if (!deps.hub) throw new HubWriteProblem(hubWriteProblem(new Error('no server')).problem, 'sign-in');
      return deps.hub.perform(job);
    }
    const { grantId } = await connectionOf(job.tenantId);
    switch (payload.kind) {
      case 'history': {
        await liveTransaction(job, grantId);
        // Sent before (cut off, refused, or its key forgotten by Xero): write only what History lacks.
        const notes = job.tried ? await notesNotInHistory(job, grantId, payload.notes) : payload.notes;
        if (notes.length > 0) {
          await api.call(`${transactionUrl(job)}/History`, {
            ...writeOptions(job, grantId),
            method: 'PUT',
            headers: { ...writeOptions(job, grantId).headers, 'content-type': 'application/json' },
            body: JSON.stringify({ HistoryRecords: notes.map((Details) => ({ Details })) }),
          });
        }
        const at = deps.now();
        await db.taskMessages.where('id').anyOf(payload.messageIds).modify({ writtenToXeroAt: at });
        // A note of Client Hub's own (an accepted suggestion), not a client's answer.
        if (payload.messageIds.length === 0) return "Note written to the transaction's History in Xero";
        if (notes.length === 0)
          return "Client's answer was already in the transaction's History in Xero: not written twice";
        return payload.notes.length === 1
          ? "Client's answer written to the transaction's History in Xero"
          : `Client's answer written to the transaction's History in Xero as ${payload.notes.length} numbered notes`;
      }
      case 'recode': {
        // Read just before writing: the recode is for the transaction the person saw when closing.
        const transaction = await liveTransaction(job, grantId);
        const from = new Set(payload.fromAccountIds.map((id) => id.toLowerCase()));
        const accountWords = [payload.account.code, payload.account.name].filter(Boolean).join(' ');
        if (payload.expected) {
          const now = shapeOf(transaction);
          if (sameShape(recodedShape(payload.expected, from, payload.account.id), now)) {
            return `Already recoded to ${accountWords} in Xero: not written twice`;
          }
          if (!sameShape(payload.expected, now)) {
            throw new PermanentProblem(
              describeProblem('changed-in-xero', {
                now: deps.now(),
                ...(organisationName ? { organisationName } : {}),
              }),
            );
          }
        }
        const { lines, moved } = recodedLines(transaction.LineItems, from, payload.account.id);
        if (moved === 0) return `Nothing to recode: no line is in a monitored account any more`;
        const response = await api.call(transactionUrl(job), {
          ...writeOptions(job, grantId),
          method: 'POST',
          headers: { ...writeOptions(job, grantId).headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            BankTransactions: [{ BankTransactionID: transaction.BankTransactionID, LineItems: lines }],
          }),
        });
        // The task shows the account Xero has now, not the one the sync last saw.
        const recoded = transactionFromAnswer(await response.json().catch(() => undefined), job.tenantId);
        if (recoded) await storeAsXeroHasIt(db, recoded);
        return `Recoded ${moved} line${moved === 1 ? '' : 's'} to ${accountWords} in Xero`;
      }
      case 'attachment': {
        const file = taskFileSchema.safeParse(await db.taskFiles.get(payload.fileId));
        if (!file.success) {
          throw new PermanentProblem({
            ...describeProblem('unknown'),
            message: 'The file to upload could not be read back from this browser’s storage.',
          });
        }
        if (await alreadyUploaded(file.data)) {
          await db.taskFiles.update(file.data.id, { state: 'duplicate', blob: new Blob([]) });
          return `“${file.data.fileName}” is already on the transaction in Xero: not uploaded twice`;
        }
        const response = await api.call(
          `${transactionUrl(job)}/Attachments/${encodeURIComponent(file.data.fileName)}`,
          {
            ...writeOptions(job, grantId),
            method: 'PUT',
            headers: { ...writeOptions(job, grantId).headers, 'content-type': file.data.mimeType },
            body: file.data.blob,
          },
        );
        await db.transaction('rw', [db.taskFiles, db.outbox], async () => {
          // The bytes are in Xero now; keep the record (name, size, hash), free the space, unless
          // they are still to go to the Client Hub server.
          const forHub = await stillForHub(file.data.id);
          await db.taskFiles.update(file.data.id, {
            state: 'uploaded',
            ...(forHub ? {} : { blob: new Blob([]) }),
          });
        });
        await rememberUploaded(job, response);
        return `“${file.data.fileName}” attached to the transaction in Xero`;
      }
      case 'client-file': {
        if (!deps.hub) throw new HubWriteProblem(hubWriteProblem(new Error('no server')).problem, 'sign-in');
        // Downloaded from the server only now, when Xero is to have it (then kept for the page too).
        const { file, blob } = await deps.hub.fileBytes(payload.hubFileId);
        const listed = await api.json(
          `${transactionUrl(job)}/Attachments`,
          { grantId, tenantId: job.tenantId, priority: 'interactive' },
          attachmentsEnvelopeSchema,
        );
        const inXero = listed.Attachments.map(readAttachment);
        const wanted = safeFileName(file.fileName);
        // Sent before (by this browser or a colleague's, before a lost answer): Xero has it already.
        if (inXero.some((a) => a.contentLength === file.size && sameFileName(a.fileName, wanted))) {
          await db.hubFiles.update(file.id, { inXeroAt: deps.now() });
          return `“${wanted}” is already on the transaction in Xero: not uploaded twice`;
        }
        const fileName = safeFileName(
          file.fileName,
          inXero.map((a) => a.fileName),
        );
        const response = await api.call(
          `${transactionUrl(job)}/Attachments/${encodeURIComponent(fileName)}`,
          {
            ...writeOptions(job, grantId),
            method: 'PUT',
            headers: { ...writeOptions(job, grantId).headers, 'content-type': file.mimeType },
            body: blob,
          },
        );
        await db.hubFiles.update(file.id, { inXeroAt: deps.now() });
        await rememberUploaded(job, response);
        return `“${fileName}” (from ${file.uploadedBy.name}) attached to the transaction in Xero`;
      }
      default:
        throw new Error(`${payload.kind} is not a write to Xero`);
    }
  }

  /** Xero's answer to an upload, in this browser's list of the transaction's attachments. */
  async function rememberUploaded(job: OutboxJob, response: Response) {
    const parsed = attachmentsEnvelopeSchema.safeParse(await response.json().catch(() => undefined));
    await db.transaction('rw', [db.xeroAttachments], async () => {
      const added = parsed.success ? parsed.data.Attachments.map(readAttachment) : [];
      const key: [string, string] = [job.tenantId, job.bankTransactionId];
      const list = await db.xeroAttachments.get(key);
      if (list && added.length > 0) {
        const ids = new Set(added.map((a) => a.attachmentId));
        await db.xeroAttachments.put({
          ...list,
          attachments: [...list.attachments.filter((a) => !ids.has(a.attachmentId)), ...added],
        });
      }
    });
    const list = await db.xeroAttachments.get([job.tenantId, job.bankTransactionId]);
    await markAttached(db, job.tenantId, job.bankTransactionId, list ? list.attachments.length : null);
  }

  /** A file still waiting to be sent to the Client Hub server (its bytes must stay). */
  async function stillForHub(fileId: string): Promise<boolean> {
    const waiting = await db.outbox
      .where('taskId')
      .equals((await db.taskFiles.get(fileId))?.taskId ?? '')
      .filter(
        (j) =>
          j.payload.kind === 'hub-file' &&
          j.payload.fileId === fileId &&
          j.state !== 'done' &&
          j.state !== 'failed',
      )
      .count();
    return waiting > 0;
  }

  /** Of `notes`, those the transaction's History does not have yet. */
  async function notesNotInHistory(job: OutboxJob, grantId: string, notes: readonly string[]) {
    const history = await api.json(
      `${transactionUrl(job)}/History`,
      { grantId, tenantId: job.tenantId, priority: 'interactive' },
      historyEnvelopeSchema,
    );
    return notesStillToWrite(
      notes,
      history.HistoryRecords.map((record) => record.Details),
    );
  }

  /** Same content already sent to this transaction by Client Hub (content hash). */
  async function alreadyUploaded(file: TaskFile): Promise<boolean> {
    if (!file.sha256) return false;
    const others = await db.taskFiles
      .where('[tenantId+bankTransactionId]')
      .equals([file.tenantId, file.bankTransactionId])
      .filter((f) => f.id !== file.id && f.sha256 === file.sha256 && f.state === 'uploaded')
      .count();
    return others > 0;
  }

  function problemOf(failure: XeroFailure, organisationName: string | undefined): Problem {
    const problem = describeFailure(failure, {
      now: deps.now(),
      ...(organisationName ? { organisationName } : {}),
    });
    if (problem.code === 'not-found') {
      return {
        ...problem,
        title: 'Transaction not found in Xero',
        message:
          'Xero could not find this transaction: it may have been deleted. The answer and files are kept on the task.',
        action: 'Check the transaction in Xero, then press Retry, or Close the task without writing.',
      };
    }
    return problem;
  }

  async function finish(job: OutboxJob, change: Partial<OutboxJob>, eventText: string, failed: boolean) {
    const at = deps.now();
    await db.transaction(
      'rw',
      [db.outbox, db.closeRequests, db.clientTasks, db.taskEvents, db.taskFiles, db.hubLinks],
      async () => {
        const current = outboxJobSchema.safeParse(await db.outbox.get(job.id));
        // Someone pressed Retry or the job finished elsewhere: this result is stale.
        if (!current.success || current.data.state !== 'running') return;
        await db.outbox.update(job.id, { ...change, updatedAt: at });
        if (isHubJob(job)) {
          if (!failed && job.payload.kind === 'hub-file') {
            // Sent to the server; Xero has it too (or never will from here): free the space.
            const file = await db.taskFiles.get(job.payload.fileId);
            if (file && file.state !== 'queued' && file.state !== 'staged') {
              await db.taskFiles.update(file.id, { blob: new Blob([]) });
            }
          }
          // Sending to the server is routine: only a failure goes in the task's activity.
          if (!failed) return;
        }
        await db.taskEvents.add({
          id: deps.newId(),
          taskId: job.taskId,
          at,
          kind: failed ? 'write-failed' : 'written-to-xero',
          text: eventText,
        });
        if (failed && job.payload.kind === 'attachment') {
          await db.taskFiles.update(job.payload.fileId, {
            state: 'failed',
            ...(change.problem ? { problem: change.problem } : {}),
          });
        }
        if (job.closeId) await settleClose(job.closeId, at);
      },
    );
    deps.onChange?.();
  }

  /** A Close is done when all its writes are; it fails (task stays open) when one fails for good. */
  async function settleClose(closeId: string, at: number) {
    const close = await db.closeRequests.get(closeId);
    if (!close) return;
    const jobs = await db.outbox.where('closeId').equals(closeId).toArray();
    const failed = jobs.find((j) => j.state === 'failed');
    if (failed) {
      if (close.state !== 'failed') await db.closeRequests.update(closeId, { state: 'failed' });
      // The rest of this Close waits for Retry instead of staying "pending" forever behind it.
      for (const waiting of jobs.filter((j) => j.state === 'pending')) {
        await db.outbox.update(waiting.id, {
          state: 'failed',
          updatedAt: at,
          problem: {
            ...(failed.problem ?? describeProblem('unknown')),
            title: 'Not sent yet',
            message: 'Client Hub did not send this because an earlier write of the same Close failed.',
            action: 'Fix what the other write says, then press Retry.',
          },
        });
      }
      return;
    }
    if (jobs.every((j) => j.state === 'done') && close.state !== 'done') {
      await db.closeRequests.update(closeId, { state: 'done' });
      const task = await db.clientTasks.where('id').equals(close.taskId).first();
      if (task) {
        const closed = { ...task, status: 'Closed' as const, updatedAt: at };
        await db.clientTasks.put(closed);
        const parsed = clientTaskSchema.safeParse(closed);
        // The firm's server records who wrote the answer into Xero, and when.
        const wrote = jobs.some((j) => !isHubJob(j));
        if (parsed.success)
          await queueHubStatus(
            db,
            parsed.data,
            { at, newId: deps.newId },
            wrote ? { writtenToXero: true } : {},
          );
        await db.taskEvents.add({
          id: deps.newId(),
          taskId: close.taskId,
          at,
          kind: 'closed',
          text: `Closed by ${close.requestedBy}`,
        });
      }
    }
  }

  async function runJob(job: OutboxJob) {
    const attempt = job.attempts + 1;
    await db.outbox.update(job.id, {
      state: 'running',
      attempts: attempt,
      tried: true,
      updatedAt: deps.now(),
    });
    let organisationName: string | undefined;
    try {
      organisationName = (await db.connections.get(job.tenantId))?.tenantName;
      const result = await perform(job, organisationName);
      await finish(job, { state: 'done', result, problem: undefined }, result, false);
    } catch (error) {
      // A hub file's download for Xero: the server's outages are waited out like the hub's own writes.
      if (isHubJob(job) || error instanceof HubWriteProblem) {
        await hubFailed(job, attempt, error);
        return;
      }
      if (error instanceof PermanentProblem) {
        await finish(job, { state: 'failed', problem: error.problem }, error.problem.title, true);
        return;
      }
      const failure = error instanceof FailureError ? error.failure : failureFromThrown(error);
      const code = classifyFailure(failure, { now: deps.now() });
      const problem = problemOf(failure, organisationName);
      if ((isTransient(code) || code === 'token-expired') && attempt < maxAttempts) {
        const wait = Math.max(backoff(attempt), retryAfterMs(failure, deps.now()) ?? 0);
        await db.outbox.update(job.id, {
          state: 'pending',
          nextAttemptAt: deps.now() + wait,
          problem,
          updatedAt: deps.now(),
        });
        deps.onChange?.();
        return;
      }
      await finish(job, { state: 'failed', problem }, problem.title, true);
    }
  }

  /**
   * A write to the server that did not happen. Offline, busy or failing servers are retried with no
   * limit (nothing is dropped while the server is away); a refused sign-in waits for the person to
   * sign in again, keeping the queue; only a refusal of the change itself needs Retry.
   */
  async function hubFailed(job: OutboxJob, attempt: number, error: unknown) {
    const refused = hubWriteProblem(error);
    if (refused.retry === 'never') {
      await finish(job, { state: 'failed', problem: refused.problem }, refused.problem.title, true);
      return;
    }
    const wait =
      refused.retry === 'sign-in' ? SIGN_IN_WAIT_MS : Math.max(backoff(attempt), refused.retryAfterMs ?? 0);
    await db.outbox.update(job.id, {
      state: 'pending',
      nextAttemptAt: deps.now() + wait,
      problem: refused.problem,
      updatedAt: deps.now(),
    });
    deps.onChange?.();
  }

  /** The 'hub-task' jobs due now, sent to the server in batches (one request per workspace and 500). */
  async function runHubTasks(jobs: OutboxJob[]) {
    const at = deps.now();
    await db.outbox.bulkUpdate(
      jobs.map((job) => ({
        key: job.id,
        changes: { state: 'running' as const, attempts: job.attempts + 1, tried: true, updatedAt: at },
      })),
    );
    const running = jobs.map((job) => ({ ...job, attempts: job.attempts + 1 }));
    try {
      if (!deps.hub) throw new HubWriteProblem(hubWriteProblem(new Error('no server')).problem, 'sign-in');
      await deps.hub.sendTasks(running);
      await db.transaction('rw', [db.outbox], async () => {
        const current = await db.outbox.bulkGet(running.map((j) => j.id));
        // A job queued again while it ran (the task changed meanwhile) is sent again, not marked done.
        const sent = running.filter((_, i) => current[i]?.state === 'running');
        await db.outbox.bulkUpdate(
          sent.map((job) => ({
            key: job.id,
            changes: {
              state: 'done' as const,
              result: 'Sent to Client Hub',
              problem: undefined,
              updatedAt: deps.now(),
            },
          })),
        );
      });
      deps.onChange?.();
    } catch (error) {
      for (const job of running) await hubFailed(job, job.attempts, error);
    }
  }

  /** Jobs due now, at most one per Close at a time and in order (a Close's jobs run one after another). */
  async function dueJobs(): Promise<OutboxJob[]> {
    const now = deps.now();
    const rows = await db.outbox
      .where('[state+nextAttemptAt]')
      .between(['pending', -Infinity], ['pending', now], true, true)
      .limit(1000)
      .toArray();
    const jobs = rows.flatMap((row) => {
      const parsed = outboxJobSchema.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
    const picked: OutboxJob[] = [];
    const busyCloses = new Set<string>();
    for (const job of jobs.sort((a, b) => a.seq - b.seq)) {
      if (job.closeId) {
        if (busyCloses.has(job.closeId)) continue;
        busyCloses.add(job.closeId);
        const earlier = await db.outbox
          .where('closeId')
          .equals(job.closeId)
          .filter((j) => j.seq < job.seq && j.state !== 'done')
          .count();
        if (earlier > 0) continue;
      }
      picked.push(job);
    }
    return picked;
  }

  async function drain() {
    if (!recovered) {
      recovered = true;
      // Under the lock nobody else is running: a job still "running" was cut off with its worker.
      await db.outbox.where('state').equals('running').modify({ state: 'pending' });
    }
    for (;;) {
      if (stopped) return;
      let due = await dueJobs();
      if (due.length === 0) break;
      const held = await deps.hub?.heldBack(due);
      if (held) {
        for (const job of due) if (held.ids.has(job.id)) await hubFailed(job, job.attempts, held.problem);
        due = due.filter((job) => !held.ids.has(job.id));
      }
      const hubTasks = due.filter((job) => job.payload.kind === 'hub-task');
      if (hubTasks.length > 0) await runHubTasks(hubTasks);
      const queue = due.filter((job) => job.payload.kind !== 'hub-task');
      await Promise.all(
        Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
          for (let job = queue.shift(); job && !stopped; job = queue.shift()) await runJob(job);
        }),
      );
    }
    scheduleNext();
  }

  async function scheduleNext() {
    cancelTimer?.();
    cancelTimer = undefined;
    if (stopped) return;
    const next = await db.outbox
      .where('[state+nextAttemptAt]')
      .between(['pending', -Infinity], ['pending', Infinity])
      .first();
    if (next) cancelTimer = setTimer(() => void kick(), Math.max(0, next.nextAttemptAt - deps.now()));
  }

  /** Runs every due job now (joining a run in progress); resolves when the outbox has nothing due. */
  function kick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await deps.withLock(OUTBOX_LOCK, drain);
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    kick,
    /** Resolves once nothing is due (jobs waiting for a later retry are left to their timer). */
    idle: () => running ?? Promise.resolve(),
    /** Puts a failed job back in the queue; its Close (if any) is writing again. */
    async retry(jobId: string) {
      const at = deps.now();
      await db.transaction('rw', [db.outbox, db.closeRequests, db.taskEvents, db.taskFiles], async () => {
        const job = outboxJobSchema.parse(await db.outbox.get(jobId));
        if (job.state !== 'failed' && job.state !== 'pending') return;
        // Retry on a Close retries all of its writes that have not landed, in their order.
        const jobs = job.closeId
          ? await db.outbox
              .where('closeId')
              .equals(job.closeId)
              .filter((j) => j.state !== 'done')
              .toArray()
          : [job];
        for (const each of jobs) {
          await db.outbox.update(each.id, {
            state: 'pending',
            attempts: 0,
            nextAttemptAt: at,
            updatedAt: at,
            // A fresh attempt: a new key, or Xero would answer with the refusal it stored for the old one.
            idempotencyKey: renewedKey(each.idempotencyKey, deps.newId()),
            // "Changed in Xero" then Retry: the person has looked, so recode it as it is now.
            ...(each.payload.kind === 'recode' && each.problem?.code === 'changed-in-xero'
              ? { payload: asItIsNow(each.payload) }
              : {}),
          });
          if (each.payload.kind === 'attachment')
            await db.taskFiles.update(each.payload.fileId, { state: 'queued' });
        }
        if (job.closeId) await db.closeRequests.update(job.closeId, { state: 'writing' });
        await db.taskEvents.add({
          id: deps.newId(),
          taskId: job.taskId,
          at,
          kind: 'write-retried',
          text: 'Trying the write to Xero again',
        });
      });
      void kick();
    },
    stop() {
      stopped = true;
      cancelTimer?.();
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
