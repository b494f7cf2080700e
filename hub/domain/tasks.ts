import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { statusChangeSchema, TaskStatus, taskUpsertSchema } from '../../lib/hub/contract.ts';
import type { HubDb } from '../db/client.ts';
import { clientTask, firmMember, taskComment, taskFile, user } from '../db/schema/index.ts';
import type { Member, WorkspaceRow } from './access.ts';
import { seesClientView } from './access.ts';
import { recordActivity, recordTaskActivity } from './activity.ts';
import { lockFirmChanges, takeChangeNumbers } from './changes.ts';
import type { Deps } from './context.ts';
import { conflict, forbidden, HubError, notFound } from './problems.ts';

type TaskUpsert = z.output<typeof taskUpsertSchema>;
type TaskRow = typeof clientTask.$inferSelect;

/** JSON with keys sorted, so two descriptions of one transaction compare equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** What a client may see of a task: the question and the transaction's plain facts. */
export function clientTaskView(row: TaskRow) {
  const t = row.transaction;
  const contact = t.Contact as { Name?: unknown } | undefined;
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    question: row.question,
    date: str(t.Date),
    amount: typeof t.Total === 'number' ? t.Total : null,
    currencyCode: str(t.CurrencyCode),
    contactName: str(contact?.Name),
    reference: str(t.Reference),
    status: row.status,
    clientAccount: row.clientAccountId
      ? {
          accountId: row.clientAccountId,
          code: row.clientAccountCode ?? '',
          name: row.clientAccountName ?? '',
        }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function firmTaskView(row: TaskRow, changedByName: string | null) {
  return {
    ...clientTaskView(row),
    tenantId: row.tenantId,
    bankTransactionId: row.bankTransactionId,
    transaction: row.transaction,
    statusChangedBy: row.statusChangedBy ? { userId: row.statusChangedBy, name: changedByName ?? '' } : null,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
    clientAccountAccepted: row.clientAccountAccepted,
    writtenToXero: row.writtenToXeroAt
      ? {
          userId: row.writtenToXeroBy,
          name: row.writtenToXeroByName ?? '',
          at: row.writtenToXeroAt.toISOString(),
        }
      : null,
    seq: row.seq,
  };
}

const notLinked = () =>
  conflict(
    'This workspace is not linked to a Xero organisation',
    'An Admin links the workspace to its Xero organisation first; then send the tasks again.',
  );

/**
 * Creates or refreshes Client Tasks by their natural key (firm, Xero organisation, bank
 * transaction): sending the same batch twice changes nothing and makes no duplicates. Status and
 * comments are the hub's and are never overwritten by an upsert. Unchanged tasks take no change
 * number, so re-sending does not wake every poller.
 */
export async function upsertTasks(deps: Deps, member: Member, target: WorkspaceRow, tasks: TaskUpsert[]) {
  const tenantId = target.tenantId;
  if (!tenantId) throw notLinked();
  // Last description wins when a batch names one transaction twice.
  const incoming = new Map<string, TaskUpsert>();
  for (const task of tasks) {
    const key = task.transaction.BankTransactionID.toLowerCase();
    // Xero's IDs are GUIDs in any letter case: one spelling, so re-sends compare equal.
    incoming.set(key, { ...task, transaction: { ...task.transaction, BankTransactionID: key } });
  }
  const ids = [...incoming.keys()];
  return deps.db.transaction(async (tx) => {
    // Holding the firm's counter makes read-compare-write safe against another instance doing the same.
    await lockFirmChanges(tx, member.firmId);
    const existing = await tx
      .select()
      .from(clientTask)
      .where(
        and(
          eq(clientTask.firmId, member.firmId),
          eq(clientTask.tenantId, tenantId),
          inArray(clientTask.bankTransactionId, ids),
        ),
      );
    const byKey = new Map(existing.map((row) => [row.bankTransactionId, row]));
    const changed: { key: string; task: TaskUpsert; row: TaskRow | undefined }[] = [];
    const result: { id: string; bankTransactionId: string; seq: number }[] = [];
    for (const [key, task] of incoming) {
      const row = byKey.get(key);
      const same =
        row &&
        row.workspaceId === target.id &&
        row.question === task.question &&
        canonical(row.transaction) === canonical(task.transaction);
      if (same) result.push({ id: row.id, bankTransactionId: key, seq: row.seq });
      else changed.push({ key, task, row });
    }
    let created = 0;
    if (changed.length > 0) {
      const first = await takeChangeNumbers(tx, member.firmId, changed.length);
      const now = deps.clock.now();
      const values = changed.map(({ key, task, row }, i) => ({
        id: row?.id ?? randomUUID(),
        firmId: member.firmId,
        workspaceId: target.id,
        tenantId,
        bankTransactionId: key,
        transaction: task.transaction as Record<string, unknown>,
        question: task.question,
        status: 'Open' as const,
        createdAt: now,
        updatedAt: now,
        seq: first + i,
      }));
      const written = await tx
        .insert(clientTask)
        .values(values)
        .onConflictDoUpdate({
          target: [clientTask.firmId, clientTask.tenantId, clientTask.bankTransactionId],
          set: {
            workspaceId: sql`excluded.workspace_id`,
            transaction: sql`excluded.transaction`,
            question: sql`excluded.question`,
            updatedAt: sql`excluded.updated_at`,
            seq: sql`excluded.seq`,
          },
        })
        .returning({
          id: clientTask.id,
          bankTransactionId: clientTask.bankTransactionId,
          seq: clientTask.seq,
        });
      result.push(...written);
      created = changed.filter((c) => !c.row).length;
      await recordActivity(
        { ...deps, db: tx },
        {
          firmId: member.firmId,
          workspaceId: target.id,
          actorId: member.userId,
          action: 'tasks.upserted',
          detail: { created, updated: changed.length - created },
        },
      );
    }
    return {
      created,
      updated: changed.length - created,
      unchanged: incoming.size - changed.length,
      tasks: result,
    };
  });
}

/** Tasks with the name of whoever last changed their status. */
const selectTasks = (db: HubDb) =>
  db
    .select({ task: clientTask, changedByName: user.name })
    .from(clientTask)
    .leftJoin(user, eq(user.id, clientTask.statusChangedBy));

async function taskRow(db: HubDb, target: WorkspaceRow, taskId: string) {
  const [row] = await selectTasks(db).where(
    and(eq(clientTask.id, taskId), eq(clientTask.workspaceId, target.id)),
  );
  if (!row) throw notFound('Client Task');
  return row;
}

export function taskViewFor(member: Member, row: TaskRow, changedByName: string | null) {
  return seesClientView(member) ? clientTaskView(row) : firmTaskView(row, changedByName);
}

export async function getTask(deps: Deps, member: Member, target: WorkspaceRow, taskId: string) {
  const { task, changedByName } = await taskRow(deps.db, target, taskId);
  return taskViewFor(member, task, changedByName);
}

/** Clients may only answer (or re-answer) an open question; the firm decides everything else. */
const CLIENT_MAY_SET: ReadonlySet<TaskStatus> = new Set(['Answered']);
const CLIENT_MAY_CHANGE: ReadonlySet<TaskStatus> = new Set(['Open', 'Answered']);

/**
 * A status change. From the firm it may also say that the firm accepts the client's account (the
 * browser that writes to Xero recodes to it) and that the sender's browser wrote the answer into
 * Xero (recorded once, with who and when). A change made before the sender was connected carries
 * `changedAt`: a status the server changed at or after that time stays.
 */
export async function changeStatus(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  taskId: string,
  change: z.output<typeof statusChangeSchema>,
) {
  const { status } = change;
  return deps.db.transaction(async (tx) => {
    await lockFirmChanges(tx, member.firmId);
    const { task, changedByName } = await taskRow(tx, target, taskId);
    if (seesClientView(member)) {
      if (!CLIENT_MAY_SET.has(status) || !CLIENT_MAY_CHANGE.has(task.status))
        throw forbidden(`mark this task “${status}”`);
      if (change.acceptClientAccount || change.writtenToXero) throw forbidden('record writes to Xero');
    }
    const stale =
      change.changedAt !== undefined &&
      task.statusChangedAt !== null &&
      task.statusChangedAt.getTime() >= Date.parse(change.changedAt);
    const set: Partial<TaskRow> = {};
    if (task.status !== status && !stale) {
      Object.assign(set, { status, statusChangedBy: member.userId, statusChangedAt: deps.clock.now() });
    }
    if (change.acceptClientAccount && !task.clientAccountAccepted) set.clientAccountAccepted = true;
    // Recorded once: the first browser that wrote it into Xero.
    if (change.writtenToXero && !task.writtenToXeroAt && (set.status ?? task.status) === 'Closed') {
      Object.assign(set, {
        writtenToXeroBy: member.userId,
        writtenToXeroByName: member.name,
        writtenToXeroAt: deps.clock.now(),
      });
    }
    if (Object.keys(set).length === 0) return taskViewFor(member, task, changedByName);
    const seq = await takeChangeNumbers(tx, member.firmId, 1);
    const [updated] = await tx
      .update(clientTask)
      .set({ ...set, updatedAt: deps.clock.now(), seq })
      .where(eq(clientTask.id, task.id))
      .returning();
    if (!updated) throw new HubError(500, 'The task could not be saved', 'Try again in a moment.');
    if (set.status) {
      await recordTaskActivity({ ...deps, db: tx }, member, task, 'task.status-changed', {
        from: task.status,
        to: status,
      });
    }
    if (set.writtenToXeroAt) {
      await recordTaskActivity({ ...deps, db: tx }, member, task, 'task.written-to-xero', {});
    }
    return taskViewFor(member, updated, set.status ? member.name : changedByName);
  });
}

export async function requireTask(db: HubDb, target: WorkspaceRow, taskId: string) {
  return (await taskRow(db, target, taskId)).task;
}

// Comments

const commentColumns = {
  comment: taskComment,
  authorName: user.name,
  authorRole: firmMember.role,
};

const selectComments = (db: HubDb) =>
  db
    .select(commentColumns)
    .from(taskComment)
    .innerJoin(user, eq(user.id, taskComment.authorId))
    .innerJoin(firmMember, eq(firmMember.userId, taskComment.authorId));

type CommentJoin = {
  comment: typeof taskComment.$inferSelect;
  authorName: string;
  authorRole: Member['role'];
};
const commentView = (r: CommentJoin) => ({
  id: r.comment.id,
  taskId: r.comment.taskId,
  body: r.comment.body,
  internal: r.comment.internal,
  author: { userId: r.comment.authorId, name: r.authorName, role: r.authorRole },
  createdAt: r.comment.createdAt.toISOString(),
});

export async function addComment(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  taskId: string,
  input: { body: string; internal: boolean },
) {
  if (input.internal && seesClientView(member)) throw forbidden('write internal notes');
  return deps.db.transaction(async (tx) => {
    const task = await requireTask(tx, target, taskId);
    const seq = await takeChangeNumbers(tx, member.firmId, 1);
    const id = randomUUID();
    const [row] = await tx
      .insert(taskComment)
      .values({
        id,
        firmId: member.firmId,
        workspaceId: target.id,
        taskId: task.id,
        authorId: member.userId,
        body: input.body,
        internal: input.internal,
        createdAt: deps.clock.now(),
        seq,
      })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await recordTaskActivity({ ...deps, db: tx }, member, task, 'comment.added', {
      commentId: id,
      internal: input.internal,
    });
    return commentView({ comment: row, authorName: member.name, authorRole: member.role });
  });
}

export async function listComments(deps: Deps, member: Member, target: WorkspaceRow, taskId: string) {
  const task = await requireTask(deps.db, target, taskId);
  const rows = await selectComments(deps.db)
    .where(
      seesClientView(member)
        ? and(eq(taskComment.taskId, task.id), eq(taskComment.internal, false))
        : eq(taskComment.taskId, task.id),
    )
    .orderBy(asc(taskComment.createdAt), asc(taskComment.seq));
  return rows.map(commentView);
}

// Files

const fileColumns = { file: taskFile, uploaderName: user.name };
const selectFiles = (db: HubDb) =>
  db.select(fileColumns).from(taskFile).innerJoin(user, eq(user.id, taskFile.uploadedBy));

type FileJoin = { file: typeof taskFile.$inferSelect; uploaderName: string };
export const fileView = (r: FileJoin) => ({
  id: r.file.id,
  taskId: r.file.taskId,
  fileName: r.file.fileName,
  mimeType: r.file.mimeType,
  size: r.file.size,
  sha256: r.file.sha256,
  uploadedBy: { userId: r.file.uploadedBy, name: r.uploaderName },
  createdAt: r.file.createdAt.toISOString(),
});

export async function listFiles(deps: Deps, target: WorkspaceRow, taskId: string) {
  const task = await requireTask(deps.db, target, taskId);
  const rows = await selectFiles(deps.db).where(eq(taskFile.taskId, task.id)).orderBy(asc(taskFile.seq));
  return rows.map(fileView);
}

export async function getFile(deps: Deps, target: WorkspaceRow, taskId: string, fileId: string) {
  const [row] = await selectFiles(deps.db).where(
    and(eq(taskFile.id, fileId), eq(taskFile.taskId, taskId), eq(taskFile.workspaceId, target.id)),
  );
  if (!row) throw notFound('File');
  return fileView(row);
}

// The changes feed

/**
 * What changed in a workspace after `since`, oldest first, at most `limit`: each task at its
 * latest state, each comment and file once. Three index range scans merged by change number.
 * Client users get the client view and never internal notes; `nextSince` still moves past those.
 */
export async function changesSince(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  since: number,
  limit: number,
) {
  const take = limit + 1;
  // One snapshot for the three reads. Committed change numbers always form a prefix (see
  // changes.ts), but three reads with a snapshot each could see a comment committed after tasks
  // that the task read missed; `nextSince` would then pass those tasks for good (on PostgreSQL a
  // poller did skip tasks written concurrently).
  const { tasks, comments, files } = await deps.db.transaction(
    async (tx) => ({
      tasks: await selectTasks(tx)
        .where(and(eq(clientTask.workspaceId, target.id), gt(clientTask.seq, since)))
        .orderBy(asc(clientTask.seq))
        .limit(take),
      comments: await selectComments(tx)
        .where(and(eq(taskComment.workspaceId, target.id), gt(taskComment.seq, since)))
        .orderBy(asc(taskComment.seq))
        .limit(take),
      files: await selectFiles(tx)
        .where(and(eq(taskFile.workspaceId, target.id), gt(taskFile.seq, since)))
        .orderBy(asc(taskFile.seq))
        .limit(take),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  type Entry =
    | { seq: number; kind: 'task'; row: (typeof tasks)[number] }
    | { seq: number; kind: 'comment'; row: (typeof comments)[number] }
    | { seq: number; kind: 'file'; row: (typeof files)[number] };
  const merged: Entry[] = [
    ...tasks.map((row) => ({ seq: row.task.seq, kind: 'task' as const, row })),
    ...comments.map((row) => ({ seq: row.comment.seq, kind: 'comment' as const, row })),
    ...files.map((row) => ({ seq: row.file.seq, kind: 'file' as const, row })),
  ].sort((a, b) => a.seq - b.seq);
  const page = merged.slice(0, limit);
  const client = seesClientView(member);
  const changes = [];
  for (const entry of page) {
    if (entry.kind === 'task') {
      changes.push({
        kind: 'task' as const,
        seq: entry.seq,
        task: taskViewFor(member, entry.row.task, entry.row.changedByName),
      });
    } else if (entry.kind === 'comment') {
      if (client && entry.row.comment.internal) continue;
      changes.push({ kind: 'comment' as const, seq: entry.seq, comment: commentView(entry.row) });
    } else {
      changes.push({ kind: 'file' as const, seq: entry.seq, file: fileView(entry.row) });
    }
  }
  return { changes, nextSince: page.at(-1)?.seq ?? since, hasMore: merged.length > limit };
}
