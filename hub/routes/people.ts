import * as wire from '../../lib/hub/contract.ts';
import { createUser, firmName, listFirmUsers } from '../domain/users.ts';
import { route } from './define.ts';

export const peopleRoutes = [
  route({
    method: 'get',
    path: '/api/me',
    action: 'me.read',
    summary: 'Who is signed in, their role and firm',
    responses: { 200: wire.meSchema },
    handle: async ({ services, member }) => ({
      status: 200,
      body: {
        userId: member.userId,
        name: member.name,
        email: member.email,
        role: member.role,
        firm: { id: member.firmId, name: await firmName(services.db, member.firmId) },
      },
    }),
  }),
  route({
    method: 'get',
    path: '/api/users',
    action: 'users.read',
    summary: "The firm's users",
    responses: { 200: wire.firmUserListSchema },
    handle: async ({ services, member }) => ({
      status: 200,
      body: { users: await listFirmUsers(services.db, member.firmId) },
    }),
  }),
  route({
    method: 'post',
    path: '/api/users',
    action: 'users.create',
    summary: 'Add an Admin, Manager or Staff member to the firm',
    body: wire.firmUserInputSchema,
    responses: { 201: wire.firmUserSchema },
    handle: async ({ services, auth, member, body }) => {
      const created = await createUser(services, auth, member.firmId, body);
      return {
        status: 201,
        body: { id: created.userId, name: created.name, email: created.email, role: created.role },
      };
    },
  }),
];
