import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { connectionInputSchema } from '../../lib/hub/contract.ts';
import { user, workspace, workspaceMember, xeroConnection } from '../db/schema/index.ts';
import { type Member, reachOf } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Deps } from './context.ts';
import { notFound } from './problems.ts';

type ConnectionInput = z.output<typeof connectionInputSchema>;

const columns = {
  tenantId: xeroConnection.tenantId,
  organisationName: xeroConnection.organisationName,
  shortCode: xeroConnection.shortCode,
  countryCode: xeroConnection.countryCode,
  monitoredAccounts: xeroConnection.monitoredAccounts,
  health: xeroConnection.health,
  lastSyncAt: xeroConnection.lastSyncAt,
  connectedBy: xeroConnection.connectedBy,
  connectedByName: user.name,
  connectedAt: xeroConnection.connectedAt,
};

type Row = {
  tenantId: string;
  organisationName: string;
  shortCode: string | null;
  countryCode: string | null;
  monitoredAccounts: { accountId: string; name: string }[];
  health: 'healthy' | 'needs attention' | 'disconnected';
  lastSyncAt: Date | null;
  connectedBy: string;
  connectedByName: string;
  connectedAt: Date;
};

const view = (r: Row) => ({
  tenantId: r.tenantId,
  organisationName: r.organisationName,
  shortCode: r.shortCode,
  countryCode: r.countryCode,
  monitoredAccounts: r.monitoredAccounts,
  health: r.health,
  lastSyncAt: r.lastSyncAt?.toISOString() ?? null,
  connectedBy: { userId: r.connectedBy, name: r.connectedByName },
  connectedAt: r.connectedAt.toISOString(),
});

/** The connections the member may see: all of the firm's, or those linked to their workspaces. */
function visible(deps: Deps, member: Member) {
  const own = eq(xeroConnection.firmId, member.firmId);
  if (reachOf('connections.read', member.role) === 'all') return own;
  const theirs = deps.db
    .select({ tenantId: workspace.tenantId })
    .from(workspace)
    .innerJoin(workspaceMember, eq(workspaceMember.workspaceId, workspace.id))
    .where(and(eq(workspace.firmId, member.firmId), eq(workspaceMember.userId, member.userId)));
  return and(own, inArray(xeroConnection.tenantId, theirs));
}

export async function listConnections(deps: Deps, member: Member) {
  const rows = await deps.db
    .select(columns)
    .from(xeroConnection)
    .innerJoin(user, eq(user.id, xeroConnection.connectedBy))
    .where(visible(deps, member))
    .orderBy(asc(xeroConnection.organisationName));
  return rows.map(view);
}

export async function getConnection(deps: Deps, member: Member, tenantId: string) {
  const [row] = await deps.db
    .select(columns)
    .from(xeroConnection)
    .innerJoin(user, eq(user.id, xeroConnection.connectedBy))
    .where(and(visible(deps, member), eq(xeroConnection.tenantId, tenantId)));
  if (!row) throw notFound('Xero connection');
  return view(row);
}

/** Records (or refreshes) what the extension knows of a connection; the first to connect stays "Sent by". */
export async function putConnection(deps: Deps, member: Member, tenantId: string, input: ConnectionInput) {
  const now = deps.clock.now();
  const values = {
    organisationName: input.organisationName,
    shortCode: input.shortCode ?? null,
    // Not sent (an older extension): what the server knows stays.
    ...(input.countryCode === undefined ? {} : { countryCode: input.countryCode }),
    monitoredAccounts: input.monitoredAccounts,
    health: input.health,
    lastSyncAt: input.lastSyncAt ? new Date(input.lastSyncAt) : null,
  };
  await deps.db
    .insert(xeroConnection)
    .values({ firmId: member.firmId, tenantId, ...values, connectedBy: member.userId, connectedAt: now })
    .onConflictDoUpdate({ target: [xeroConnection.firmId, xeroConnection.tenantId], set: values });
  await recordActivity(deps, {
    firmId: member.firmId,
    actorId: member.userId,
    action: 'connection.saved',
    detail: { tenantId, organisationName: input.organisationName },
  });
  return getConnection(deps, member, tenantId);
}

export async function deleteConnection(deps: Deps, member: Member, tenantId: string) {
  const removed = await deps.db
    .delete(xeroConnection)
    .where(and(eq(xeroConnection.firmId, member.firmId), eq(xeroConnection.tenantId, tenantId)))
    .returning({ tenantId: xeroConnection.tenantId });
  if (removed.length === 0) throw notFound('Xero connection');
  await recordActivity(deps, {
    firmId: member.firmId,
    actorId: member.userId,
    action: 'connection.removed',
    detail: { tenantId },
  });
}
