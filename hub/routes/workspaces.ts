import { z } from 'zod';
import * as wire from '../../lib/hub/contract.ts';
import { workspaceActivity } from '../domain/activity.ts';
import {
  assignStaff,
  createWorkspace,
  deleteWorkspace,
  endClientSessions,
  inviteClient,
  listWorkspaces,
  replaceChart,
  updateSettings,
  updateWorkspace,
  workspaceMembers,
  workspaceView,
} from '../domain/workspaces.ts';
import { route } from './define.ts';

const W = '/api/workspaces/:workspaceId';

export const workspaceRoutes = [
  route({
    method: 'get',
    path: '/api/workspaces',
    action: 'workspaces.list',
    summary: 'The workspaces you may see',
    responses: { 200: wire.workspaceListSchema },
    handle: async ({ services, member }) => ({
      status: 200,
      body: { workspaces: await listWorkspaces(services, member) },
    }),
  }),
  route({
    method: 'post',
    path: '/api/workspaces',
    action: 'workspaces.create',
    summary: 'Create a workspace for a client business',
    body: wire.workspaceInputSchema,
    responses: { 201: wire.workspaceSchema },
    handle: async ({ services, member, body }) => ({
      status: 201,
      body: await createWorkspace(services, member, body),
    }),
  }),
  route({
    method: 'get',
    path: W,
    action: 'workspace.read',
    summary: 'One workspace',
    responses: { 200: wire.workspaceSchema },
    handle: async ({ workspace }) => ({ status: 200, body: workspaceView(workspace) }),
  }),
  route({
    method: 'patch',
    path: W,
    action: 'workspace.update',
    summary: 'Rename a workspace or change its Xero organisation',
    body: wire.workspaceUpdateSchema,
    responses: { 200: wire.workspaceSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: await updateWorkspace(services, member, workspace, body),
    }),
  }),
  route({
    method: 'delete',
    path: W,
    action: 'workspace.delete',
    summary: 'Remove a workspace and its tasks',
    responses: { 204: null },
    handle: async ({ services, member, workspace }) => {
      await deleteWorkspace(services, member, workspace);
      return { status: 204, body: null };
    },
  }),
  route({
    method: 'get',
    path: `${W}/members`,
    action: 'workspace.members.read',
    summary: 'Staff assigned to the workspace, and clients invited to it with their invitation status',
    responses: { 200: wire.workspaceMembersSchema },
    handle: async ({ services, workspace }) => ({
      status: 200,
      body: { members: await workspaceMembers(services, workspace.id) },
    }),
  }),
  route({
    method: 'post',
    path: `${W}/staff`,
    action: 'workspace.staff.assign',
    summary: 'Assign a member of the firm to the workspace',
    body: wire.staffAssignmentSchema,
    responses: { 200: wire.workspaceMembersSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: { members: await assignStaff(services, member, workspace, body.userId) },
    }),
  }),
  route({
    method: 'post',
    path: `${W}/clients`,
    action: 'workspace.clients.invite',
    summary:
      'Invite someone from the client business and email them why (they sign in by emailed link); inviting the same address again only sends the email again (200)',
    body: wire.clientInviteSchema,
    responses: { 201: wire.workspaceMemberSchema, 200: wire.workspaceMemberSchema },
    handle: async ({ services, auth, member, workspace, body }) => {
      const invited = await inviteClient(services, auth, member, workspace, body);
      return { status: invited.created ? 201 : 200, body: invited.member };
    },
  }),
  route({
    method: 'delete',
    path: `${W}/clients/:userId/sessions`,
    action: 'workspace.clients.sign-out',
    summary: 'Sign a client user of the workspace out on every device',
    responses: { 204: null },
    handle: async ({ services, auth, member, workspace, params }) => {
      await endClientSessions(services, auth, member, workspace, params.userId ?? '');
      return { status: 204, body: null };
    },
  }),
  route({
    method: 'get',
    path: `${W}/activity`,
    action: 'workspace.activity.read',
    summary: 'What happened in the workspace, newest first',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.coerce.number().int().positive().optional(),
    }),
    responses: { 200: wire.activityListSchema },
    handle: async ({ services, workspace, query }) => ({
      status: 200,
      body: { activity: await workspaceActivity(services, workspace.id, query.limit, query.before) },
    }),
  }),
  route({
    method: 'put',
    path: `${W}/chart`,
    action: 'workspace.chart.write',
    summary: "Replace the workspace's chart of accounts (the extension uploads it from Xero)",
    body: wire.chartInputSchema,
    responses: { 200: wire.chartSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: await replaceChart(services, member, workspace, body.accounts),
    }),
  }),
  route({
    method: 'put',
    path: `${W}/settings`,
    action: 'workspace.settings.write',
    summary: 'Whether the client picks an account in the portal, and from which accounts',
    body: wire.workspaceSettingsSchema,
    responses: { 200: wire.workspaceSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: await updateSettings(services, member, workspace, body),
    }),
  }),
];
