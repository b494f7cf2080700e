import * as wire from '../../lib/hub/contract.ts';
import { deleteConnection, getConnection, listConnections, putConnection } from '../domain/connections.ts';
import { route } from './define.ts';

const C = '/api/connections/:tenantId';

export const connectionRoutes = [
  route({
    method: 'get',
    path: '/api/connections',
    action: 'connections.read',
    summary: "The firm's Xero connections (metadata only; tokens stay in each browser)",
    responses: { 200: wire.connectionListSchema },
    handle: async ({ services, member }) => ({
      status: 200,
      body: { connections: await listConnections(services, member) },
    }),
  }),
  route({
    method: 'get',
    path: C,
    action: 'connections.read',
    summary: 'One Xero connection',
    responses: { 200: wire.connectionSchema },
    handle: async ({ services, member, params }) => ({
      status: 200,
      body: await getConnection(services, member, params.tenantId ?? ''),
    }),
  }),
  route({
    method: 'put',
    path: C,
    action: 'connections.write',
    summary: 'Record or refresh a Xero connection',
    body: wire.connectionInputSchema,
    responses: { 200: wire.connectionSchema },
    handle: async ({ services, member, params, body }) => ({
      status: 200,
      body: await putConnection(services, member, params.tenantId ?? '', body),
    }),
  }),
  route({
    method: 'delete',
    path: C,
    action: 'connections.write',
    summary: 'Forget a Xero connection',
    responses: { 204: null },
    handle: async ({ services, member, params }) => {
      await deleteConnection(services, member, params.tenantId ?? '');
      return { status: 204, body: null };
    },
  }),
];
