import type { ClientHubDb } from '../db/database';
import type { Problem, ProblemCode } from '../errors';
import { accountRecordSchema, type ClientTask, clientTaskSchema } from '../sync/records';
import { newOutboxJob } from '../tasks/jobs';
import { type OutboxJob, taskFileSchema, taskMessageSchema } from '../tasks/records';
import { HubClientError, type HubProblemCode } from './client';
import { HUB_MAX_BATCH, HUB_MAX_CHART_ACCOUNTS } from './contract';
import { type HubFile, type HubLink, hubFileBytesSchema, hubFileSchema, hubLinkSchema } from './records';
import { hubStateOf, hubStatusOf, localStatusOf, transactionOf } from './task-wire';
import type { HubTasksApi } from './tasks-api';
import type { UnsentWorkStore } from './unsent';

type ChartAccount = { accountId: string; code: string; name: string; type: string };

/**
 * Writes to the firm's Client Hub server, run by the durable outbox (lib/tasks/outbox.ts) like the
 * writes to Xero: queued in the same Dexie transaction as the change they send, kept through worker
 * restarts and offline spells, applied once (tasks by their natural key, everything else with an
 * Idempotency-Key). A job sends the task's state when it runs, so a queue of changes to one task
 * sends only the latest.
 */

export interface HubPushDeps {
  db: ClientHubDb;
  /** The server's task routes for the current sign-in; null when there is no hub session. */
  api: () => Promise<HubTasksApi | null>;
  now: () => number;
  /** Work held for the person who made it (lib/hub/unsent.ts); absent: nothing is held. */
  unsent?: Pick<UnsentWorkStore, 'heldBack'>;
}

/** Why a write to the server did not happen, and when to try again. */
export class HubWriteProblem extends Error {
  constructor(
    readonly problem: Problem,
    /** 'soon': back off and retry; 'sign-in': wait for the person to sign in again; 'never': needs Retry. */
    readonly retry: 'soon' | 'sign-in' | 'never',
    readonly retryAfterMs?: number,
  ) {
    super(problem.message);
  }
}

const CODES: Record<HubProblemCode, ProblemCode> = {
  'hub-unreachable': 'no-network',
  'hub-sign-in-refused': 'not-authorised',
  'hub-wrong-password': 'not-authorised',
  'hub-forbidden': 'not-authorised',
  'admin-only': 'not-authorised',
  'hub-not-found': 'not-found',
  'hub-conflict': 'request-rejected',
  'hub-invalid-request': 'request-rejected',
  'hub-busy': 'rate-limited',
  'hub-server-error': 'unknown',
  'hub-unexpected-answer': 'malformed-response',
};

/** A failed call to the server, as an outbox problem (the hub client's plain words kept). */
export function hubWriteProblem(error: unknown): HubWriteProblem {
  if (error instanceof HubWriteProblem) return error;
  if (error instanceof HubClientError) {
    const problem: Problem = {
      code: CODES[error.code],
      title: error.title,
      message: error.message,
      action: error.action,
      severity: error.transient ? 'warning' : 'error',
      ...(error.status ? { supportDetail: `Client Hub server answered ${error.status}` } : {}),
    };
    const retry = error.transient ? 'soon' : error.code === 'hub-sign-in-refused' ? 'sign-in' : 'never';
    return new HubWriteProblem(problem, retry, error.retryAfterMs);
  }
  return new HubWriteProblem(
    {
      code: 'unknown',
      title: 'Not sent to the Client Hub server',
      message: error instanceof Error ? error.message : 'Something unexpected stopped the change.',
      action: 'Press Retry. If it keeps happening, tell whoever runs your firm’s Client Hub server.',
      severity: 'error',
    },
    'never',
  );
}

const signedOut = () =>
  new HubWriteProblem(
    {
      code: 'not-authorised',
      title: 'Not signed in to the Client Hub server',
      message: 'This change waits on this computer until you sign in to your firm’s Client Hub server.',
      action: 'Sign in to the Client Hub server in Client Hub settings; the change is then sent.',
      severity: 'warning',
    },
    'sign-in',
  );

const notLinked = () =>
  new HubWriteProblem(
    {
      code: 'request-rejected',
      title: 'This Xero company has no Client Hub workspace',
      message: 'The Client Hub server has no workspace linked to this Xero company, so its tasks wait here.',
      action: 'Ask an Admin to link the Xero company to a workspace; the tasks are then sent.',
      severity: 'warning',
    },
    'sign-in',
  );

export const isHubJob = (job: Pick<OutboxJob, 'payload'>) => job.payload.kind.startsWith('hub-');

/**
 * Jobs that send `tasks` to the server, for the caller's Dexie transaction (which must include
 * db.hubLinks and db.outbox). Only companies linked to the server get them: without a hub session
 * Client Hub works on this computer alone, as before. A task already waiting is not queued twice.
 */
export async function queueHubTasks(
  db: ClientHubDb,
  tasks: readonly ClientTask[],
  change: {
    at: number;
    newId: () => string;
    /** Tasks made before the company was linked: their status is sent too, unless the server's is newer. */
    statusOf?: (task: ClientTask) => boolean;
  },
): Promise<number> {
  if (tasks.length === 0) return 0;
  const linked = new Set(
    (await db.hubLinks.bulkGet([...new Set(tasks.map((t) => t.tenantId))])).flatMap((l) =>
      l ? [l.tenantId] : [],
    ),
  );
  const jobs: OutboxJob[] = [];
  for (const task of tasks) {
    if (!linked.has(task.tenantId)) continue;
    jobs.push(
      newOutboxJob(
        task,
        { kind: 'hub-task' },
        { key: `hub-task-${task.id}`, closeId: null, seq: 0, at: change.at, id: `hub-task:${task.id}` },
      ),
    );
    if (change.statusOf?.(task)) jobs.push(statusJob(task, change, { changedAt: task.updatedAt }));
  }
  // One job per task and kind (its id): re-queuing a waiting task just makes it send the latest.
  await db.outbox.bulkPut(jobs);
  return jobs.length;
}

/** What a status job says besides the status (lib/tasks/records.ts 'hub-status'). */
export type HubStatusExtras = {
  changedAt?: number;
  acceptClientAccount?: boolean;
  writtenToXero?: boolean;
};

function statusJob(
  task: ClientTask,
  change: { at: number; newId: () => string },
  extras: HubStatusExtras = {},
): OutboxJob {
  return newOutboxJob(
    task,
    { kind: 'hub-status', status: task.status, ...extras },
    {
      // A new key per change: the server answers a known key with its first answer.
      key: `hub-status-${task.id}-${change.newId()}`,
      closeId: null,
      seq: 1,
      at: change.at,
      id: `hub-status:${task.id}`,
    },
  );
}

/** A status change made here, for the caller's transaction (db.hubLinks, db.outbox). */
export async function queueHubStatus(
  db: ClientHubDb,
  task: ClientTask,
  change: { at: number; newId: () => string },
  extras: HubStatusExtras = {},
): Promise<void> {
  if (!(await db.hubLinks.get(task.tenantId))) return;
  const waiting = await db.outbox.get(`hub-status:${task.id}`);
  // A waiting Close that says "written to Xero" or "accept the account" keeps saying so when re-queued.
  const before =
    waiting?.state === 'pending' &&
    waiting.payload.kind === 'hub-status' &&
    waiting.payload.status === task.status
      ? waiting.payload
      : undefined;
  await db.outbox.bulkPut([
    statusJob(task, change, {
      ...(before?.acceptClientAccount ? { acceptClientAccount: true } : {}),
      ...(before?.writtenToXero ? { writtenToXero: true } : {}),
      ...extras,
    }),
  ]);
}

/** A small, stable hash of text (FNV-1a, two lanes), usable inside a Dexie transaction (no await). */
export function textHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/**
 * The chart of accounts the portal may offer from: the company's active accounts where a transaction
 * can be coded (no bank or system accounts), as Xero names them; null before the chart was synced.
 */
export async function chartOf(
  db: ClientHubDb,
  tenantId: string,
): Promise<{ accounts: ChartAccount[]; hash: string } | null> {
  const rows = await db.accounts.where('tenantId').equals(tenantId).toArray();
  if (rows.length === 0) return null;
  const accounts = rows
    .flatMap((row) => {
      const parsed = accountRecordSchema.safeParse(row);
      if (!parsed.success) return [];
      const a = parsed.data;
      if (a.status !== 'ACTIVE' || a.isBankAccount || a.systemAccount || !a.name.trim()) return [];
      return [
        {
          accountId: a.accountId,
          code: a.code.slice(0, 10),
          name: a.name.slice(0, 150),
          type: a.type.slice(0, 40),
        },
      ];
    })
    .sort((x, y) => x.code.localeCompare(y.code) || x.accountId.localeCompare(y.accountId))
    .slice(0, HUB_MAX_CHART_ACCOUNTS);
  return { accounts, hash: textHash(JSON.stringify(accounts)) };
}

/**
 * The company's chart for the server, when it differs from the one last sent (for the caller's
 * transaction: db.accounts, db.hubLinks, db.outbox). One job per company: a newer chart replaces a
 * waiting one, and the job sends the chart as it is when it runs.
 */
export async function queueHubChart(db: ClientHubDb, tenantId: string, at: number): Promise<boolean> {
  const link = hubLinkSchema.safeParse(await db.hubLinks.get(tenantId));
  if (!link.success) return false;
  const chart = await chartOf(db, tenantId);
  if (!chart || chart.hash === link.data.chartHash) return false;
  const id = `hub-chart:${tenantId}`;
  await db.outbox.put({
    id,
    taskId: id,
    tenantId,
    bankTransactionId: '',
    closeId: null,
    seq: 0,
    payload: { kind: 'hub-chart' },
    idempotencyKey: `hub-chart-${tenantId}-${chart.hash}`,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  });
  return true;
}

/** A comment or answer made here, for the caller's transaction (db.hubLinks, db.outbox). */
export async function queueHubComment(
  db: ClientHubDb,
  task: ClientTask,
  messageId: string,
  change: { at: number; newId: () => string },
): Promise<void> {
  if (!(await db.hubLinks.get(task.tenantId))) return;
  await db.outbox.add(
    newOutboxJob(
      task,
      { kind: 'hub-comment', messageId },
      { key: `hub-comment-${messageId}`, closeId: null, seq: 2, at: change.at, id: change.newId() },
    ),
  );
}

/** Files attached here, for the caller's transaction (db.hubLinks, db.outbox). */
export async function queueHubFiles(
  db: ClientHubDb,
  task: ClientTask,
  fileIds: readonly string[],
  change: { at: number; newId: () => string },
): Promise<void> {
  if (fileIds.length === 0 || !(await db.hubLinks.get(task.tenantId))) return;
  await db.outbox.bulkAdd(
    fileIds.map((fileId) =>
      newOutboxJob(
        task,
        { kind: 'hub-file', fileId },
        { key: `hub-file-${fileId}`, closeId: null, seq: 3, at: change.at, id: change.newId() },
      ),
    ),
  );
}

export function createHubPush(deps: HubPushDeps) {
  const { db } = deps;

  async function session(): Promise<HubTasksApi> {
    const api = await deps.api();
    if (!api) throw signedOut();
    return api;
  }

  async function linkOf(tenantId: string): Promise<HubLink> {
    const link = hubLinkSchema.safeParse(await db.hubLinks.get(tenantId));
    if (!link.success) throw notLinked();
    return link.data;
  }

  async function taskOf(job: OutboxJob): Promise<ClientTask> {
    const task = clientTaskSchema.safeParse(await db.clientTasks.where('id').equals(job.taskId).first());
    if (!task.success) {
      throw new HubWriteProblem(
        {
          code: 'not-found',
          title: 'Task no longer on this computer',
          message:
            'The task this change belongs to is no longer on this computer (its Xero company was removed).',
          action: 'Nothing to do: the change cannot be sent.',
          severity: 'info',
        },
        'never',
      );
    }
    return task.data;
  }

  /** Records the server's id of tasks it answered for (the feed brings their state). */
  async function recordIds(link: HubLink, answered: { id: string; bankTransactionId: string }[]) {
    await db.transaction('rw', [db.clientTasks, db.taskMessages, db.hubFiles], async () => {
      const rows = await db.clientTasks.bulkGet(
        answered.map((a): [string, string] => [link.tenantId, a.bankTransactionId]),
      );
      const puts: ClientTask[] = [];
      const relink = new Map<string, string>();
      rows.forEach((row, i) => {
        const parsed = clientTaskSchema.safeParse(row);
        const hubTask = answered[i];
        if (!parsed.success || !hubTask || parsed.data.hub?.taskId === hubTask.id) return;
        puts.push({
          ...parsed.data,
          // seq 0: no server state applied yet, so the feed's next state of it is applied.
          hub: parsed.data.hub
            ? { ...parsed.data.hub, taskId: hubTask.id, workspaceId: link.workspaceId }
            : {
                taskId: hubTask.id,
                workspaceId: link.workspaceId,
                seq: 0,
                statusChangedBy: null,
                statusChangedAt: null,
                question: '',
                extra: {},
              },
        });
        if (parsed.data.id !== hubTask.id) relink.set(hubTask.id, parsed.data.id);
      });
      await db.clientTasks.bulkPut(puts);
      if (relink.size > 0) {
        // Comments and files the feed filed under the server's id before this answer came back.
        await db.taskMessages
          .where('taskId')
          .anyOf([...relink.keys()])
          .modify((m) => {
            m.taskId = relink.get(m.taskId) ?? m.taskId;
          });
        await db.hubFiles
          .where('taskId')
          .anyOf([...relink.keys()])
          .modify((f) => {
            f.taskId = relink.get(f.taskId) ?? f.taskId;
          });
      }
    });
  }

  /** The task's id on the server, creating it there first if this browser has not sent it yet. */
  async function hubTaskIdOf(api: HubTasksApi, task: ClientTask, link: HubLink): Promise<string> {
    if (task.hub && task.hub.workspaceId === link.workspaceId) return task.hub.taskId;
    const answer = await api.upsertTasks(link.workspaceId, [transactionOf(task)]);
    await recordIds(link, answer.tasks);
    const sent = answer.tasks[0];
    if (!sent) throw new Error('the server answered without the task');
    return sent.id;
  }

  /**
   * Sends the tasks of `jobs` (all 'hub-task') in batches per workspace. Throws HubWriteProblem for
   * the whole call when the server could not take them; jobs of tasks gone from this computer are
   * returned as done with nothing to send.
   */
  async function sendTasks(jobs: readonly OutboxJob[]): Promise<void> {
    const api = await session();
    const byTenant = new Map<string, OutboxJob[]>();
    for (const job of jobs) byTenant.set(job.tenantId, [...(byTenant.get(job.tenantId) ?? []), job]);
    for (const [tenantId, tenantJobs] of byTenant) {
      const link = await linkOf(tenantId);
      const rows = await db.clientTasks
        .where('id')
        .anyOf(tenantJobs.map((j) => j.taskId))
        .toArray();
      const tasks = rows.flatMap((row) => {
        const parsed = clientTaskSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
      for (let i = 0; i < tasks.length; i += HUB_MAX_BATCH) {
        const batch = tasks.slice(i, i + HUB_MAX_BATCH);
        const answer = await api.upsertTasks(link.workspaceId, batch.map(transactionOf));
        await recordIds(link, answer.tasks);
      }
    }
  }

  async function sendChart(api: HubTasksApi, link: HubLink): Promise<string> {
    const chart = await chartOf(db, link.tenantId);
    if (!chart) return 'No chart of accounts on this computer yet: nothing to send';
    if (chart.hash === link.chartHash) return 'Chart of accounts unchanged: not sent again';
    await api.putChart(link.workspaceId, chart.accounts);
    await db.transaction('rw', [db.hubLinks], async () => {
      const current = hubLinkSchema.safeParse(await db.hubLinks.get(link.tenantId));
      // Linked elsewhere meanwhile: that workspace still needs its chart.
      if (current.success && current.data.workspaceId === link.workspaceId)
        await db.hubLinks.put({ ...current.data, chartHash: chart.hash });
    });
    return `Chart of accounts (${chart.accounts.length} accounts) sent to Client Hub`;
  }

  /**
   * A hub file's bytes: from this browser's storage when it has them (its own upload, or downloaded
   * before), else downloaded now and kept, so it is downloaded once, and only when needed.
   */
  async function fileBytes(hubFileId: string): Promise<{ file: HubFile; blob: Blob }> {
    const file = hubFileSchema.safeParse(await db.hubFiles.get(hubFileId));
    if (!file.success) {
      throw new HubWriteProblem(
        {
          code: 'not-found',
          title: 'File no longer on this computer',
          message: 'The client’s file is no longer listed on this computer (its Xero company was removed).',
          action: 'Nothing to do.',
          severity: 'info',
        },
        'never',
      );
    }
    const kept = hubFileBytesSchema.safeParse(await db.hubFileBytes.get(hubFileId));
    if (kept.success && kept.data.blob.size === file.data.size)
      return { file: file.data, blob: kept.data.blob };
    if (file.data.localFileId) {
      const local = taskFileSchema.safeParse(await db.taskFiles.get(file.data.localFileId));
      if (local.success && local.data.blob.size > 0 && local.data.blob.size === file.data.size)
        return { file: file.data, blob: local.data.blob };
    }
    const api = await session();
    const blob = await api.fileBytes(file.data.workspaceId, file.data.hubTaskId, file.data.id);
    const typed = new Blob([blob], { type: file.data.mimeType });
    await db.transaction('rw', [db.hubFiles, db.hubFileBytes], async () => {
      // Removed while it downloaded: keep nothing of it.
      if (!(await db.hubFiles.get(hubFileId))) return;
      await db.hubFileBytes.put({
        id: file.data.id,
        tenantId: file.data.tenantId,
        taskId: file.data.taskId,
        blob: typed,
        storedAt: deps.now(),
      });
    });
    return { file: file.data, blob: typed };
  }

  /** One job that is not a task upsert; returns what it did in words. */
  async function perform(job: OutboxJob): Promise<string> {
    const api = await session();
    const link = await linkOf(job.tenantId);
    if (job.payload.kind === 'hub-chart') return sendChart(api, link);
    const task = await taskOf(job);
    const taskId = await hubTaskIdOf(api, task, link);
    const { payload } = job;
    switch (payload.kind) {
      case 'hub-status': {
        const answer = await api.setStatus(
          link.workspaceId,
          taskId,
          hubStatusOf(payload.status),
          job.idempotencyKey,
          {
            ...(payload.changedAt !== undefined
              ? { changedAt: new Date(payload.changedAt).toISOString() }
              : {}),
            ...(payload.acceptClientAccount ? { acceptClientAccount: true } : {}),
            ...(payload.writtenToXero ? { writtenToXero: true } : {}),
          },
        );
        // The server kept a newer status of a colleague's (this one was from before the link).
        const kept = answer.status !== hubStatusOf(payload.status);
        // The server's state after this change: the feed's older states of the task are skipped.
        await db.transaction('rw', [db.clientTasks, db.taskEvents], async () => {
          const current = clientTaskSchema.safeParse(
            await db.clientTasks.get([task.tenantId, task.bankTransactionId]),
          );
          if (!current.success) return;
          const newer = !current.data.hub || current.data.hub.seq < answer.seq;
          if (!newer && !kept) return;
          const status = kept ? localStatusOf(answer.status) : current.data.status;
          await db.clientTasks.put({
            ...current.data,
            status,
            updatedAt: status === current.data.status ? current.data.updatedAt : deps.now(),
            hub: newer || !current.data.hub ? hubStateOf(answer) : current.data.hub,
          });
          if (kept && status !== current.data.status) {
            await db.taskEvents.add({
              id: `hub-kept-${job.id}-${answer.seq}`,
              taskId: current.data.id,
              at: deps.now(),
              kind: 'hub-status',
              text: `${answer.status} on Client Hub${answer.statusChangedBy ? ` (by ${answer.statusChangedBy.name})` : ''}: newer than this computer’s “${payload.status}”, so kept`,
            });
          }
        });
        return kept
          ? `Client Hub has a newer status (“${answer.status}”): kept`
          : `Status “${payload.status}” sent to Client Hub`;
      }
      case 'hub-comment': {
        const message = taskMessageSchema.safeParse(await db.taskMessages.get(payload.messageId));
        if (!message.success) return 'Comment no longer on this computer: nothing to send';
        if (message.data.hubId) return 'Comment already on Client Hub';
        const comment = await api.addComment(link.workspaceId, taskId, message.data.text, job.idempotencyKey);
        await db.transaction('rw', [db.taskMessages], async () => {
          await db.taskMessages.update(payload.messageId, { hubId: comment.id });
          // The feed may have brought it back before this answer: one copy in the conversation.
          await db.taskMessages.delete(`hub-${comment.id}`);
        });
        return 'Comment sent to Client Hub';
      }
      case 'hub-file': {
        const file = taskFileSchema.safeParse(await db.taskFiles.get(payload.fileId));
        if (!file.success) return 'File no longer on this computer: nothing to send';
        if (file.data.blob.size === 0 && file.data.size > 0) {
          throw new HubWriteProblem(
            {
              code: 'unknown',
              title: 'File not sent to Client Hub',
              message: `“${file.data.originalName}” is no longer stored on this computer, so it could not be sent to Client Hub.`,
              action: 'Attach the file again if colleagues need it in Client Hub.',
              severity: 'warning',
            },
            'never',
          );
        }
        const sent = await api.addFile(
          link.workspaceId,
          taskId,
          { name: file.data.originalName, blob: file.data.blob },
          job.idempotencyKey,
        );
        await db.hubFiles.put({
          id: sent.id,
          taskId: task.id,
          hubTaskId: taskId,
          tenantId: task.tenantId,
          workspaceId: link.workspaceId,
          fileName: sent.fileName,
          mimeType: sent.mimeType,
          size: sent.size,
          sha256: sent.sha256,
          uploadedBy: sent.uploadedBy,
          createdAt: sent.createdAt,
          localFileId: file.data.id,
        });
        return `“${file.data.originalName}” sent to Client Hub`;
      }
      default:
        throw new Error(`${payload.kind} is not a Client Hub write`);
    }
  }

  /**
   * Of the jobs due now, those made while another person was signed in: they wait for that person,
   * with why in plain words, and are never sent as whoever is signed in now.
   */
  async function heldBack(
    jobs: readonly OutboxJob[],
  ): Promise<{ ids: Set<string>; problem: HubWriteProblem } | null> {
    const held = await deps.unsent?.heldBack(jobs.filter(isHubJob));
    if (!held) return null;
    const problem = new HubWriteProblem(
      {
        code: 'not-authorised',
        title: `Waiting for ${held.owner.name} to sign in`,
        message: `This change was made while ${held.owner.name} (${held.owner.email}) was signed in to the Client Hub server, so it is not sent under anyone else’s name. It is kept on this computer.`,
        action: `${held.owner.name} signs in under “Client Hub server” in Client Hub settings; the change is then sent.`,
        severity: 'warning',
      },
      'sign-in',
    );
    return { ids: held.ids, problem };
  }

  return { sendTasks, perform, heldBack, fileBytes };
}

export type HubPush = ReturnType<typeof createHubPush>;
