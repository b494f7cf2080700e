import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { HUB_MAX_FILE_BYTES, HUB_MAX_FILES_PER_TASK } from '../../lib/hub/contract.ts';
import { safeFileName } from '../../lib/tasks/files.ts';
import type { HubDb } from '../db/client.ts';
import { clientTask, taskComment, taskFile } from '../db/schema/index.ts';
import type { FileStore } from '../storage/files.ts';
import { sha256Of } from '../storage/files.ts';
import type { Member, WorkspaceRow } from './access.ts';
import { recordTaskActivity } from './activity.ts';
import { lockFirmChanges, takeChangeNumbers } from './changes.ts';
import type { Deps } from './context.ts';
import { contentTypeOf } from './files.ts';
import { fingerprintOf, once } from './idempotency.ts';
import { badRequest, conflict, HubError, notFound } from './problems.ts';
import { clientAccounts } from './workspaces.ts';

/** Receipts one answer may carry (each at most 10 MB, the size Xero takes). */
export const MAX_RECEIPTS_PER_ANSWER = 3;
/** Questions one answer may cover ("these are all fuel"). */
export const MAX_TASKS_PER_ANSWER = 200;

/** What a client may attach, by what the bytes are (never by the name): the types Xero takes. */
const RECEIPT_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
};

/** Statuses in which the client may still answer or add to an answer. */
export const CLIENT_MAY_ANSWER: ReadonlySet<string> = new Set(['Open', 'Answered']);

export interface Receipt {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
  sha256: string;
}

/** The name the client's device gave, with the extension the bytes call for (Xero reads the type from it). */
function nameFor(original: string, extension: string, mimeType: string): string {
  const base = original.trim() || 'receipt';
  const dot = base.lastIndexOf('.');
  const current = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const same =
    current === extension ||
    (mimeType === 'image/jpeg' && current === 'jpeg') ||
    (extension === 'tif' && current === 'tiff');
  if (same) return base;
  return `${dot > 0 ? base.slice(0, dot) : base}.${extension}`;
}

/** Checks a receipt by its contents: a photo or PDF of at most 10 MB. Throws a plain refusal. */
export async function checkReceipt(upload: { fileName: string; bytes: Uint8Array }): Promise<Receipt> {
  const shown = upload.fileName || 'The file';
  if (upload.bytes.byteLength === 0) {
    throw badRequest(
      `“${shown}” is empty`,
      'Choose the photo or file again: there was nothing in it to attach.',
    );
  }
  if (upload.bytes.byteLength > HUB_MAX_FILE_BYTES) {
    throw new HubError(
      413,
      `“${shown}” is larger than 10 MB`,
      'Receipts can be at most 10 MB. Take the photo again at a smaller size, or save the PDF smaller, and attach it again.',
    );
  }
  const detected = await contentTypeOf(upload.bytes);
  const extension = detected ? RECEIPT_TYPES[detected] : undefined;
  if (!detected || !extension) {
    throw new HubError(
      415,
      `“${shown}” is not a photo or a PDF`,
      'Attach a photo (JPEG or PNG) or a PDF of the receipt. If it is one, open it on your device and save it again as a photo or PDF.',
    );
  }
  return {
    fileName: nameFor(upload.fileName, extension, detected),
    mimeType: detected,
    bytes: upload.bytes,
    sha256: sha256Of(upload.bytes),
  };
}

export interface PortalAnswer {
  taskIds: string[];
  /** The client's words ('' when they only attach or pick). */
  answer: string;
  accountId?: string | undefined;
  receipts: { fileName: string; bytes: Uint8Array }[];
  /** From the form: a second press of Send (or a resend) answers once. */
  submission?: string | undefined;
}

/**
 * The client answers one or several questions at once: their words become a comment on each,
 * receipts are attached to each, the account they picked (only one the firm allows) is kept on
 * each, and each becomes Answered. An answered question can be added to until the firm closes it.
 * All or nothing: a closed question among them refuses the whole answer, saying which.
 */
export async function answerTasks(
  deps: Deps & { files: FileStore },
  member: Member,
  target: WorkspaceRow,
  input: PortalAnswer,
): Promise<{ answered: number }> {
  const taskIds = [...new Set(input.taskIds)];
  if (taskIds.length === 0) {
    throw badRequest('No question was chosen', 'Tick the questions this answer is for, then send it again.');
  }
  if (taskIds.length > MAX_TASKS_PER_ANSWER) {
    throw badRequest(
      `One answer can cover at most ${MAX_TASKS_PER_ANSWER} questions`,
      'Tick fewer questions and send the answer again; then answer the rest.',
    );
  }
  if (input.receipts.length > MAX_RECEIPTS_PER_ANSWER) {
    throw badRequest(
      `Attach at most ${MAX_RECEIPTS_PER_ANSWER} receipts at a time`,
      'Send the answer with up to three receipts, then add the others to it.',
    );
  }
  const answer = input.answer.trim();
  const receipts: Receipt[] = [];
  for (const upload of input.receipts) receipts.push(await checkReceipt(upload));
  let account: { accountId: string; code: string; name: string } | undefined;
  if (input.accountId) {
    account = (await clientAccounts(deps, target)).find((a) => a.accountId === input.accountId);
    if (!account) {
      throw badRequest(
        'That account cannot be chosen here',
        'Pick one of the accounts in the list, or leave the account for your accountant to choose.',
      );
    }
  }
  if (!answer && receipts.length === 0 && !account) {
    throw badRequest('The answer is empty', 'Write what this was, attach a receipt, or both; then send it.');
  }
  // Bytes first: a crash after this leaves an unreferenced blob, never a record without its bytes.
  for (const receipt of receipts) await deps.files.put(receipt.sha256, receipt.bytes);
  const write = (tx: HubDb) =>
    recordAnswer({ ...deps, db: tx }, member, target, taskIds, answer, account, receipts);
  if (!input.submission) return deps.db.transaction(write);
  const result = await once(
    deps.db,
    deps.clock,
    {
      userId: member.userId,
      key: `portal:${input.submission}`,
      fingerprint: fingerprintOf(
        target.id,
        ...taskIds,
        answer,
        account?.accountId ?? '',
        ...receipts.map((r) => r.sha256),
      ),
    },
    async (tx) => ({ status: 200, body: await write(tx) }),
  );
  return result.body;
}

async function recordAnswer(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  taskIds: string[],
  answer: string,
  account: { accountId: string; code: string; name: string } | undefined,
  receipts: Receipt[],
): Promise<{ answered: number }> {
  const tx = deps.db;
  await lockFirmChanges(tx, member.firmId);
  const tasks = await tx
    .select({ id: clientTask.id, workspaceId: clientTask.workspaceId, status: clientTask.status })
    .from(clientTask)
    .where(and(eq(clientTask.workspaceId, target.id), inArray(clientTask.id, taskIds)));
  if (tasks.length !== taskIds.length) throw notFound('Client Task');
  const closed = tasks.filter((t) => !CLIENT_MAY_ANSWER.has(t.status));
  if (closed.length > 0) {
    throw conflict(
      closed.length === 1
        ? 'One of these questions is closed'
        : `${closed.length} of these questions are closed`,
      'Your accountant has finished with it, so it can no longer be changed. Untick it and send your answer again.',
    );
  }
  const fileCounts = await tx
    .select({
      taskId: taskFile.taskId,
      n: sql<number>`count(*)::int`,
      names: sql<string[]>`array_agg(${taskFile.fileName})`,
    })
    .from(taskFile)
    .where(inArray(taskFile.taskId, taskIds))
    .groupBy(taskFile.taskId);
  const filesOf = new Map(fileCounts.map((f) => [f.taskId, f]));
  for (const task of tasks) {
    if ((filesOf.get(task.id)?.n ?? 0) + receipts.length > HUB_MAX_FILES_PER_TASK) {
      throw conflict(
        `A question can have at most ${HUB_MAX_FILES_PER_TASK} receipts`,
        'Send this answer with fewer receipts, or combine them into one PDF.',
      );
    }
  }
  const perTask = 1 + (answer ? 1 : 0) + receipts.length;
  let seq = await takeChangeNumbers(tx, member.firmId, perTask * tasks.length);
  const now = deps.clock.now();
  const comments: (typeof taskComment.$inferInsert)[] = [];
  const files: (typeof taskFile.$inferInsert)[] = [];
  for (const task of tasks) {
    const where = { firmId: member.firmId, workspaceId: target.id, taskId: task.id };
    // Comments and files first, then the task: the extension that reads the task as Answered
    // has already been handed what the answer says.
    if (answer)
      comments.push({
        ...where,
        id: randomUUID(),
        authorId: member.userId,
        body: answer,
        internal: false,
        createdAt: now,
        seq: seq++,
      });
    const taken = [...(filesOf.get(task.id)?.names ?? [])];
    for (const receipt of receipts) {
      const fileName = safeFileName(receipt.fileName, taken);
      taken.push(fileName);
      files.push({
        ...where,
        id: randomUUID(),
        fileName,
        mimeType: receipt.mimeType,
        size: receipt.bytes.byteLength,
        sha256: receipt.sha256,
        uploadedBy: member.userId,
        createdAt: now,
        seq: seq++,
      });
    }
    await tx
      .update(clientTask)
      .set({
        ...(task.status === 'Answered'
          ? {}
          : { status: 'Answered' as const, statusChangedBy: member.userId, statusChangedAt: now }),
        ...(account
          ? {
              clientAccountId: account.accountId,
              clientAccountCode: account.code,
              clientAccountName: account.name,
            }
          : {}),
        updatedAt: now,
        seq: seq++,
      })
      .where(eq(clientTask.id, task.id));
    await recordTaskActivity(deps, member, task, 'task.answered', {
      from: task.status,
      words: answer.length > 0,
      receipts: receipts.length,
      accountId: account?.accountId ?? null,
    });
  }
  if (comments.length > 0) await tx.insert(taskComment).values(comments);
  if (files.length > 0) await tx.insert(taskFile).values(files);
  return { answered: tasks.length };
}
