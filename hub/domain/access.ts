import { and, eq } from 'drizzle-orm';
import type { HubRole } from '../../lib/hub/contract.ts';
import type { HubDb } from '../db/client.ts';
import { workspace, workspaceMember } from '../db/schema/index.ts';
import { forbidden, notFound } from './problems.ts';

/**
 * Who may do what, in one table. Every route names one action, and the route layer asks
 * `authorize` before it does anything; tests/hub/authorization-matrix.test.ts reads this table and
 * the app's route list.
 *
 * Reach: `all` = every workspace of the user's own firm; `assigned` = only workspaces the user is
 * a member of (staff assigned to it, client users invited to it), and on a firm-wide action only
 * what belongs to those workspaces; `none` = not at all. Another firm is never reachable.
 *
 * Managers run the team: they see every workspace, assign staff and invite clients, and work on
 * tasks anywhere; they do not change the firm's setup (users, workspaces, Xero connections), which
 * is for Admins.
 */
export type Reach = 'all' | 'assigned' | 'none';
type Rule = { scope: 'firm' | 'workspace'; summary: string } & Record<HubRole, Reach>;

const everyone = { Admin: 'all', Manager: 'all', Staff: 'assigned', 'Client User': 'assigned' } as const;
const firmStaff = { Admin: 'all', Manager: 'all', Staff: 'assigned', 'Client User': 'none' } as const;
const managers = { Admin: 'all', Manager: 'all', Staff: 'none', 'Client User': 'none' } as const;
const admins = { Admin: 'all', Manager: 'none', Staff: 'none', 'Client User': 'none' } as const;
/** The client portal is the client's own: the firm works in the extension, not as a client. */
const clientsOnly = { Admin: 'none', Manager: 'none', Staff: 'none', 'Client User': 'assigned' } as const;

export const PERMISSIONS = {
  'me.read': {
    scope: 'firm',
    summary: 'see who you are',
    Admin: 'all',
    Manager: 'all',
    Staff: 'all',
    'Client User': 'all',
  },
  'users.read': { scope: 'firm', summary: "see the firm's users", ...managers },
  'users.create': { scope: 'firm', summary: 'add users to the firm', ...admins },
  'workspaces.list': { scope: 'firm', summary: 'list workspaces', ...everyone },
  'workspaces.create': { scope: 'firm', summary: 'create workspaces', ...admins },
  // Staff see the connections of the workspaces assigned to them (reach on a firm action filters).
  'connections.read': { scope: 'firm', summary: 'see Xero connections', ...firmStaff },
  'connections.write': { scope: 'firm', summary: 'change Xero connections', ...admins },
  'workspace.read': { scope: 'workspace', summary: 'see this workspace', ...everyone },
  'workspace.update': { scope: 'workspace', summary: 'change this workspace', ...admins },
  'workspace.delete': { scope: 'workspace', summary: 'remove this workspace', ...admins },
  'workspace.members.read': { scope: 'workspace', summary: "see this workspace's people", ...firmStaff },
  'workspace.staff.assign': { scope: 'workspace', summary: 'assign staff to this workspace', ...managers },
  // Staff invite the clients of the workspaces they work on, and can sign them out everywhere.
  'workspace.clients.invite': {
    scope: 'workspace',
    summary: 'invite clients to this workspace',
    ...firmStaff,
  },
  'workspace.clients.sign-out': {
    scope: 'workspace',
    summary: "end a client user's sign-in sessions",
    ...firmStaff,
  },
  'workspace.activity.read': { scope: 'workspace', summary: "see this workspace's activity", ...firmStaff },
  'tasks.upsert': { scope: 'workspace', summary: 'send Client Tasks to this workspace', ...firmStaff },
  'tasks.read': { scope: 'workspace', summary: 'see Client Tasks', ...everyone },
  'task.status': { scope: 'workspace', summary: "change a Client Task's status", ...everyone },
  'comments.write': { scope: 'workspace', summary: 'comment on Client Tasks', ...everyone },
  'files.write': { scope: 'workspace', summary: 'attach files to Client Tasks', ...everyone },
  'reminders.read': { scope: 'workspace', summary: "see this workspace's email reminders", ...firmStaff },
  'reminders.manage': {
    scope: 'workspace',
    summary: 'schedule and send email reminders to this workspace’s clients',
    ...firmStaff,
  },
  // The extension uploads the chart it synced; which accounts a client may pick is the managers' call.
  'workspace.chart.write': {
    scope: 'workspace',
    summary: "upload this workspace's chart of accounts",
    ...firmStaff,
  },
  'workspace.settings.write': {
    scope: 'workspace',
    summary: "change what this workspace's clients may do in the portal",
    ...managers,
  },
  'portal.home': { scope: 'firm', summary: 'open the client portal', ...clientsOnly },
  'portal.read': {
    scope: 'workspace',
    summary: "see this business's questions in the portal",
    ...clientsOnly,
  },
  'portal.answer': {
    scope: 'workspace',
    summary: "answer this business's questions in the portal",
    ...clientsOnly,
  },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;

export interface Member {
  userId: string;
  name: string;
  email: string;
  firmId: string;
  role: HubRole;
}

export interface WorkspaceRow {
  id: string;
  firmId: string;
  name: string;
  tenantId: string | null;
  clientAccountChoice: boolean;
  clientAccountIds: string[];
  createdAt: Date;
}

export function reachOf(action: Action, role: HubRole): Reach {
  return PERMISSIONS[action][role];
}

/** Firm-wide actions: allowed or not. Throws 403 when not. */
export function authorizeFirm(member: Member, action: Action): Reach {
  const reach = reachOf(action, member.role);
  if (reach === 'none') throw forbidden(PERMISSIONS[action].summary);
  return reach;
}

/**
 * Workspace actions: the workspace, when the member may do `action` on it. A workspace the member
 * cannot see at all (another firm's, or one they are not assigned to) is "not found", so its
 * existence is not given away; one they can see but not change is 403.
 */
export async function authorizeWorkspace(
  db: HubDb,
  member: Member,
  action: Action,
  workspaceId: string,
): Promise<WorkspaceRow> {
  const [row] = await db
    .select()
    .from(workspace)
    .where(and(eq(workspace.id, workspaceId), eq(workspace.firmId, member.firmId)));
  if (!row) throw notFound('Workspace');
  const seeing = reachOf('workspace.read', member.role);
  const doing = reachOf(action, member.role);
  const needsMembership = seeing === 'assigned' || doing === 'assigned';
  const isMember = needsMembership ? await isWorkspaceMember(db, workspaceId, member.userId) : false;
  if (seeing === 'none' || (seeing === 'assigned' && !isMember)) throw notFound('Workspace');
  if (doing === 'none' || (doing === 'assigned' && !isMember)) throw forbidden(PERMISSIONS[action].summary);
  return row;
}

async function isWorkspaceMember(db: HubDb, workspaceId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ userId: workspaceMember.userId })
    .from(workspaceMember)
    .where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.userId, userId)))
    .limit(1);
  return rows.length > 0;
}

/** Client Users see only the fields meant for clients. */
export const seesClientView = (member: Member) => member.role === 'Client User';
