import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  clientTask,
  firm,
  taskComment,
  taskFile,
  user,
  workspace,
  workspaceMember,
  xeroConnection,
} from '../db/schema/index.ts';
import type { Member, WorkspaceRow } from './access.ts';
import type { Deps } from './context.ts';
import { notFound } from './problems.ts';

/** What the portal lists: questions to answer, answered ones (still open to additions), finished ones. */
export const PORTAL_VIEWS = {
  open: ['Open'],
  answered: ['Answered'],
  closed: ['Closed', 'Resolved in Xero', 'Cancelled'],
} as const;
export type PortalView = keyof typeof PORTAL_VIEWS;

/** Questions per page: the first screen stays small on a phone even with hundreds open. */
export const PORTAL_PAGE_SIZE = 50;

/** Questions of a workspace in a view's statuses (an index-only count on workspace, status). */
const countIn = (view: PortalView) =>
  sql<number>`(select count(*)::int from ${clientTask} where ${clientTask.workspaceId} = ${workspace.id} and ${clientTask.status} in (${sql.join(
    PORTAL_VIEWS[view].map((status) => sql`${status}`),
    sql`, `,
  )}))`;

/**
 * The businesses the client user was invited to, each with its questions counted by view, and the
 * firm's name: what every portal list page shows, in one query (each query is a round trip, and
 * on the embedded database a costly one).
 */
export async function portalWorkspaces(deps: Deps, member: Member) {
  const rows = await deps.db
    .select({
      workspace,
      firmName: firm.name,
      open: countIn('open'),
      answered: countIn('answered'),
      closed: countIn('closed'),
    })
    .from(workspace)
    .innerJoin(workspaceMember, eq(workspaceMember.workspaceId, workspace.id))
    .innerJoin(firm, eq(firm.id, workspace.firmId))
    .where(and(eq(workspace.firmId, member.firmId), eq(workspaceMember.userId, member.userId)))
    .orderBy(asc(workspace.name));
  // The client's own workspaces (membership is the join): the rows the portal's pages need.
  return rows.map((r) => ({
    ...r.workspace,
    firmName: r.firmName,
    open: r.open,
    counts: { open: r.open, answered: r.answered, closed: r.closed } satisfies Record<PortalView, number>,
  }));
}

/**
 * One page of a view, oldest question first (the one waiting longest). Ties (a batch created at
 * once) go by id in byte order: stable between pages, and no collation-aware sort, which on the
 * embedded database costs more than the rest of the query.
 */
export async function portalQuestions(deps: Deps, target: WorkspaceRow, view: PortalView, page: number) {
  return deps.db
    .select({
      id: clientTask.id,
      status: clientTask.status,
      question: clientTask.question,
      transaction: clientTask.transaction,
      clientAccountCode: clientTask.clientAccountCode,
      clientAccountName: clientTask.clientAccountName,
    })
    .from(clientTask)
    .where(and(eq(clientTask.workspaceId, target.id), inArray(clientTask.status, [...PORTAL_VIEWS[view]])))
    .orderBy(asc(clientTask.createdAt), sql`${clientTask.id} collate "C"`)
    .limit(PORTAL_PAGE_SIZE)
    .offset((page - 1) * PORTAL_PAGE_SIZE);
}

/** One question with the conversation (never the firm's internal notes) and its files. */
export async function portalTask(deps: Deps, target: WorkspaceRow, taskId: string) {
  const [task] = await deps.db
    .select()
    .from(clientTask)
    .where(and(eq(clientTask.id, taskId), eq(clientTask.workspaceId, target.id)));
  if (!task) throw notFound('Question');
  const [comments, files] = await Promise.all([
    deps.db
      .select({
        id: taskComment.id,
        body: taskComment.body,
        authorId: taskComment.authorId,
        authorName: user.name,
        createdAt: taskComment.createdAt,
      })
      .from(taskComment)
      .innerJoin(user, eq(user.id, taskComment.authorId))
      .where(and(eq(taskComment.taskId, task.id), eq(taskComment.internal, false)))
      .orderBy(asc(taskComment.createdAt), asc(taskComment.seq)),
    deps.db
      .select({
        id: taskFile.id,
        fileName: taskFile.fileName,
        size: taskFile.size,
        mimeType: taskFile.mimeType,
        sha256: taskFile.sha256,
      })
      .from(taskFile)
      .where(eq(taskFile.taskId, task.id))
      .orderBy(asc(taskFile.seq)),
  ]);
  return { task, comments, files };
}

/**
 * The business as the portal shows it: with its Xero organisation's country, as the firm's extension
 * last reported it (null when the workspace is not linked or the country was never reported).
 */
export async function portalWorkspace(deps: Deps, target: WorkspaceRow) {
  const [row] = target.tenantId
    ? await deps.db
        .select({ countryCode: xeroConnection.countryCode })
        .from(xeroConnection)
        .where(and(eq(xeroConnection.firmId, target.firmId), eq(xeroConnection.tenantId, target.tenantId)))
    : [];
  return { id: target.id, name: target.name, countryCode: row?.countryCode ?? null };
}
