import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { HubAuth } from '../auth.ts';
import { firmMember, user, workspace, workspaceAccount, workspaceMember } from '../db/schema/index.ts';
import type { Member, WorkspaceRow } from './access.ts';
import { reachOf } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Deps } from './context.ts';
import { badRequest, conflict } from './problems.ts';
import { createUser, memberOfFirm } from './users.ts';

export const workspaceView = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  tenantId: row.tenantId,
  clientAccountChoice: row.clientAccountChoice,
  clientAccountIds: row.clientAccountIds,
  createdAt: row.createdAt.toISOString(),
});

/** The workspaces the member may see: all of the firm's, or only those they belong to. */
export async function listWorkspaces(deps: Deps, member: Member) {
  const reach = reachOf('workspaces.list', member.role);
  const rows =
    reach === 'all'
      ? await deps.db
          .select()
          .from(workspace)
          .where(eq(workspace.firmId, member.firmId))
          .orderBy(asc(workspace.name))
      : await deps.db
          .select({
            id: workspace.id,
            firmId: workspace.firmId,
            name: workspace.name,
            tenantId: workspace.tenantId,
            clientAccountChoice: workspace.clientAccountChoice,
            clientAccountIds: workspace.clientAccountIds,
            createdAt: workspace.createdAt,
          })
          .from(workspace)
          .innerJoin(workspaceMember, eq(workspaceMember.workspaceId, workspace.id))
          .where(and(eq(workspace.firmId, member.firmId), eq(workspaceMember.userId, member.userId)))
          .orderBy(asc(workspace.name));
  return rows.map(workspaceView);
}

const tenantTaken = () =>
  conflict(
    'That Xero organisation already has a workspace',
    'Each Xero organisation links to one workspace. Unlink it from the other workspace first, or pick another organisation.',
  );

async function checkTenantFree(deps: Deps, firmId: string, tenantId: string, exceptWorkspaceId?: string) {
  const [taken] = await deps.db
    .select({ id: workspace.id })
    .from(workspace)
    .where(and(eq(workspace.firmId, firmId), eq(workspace.tenantId, tenantId)));
  if (taken && taken.id !== exceptWorkspaceId) throw tenantTaken();
}

export async function createWorkspace(
  deps: Deps,
  member: Member,
  input: { name: string; tenantId?: string | null | undefined },
) {
  if (input.tenantId) await checkTenantFree(deps, member.firmId, input.tenantId);
  const [row] = await deps.db
    .insert(workspace)
    .values({
      id: randomUUID(),
      firmId: member.firmId,
      name: input.name,
      tenantId: input.tenantId ?? null,
      createdAt: deps.clock.now(),
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: row.id,
    actorId: member.userId,
    action: 'workspace.created',
    detail: { name: row.name, tenantId: row.tenantId },
  });
  return workspaceView(row);
}

export async function updateWorkspace(
  deps: Deps,
  member: Member,
  current: WorkspaceRow,
  input: { name?: string | undefined; tenantId?: string | null | undefined },
) {
  if (input.tenantId) await checkTenantFree(deps, member.firmId, input.tenantId, current.id);
  const [row] = await deps.db
    .update(workspace)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    })
    .where(eq(workspace.id, current.id))
    .returning();
  if (!row) throw new Error('update returned nothing');
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: row.id,
    actorId: member.userId,
    action: 'workspace.updated',
    detail: { ...input },
  });
  return workspaceView(row);
}

export async function deleteWorkspace(deps: Deps, member: Member, current: WorkspaceRow) {
  await deps.db.delete(workspace).where(eq(workspace.id, current.id));
  await recordActivity(deps, {
    firmId: member.firmId,
    actorId: member.userId,
    action: 'workspace.removed',
    detail: { workspaceId: current.id, name: current.name },
  });
}

export async function workspaceMembers(deps: Deps, workspaceId: string) {
  return deps.db
    .select({ userId: user.id, name: user.name, email: user.email, role: firmMember.role })
    .from(workspaceMember)
    .innerJoin(user, eq(user.id, workspaceMember.userId))
    .innerJoin(firmMember, eq(firmMember.userId, workspaceMember.userId))
    .where(eq(workspaceMember.workspaceId, workspaceId))
    .orderBy(asc(user.email));
}

/** Assigns a Staff member (or Manager) of the same firm to the workspace; assigning twice is fine. */
export async function assignStaff(deps: Deps, member: Member, target: WorkspaceRow, userId: string) {
  const found = await memberOfFirm(deps.db, member.firmId, userId);
  if (!found) {
    throw badRequest(
      'No such person in your firm',
      'Pick someone from your firm’s user list, then assign them again.',
    );
  }
  if (found.role === 'Client User') {
    throw badRequest(
      'Clients are invited, not assigned',
      'Use “Invite a client” for people from the client’s business.',
    );
  }
  await deps.db
    .insert(workspaceMember)
    .values({ workspaceId: target.id, userId, createdAt: deps.clock.now() })
    .onConflictDoNothing();
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'workspace.staff-assigned',
    detail: { userId },
  });
  return workspaceMembers(deps, target.id);
}

/** A client user, invited to this one workspace; they sign in by emailed link. */
export async function inviteClient(
  deps: Deps,
  auth: HubAuth,
  member: Member,
  target: WorkspaceRow,
  input: { email: string; name: string },
) {
  const client = await createUser(deps, auth, member.firmId, { ...input, role: 'Client User' });
  await deps.db
    .insert(workspaceMember)
    .values({ workspaceId: target.id, userId: client.userId, createdAt: deps.clock.now() });
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'workspace.client-invited',
    detail: { userId: client.userId, email: client.email },
  });
  return { userId: client.userId, name: client.name, email: client.email, role: client.role };
}

export async function workspaceIdsOf(deps: Deps, userId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ id: workspaceMember.workspaceId })
    .from(workspaceMember)
    .where(eq(workspaceMember.userId, userId));
  return rows.map((r) => r.id);
}

export async function workspacesByIds(deps: Deps, ids: string[]) {
  if (ids.length === 0) return [];
  return deps.db.select().from(workspace).where(inArray(workspace.id, ids));
}

type ChartAccount = { accountId: string; code: string; name: string; type: string };
const chartColumns = {
  accountId: workspaceAccount.accountId,
  code: workspaceAccount.code,
  name: workspaceAccount.name,
  type: workspaceAccount.type,
};

/** Replaces the workspace's chart of accounts with the one the extension read from Xero. */
export async function replaceChart(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  accounts: ChartAccount[],
) {
  // One row per account: Xero never repeats an AccountID, but a hand-made upload might (last wins).
  const byId = new Map(accounts.map((a) => [a.accountId, a]));
  await deps.db.transaction(async (tx) => {
    await tx.delete(workspaceAccount).where(eq(workspaceAccount.workspaceId, target.id));
    if (byId.size > 0) {
      await tx
        .insert(workspaceAccount)
        .values([...byId.values()].map((a) => ({ ...a, workspaceId: target.id })));
    }
  });
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'workspace.chart-replaced',
    detail: { accounts: byId.size },
  });
  return { accounts: await chartOf(deps, target.id) };
}

export async function chartOf(deps: Deps, workspaceId: string): Promise<ChartAccount[]> {
  return deps.db
    .select(chartColumns)
    .from(workspaceAccount)
    .where(eq(workspaceAccount.workspaceId, workspaceId))
    .orderBy(asc(workspaceAccount.code), asc(workspaceAccount.name));
}

/** The accounts a client may pick: none unless the firm turned account choice on; only allowed ones in the chart. */
export async function clientAccounts(deps: Deps, target: WorkspaceRow): Promise<ChartAccount[]> {
  if (!target.clientAccountChoice || target.clientAccountIds.length === 0) return [];
  return deps.db
    .select(chartColumns)
    .from(workspaceAccount)
    .where(
      and(
        eq(workspaceAccount.workspaceId, target.id),
        inArray(workspaceAccount.accountId, target.clientAccountIds),
      ),
    )
    .orderBy(asc(workspaceAccount.code), asc(workspaceAccount.name));
}

export async function updateSettings(
  deps: Deps,
  member: Member,
  target: WorkspaceRow,
  input: { clientAccountChoice?: boolean | undefined; clientAccountIds?: string[] | undefined },
) {
  const [row] = await deps.db
    .update(workspace)
    .set({
      ...(input.clientAccountChoice !== undefined ? { clientAccountChoice: input.clientAccountChoice } : {}),
      ...(input.clientAccountIds !== undefined
        ? { clientAccountIds: [...new Set(input.clientAccountIds)] }
        : {}),
    })
    .where(eq(workspace.id, target.id))
    .returning();
  if (!row) throw new Error('update returned nothing');
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: row.id,
    actorId: member.userId,
    action: 'workspace.settings-changed',
    detail: { ...input },
  });
  return workspaceView(row);
}
