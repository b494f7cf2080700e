import { and, desc, eq, lt } from 'drizzle-orm';
import { activity, user } from '../db/schema/index.ts';
import type { Member } from './access.ts';
import type { Deps } from './context.ts';

export interface ActivityEntry {
  firmId: string;
  workspaceId?: string | null;
  taskId?: string | null;
  actorId: string | null;
  action: string;
  detail?: Record<string, unknown>;
}

export async function recordActivity(deps: Deps, entry: ActivityEntry): Promise<void> {
  await deps.db.insert(activity).values({
    firmId: entry.firmId,
    workspaceId: entry.workspaceId ?? null,
    taskId: entry.taskId ?? null,
    actorId: entry.actorId,
    action: entry.action,
    detail: entry.detail ?? {},
    createdAt: deps.clock.now(),
  });
}

/** Something a member did to one task. */
export function recordTaskActivity(
  deps: Deps,
  member: Member,
  task: { id: string; workspaceId: string },
  action: string,
  detail: Record<string, unknown>,
) {
  return recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: task.workspaceId,
    taskId: task.id,
    actorId: member.userId,
    action,
    detail,
  });
}

/** Newest first, `limit` at a time; `before` pages back. */
export async function workspaceActivity(deps: Deps, workspaceId: string, limit: number, before?: number) {
  const rows = await deps.db
    .select({
      id: activity.id,
      action: activity.action,
      actorId: activity.actorId,
      actorName: user.name,
      taskId: activity.taskId,
      detail: activity.detail,
      createdAt: activity.createdAt,
    })
    .from(activity)
    .leftJoin(user, eq(user.id, activity.actorId))
    .where(
      before === undefined
        ? eq(activity.workspaceId, workspaceId)
        : and(eq(activity.workspaceId, workspaceId), lt(activity.id, before)),
    )
    .orderBy(desc(activity.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actor: r.actorId ? { userId: r.actorId, name: r.actorName ?? '' } : null,
    taskId: r.taskId,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
  }));
}
