import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { HubAuth } from '../auth.ts';
import { firmMember, user, workspace, workspaceAccount, workspaceMember } from '../db/schema/index.ts';
import { invitationEmail } from '../email/messages.tsx';
import { SIGN_IN_PATH } from '../portal/sign-in.tsx';
import type { Member, WorkspaceRow } from './access.ts';
import { reachOf } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Deps, HubServices } from './context.ts';
import { badRequest, conflict, HubError, notFound } from './problems.ts';
import { createUser, firmName, memberOfFirm } from './users.ts';

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
  const changes = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
  };
  return changeWorkspace(deps, member, current, changes, 'workspace.updated', input);
}

/** Writes a workspace's changed columns and records who changed what in the firm's activity. */
async function changeWorkspace(
  deps: Deps,
  member: Member,
  current: WorkspaceRow,
  changes: Partial<typeof workspace.$inferInsert>,
  action: string,
  detail: Record<string, unknown>,
) {
  const [row] = await deps.db.update(workspace).set(changes).where(eq(workspace.id, current.id)).returning();
  if (!row) throw new Error('update returned nothing');
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: row.id,
    actorId: member.userId,
    action,
    detail: { ...detail },
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
  const rows = await deps.db
    .select({
      userId: user.id,
      name: user.name,
      email: user.email,
      role: firmMember.role,
      addedAt: workspaceMember.createdAt,
      signedIn: user.emailVerified,
    })
    .from(workspaceMember)
    .innerJoin(user, eq(user.id, workspaceMember.userId))
    .innerJoin(firmMember, eq(firmMember.userId, workspaceMember.userId))
    .where(eq(workspaceMember.workspaceId, workspaceId))
    .orderBy(asc(user.email));
  return rows.map(({ signedIn, addedAt, ...row }) => ({
    ...row,
    addedAt: addedAt.toISOString(),
    invitation:
      row.role === 'Client User'
        ? { status: signedIn ? ('signed in' as const) : ('invited' as const) }
        : null,
  }));
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

/**
 * Invites someone from the client business to this workspace and emails them why. Inviting the
 * same address again changes nothing but sends the email again (`created` says which); a client
 * user of the firm can be invited to several of its workspaces.
 */
export async function inviteClient(
  services: HubServices,
  auth: HubAuth,
  member: Member,
  target: WorkspaceRow,
  input: { email: string; name: string },
) {
  const email = input.email.trim().toLowerCase();
  const [existing] = await services.db
    .select({ userId: user.id, firmId: firmMember.firmId, role: firmMember.role })
    .from(user)
    .leftJoin(firmMember, eq(firmMember.userId, user.id))
    .where(eq(user.email, email));
  if (existing && (existing.firmId !== member.firmId || existing.role !== 'Client User')) {
    throw conflict(
      'Someone already uses this email address',
      existing.firmId === member.firmId
        ? 'It belongs to someone in your firm: assign them to the workspace instead of inviting them.'
        : 'Each person has one Client Hub account. Ask the client for another address.',
    );
  }
  const userId =
    existing?.userId ??
    (await createUser(services, auth, member.firmId, { email, name: input.name, role: 'Client User' }))
      .userId;
  const added = await services.db
    .insert(workspaceMember)
    .values({ workspaceId: target.id, userId, createdAt: services.clock.now() })
    .onConflictDoNothing()
    .returning({ userId: workspaceMember.userId });
  const created = added.length > 0;
  await recordActivity(services, {
    firmId: member.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: created ? 'workspace.client-invited' : 'workspace.client-reinvited',
    detail: { userId, email },
  });
  const invited = (await workspaceMembers(services, target.id)).find((m) => m.userId === userId);
  if (!invited) throw new Error('invited client missing');
  const url = `${services.publicUrl}${SIGN_IN_PATH}?email=${encodeURIComponent(email)}`;
  try {
    await services.mailer.send(
      invitationEmail({
        firmName: await firmName(services.db, member.firmId),
        inviterName: member.name,
        workspaceName: target.name,
        clientName: invited.name,
        to: email,
        url,
      }),
    );
  } catch {
    throw new HubError(
      502,
      'The invitation is saved, but its email could not be sent',
      'Check the hub’s mail settings (SMTP_URL), then invite the same address again: that sends the email without inviting twice.',
    );
  }
  return { member: invited, created };
}

/** Signs a client user of this workspace out on every device (a lost phone, someone who left). */
export async function endClientSessions(
  deps: Deps,
  auth: HubAuth,
  member: Member,
  target: WorkspaceRow,
  userId: string,
) {
  const client = (await workspaceMembers(deps, target.id)).find(
    (m) => m.userId === userId && m.role === 'Client User',
  );
  if (!client) throw notFound('Client user');
  const context = await auth.$context;
  await context.internalAdapter.deleteSessions(userId);
  await recordActivity(deps, {
    firmId: member.firmId,
    workspaceId: target.id,
    actorId: member.userId,
    action: 'workspace.client-signed-out',
    detail: { userId, email: client.email },
  });
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
  const changes = {
    ...(input.clientAccountChoice !== undefined ? { clientAccountChoice: input.clientAccountChoice } : {}),
    ...(input.clientAccountIds !== undefined
      ? { clientAccountIds: [...new Set(input.clientAccountIds)] }
      : {}),
  };
  return changeWorkspace(deps, member, target, changes, 'workspace.settings-changed', input);
}
