import type { ClientHubDb } from './database';
import { type Connection, connectionSchema } from './records';

export interface PopupView {
  connections: Connection[];
  /** Open and Answered tasks per workspace (null: a company with no workspace linked yet). */
  openTasks: { workspaceId: string | null; name: string; open: number; answered: number }[];
}

/** What the toolbar popup shows, read through indexes (never a full scan of tasks). */
export async function readPopupView(db: ClientHubDb): Promise<PopupView> {
  const connections = (await db.connections.toArray()).flatMap((row) => {
    const parsed = connectionSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
  const workspaces = await db.workspaces.toArray();
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  const ids = new Set<string | null>([...workspaces.map((w) => w.id)]);
  const openTasks = [];
  for (const workspaceId of ids) {
    if (workspaceId === null) continue;
    const [open, answered] = await Promise.all([
      db.clientTasks.where('[workspaceId+status]').equals([workspaceId, 'Open']).count(),
      db.clientTasks.where('[workspaceId+status]').equals([workspaceId, 'Answered']).count(),
    ]);
    if (open + answered > 0)
      openTasks.push({ workspaceId, name: names.get(workspaceId) ?? 'Workspace', open, answered });
  }
  return { connections, openTasks };
}
