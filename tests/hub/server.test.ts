import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRoutes } from '../../hub/app.ts';
import { hubProblemSchema, meSchema, workspaceSchema } from '../../lib/hub/contract.ts';
import {
  caller,
  DATABASE,
  type FirmFixture,
  makeFirm,
  startTestHub,
  type TestHub,
  transaction,
} from './harness.ts';

let hub: TestHub;
let firm: FirmFixture;

beforeAll(async () => {
  hub = await startTestHub({ limits: { jsonBodyBytes: 64 * 1024 } });
  firm = await makeFirm(hub);
});
afterAll(() => hub?.stop());

describe(`hub server basics (${DATABASE})`, () => {
  it('answers /healthz with the database it runs on', async () => {
    const reply = await caller(hub.url, '').request('GET', '/healthz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ok: true, database: DATABASE });
  });

  it('describes every route in /openapi.json, from the same schemas', async () => {
    const reply = await caller(hub.url, '').request<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.0.3');
    for (const def of hubRoutes) {
      const path = def.path.replace(/:(\w+)/g, '{$1}');
      expect(reply.body.paths[path]?.[def.method], `${def.method} ${path}`).toBeDefined();
    }
    const upsert = reply.body.paths['/api/workspaces/{workspaceId}/tasks']?.put as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
    };
    expect(upsert.requestBody.content['application/json'].schema.properties).toHaveProperty('tasks');
  });

  it('says who is signed in', async () => {
    const reply = await firm.users.Manager.request('GET', '/api/me');
    expect(reply.status).toBe(200);
    const me = meSchema.parse(reply.body);
    expect(me).toMatchObject({ role: 'Manager', email: firm.users.Manager.email, firm: { id: firm.firmId } });
  });

  it('answers problems as application/problem+json with a plain title and what to do', async () => {
    const cases = [
      await caller(hub.url, '').request('GET', '/api/me'),
      await firm.users.Admin.request('GET', '/api/no-such-thing'),
      await firm.users.Admin.request('POST', '/api/workspaces', { name: '' }),
      await firm.users.Admin.request('GET', `/api/workspaces/${firm.own.id}/changes?since=-4`),
      await firm.users.Admin.request('POST', '/api/workspaces', 'not json', {
        'content-type': 'application/json',
      }),
    ];
    expect(cases.map((c) => c.status)).toEqual([401, 404, 400, 400, 400]);
    for (const reply of cases) {
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      const problem = hubProblemSchema.parse(reply.body);
      expect(problem.title.length).toBeGreaterThan(5);
      expect(problem.detail.length).toBeGreaterThan(10);
    }
    const invalid = hubProblemSchema.parse(cases[2]?.body);
    expect(invalid.errors?.map((e) => e.path)).toContain('name');
  });

  it('refuses a request body over the limit with 413, and keeps working', async () => {
    const tasks = Array.from({ length: 400 }, () => ({
      transaction: transaction({ Reference: 'x'.repeat(200) }),
    }));
    const reply = await firm.users.Admin.request('PUT', `/api/workspaces/${firm.own.id}/tasks`, { tasks });
    expect(reply.status).toBe(413);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    const after = await firm.users.Admin.request('PUT', `/api/workspaces/${firm.own.id}/tasks`, {
      tasks: [{ transaction: transaction() }],
    });
    expect(after.status).toBe(200);
  });

  it('lets an Admin create, rename, link and remove a workspace', async () => {
    const admin = firm.users.Admin;
    const created = await admin.request('POST', '/api/workspaces', { name: 'Harbour Café' });
    expect(created.status).toBe(201);
    const workspace = workspaceSchema.parse(created.body);
    expect(workspace.tenantId).toBeNull();
    const taken = await admin.request('PATCH', `/api/workspaces/${workspace.id}`, {
      tenantId: firm.own.tenantId,
    });
    expect(taken.status).toBe(409);
    const renamed = await admin.request('PATCH', `/api/workspaces/${workspace.id}`, {
      name: 'Harbour Cafe Ltd',
    });
    expect(renamed.body).toMatchObject({ name: 'Harbour Cafe Ltd' });
    const unlinked = await admin.request('PUT', `/api/workspaces/${workspace.id}/tasks`, {
      tasks: [{ transaction: transaction() }],
    });
    expect(unlinked.status).toBe(409);
    expect(await admin.request('DELETE', `/api/workspaces/${workspace.id}`)).toMatchObject({ status: 204 });
    expect((await admin.request('GET', `/api/workspaces/${workspace.id}`)).status).toBe(404);
  });

  it('keeps Xero connections as metadata, with who connected them', async () => {
    const admin = firm.users.Admin;
    const tenantId = firm.own.tenantId;
    const saved = await admin.request('PUT', `/api/connections/${tenantId}`, {
      organisationName: 'Bob’s Plumbing',
      shortCode: '!bX9k2',
      monitoredAccounts: [{ accountId: 'acc-1', name: 'Business Account' }],
      lastSyncAt: '2026-11-28T10:00:00.000Z',
      accessToken: 'must-not-be-kept',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      organisationName: 'Bob’s Plumbing',
      health: 'healthy',
      connectedBy: { userId: admin.userId, name: 'Ada Admin' },
    });
    expect(JSON.stringify(saved.body)).not.toContain('must-not-be-kept');
    const list = await firm.users.Staff.request<{ connections: { tenantId: string }[] }>(
      'GET',
      '/api/connections',
    );
    expect(list.body.connections.map((c) => c.tenantId)).toEqual([tenantId]);
    expect((await admin.request('DELETE', `/api/connections/${tenantId}`)).status).toBe(204);
    expect((await admin.request('GET', `/api/connections/${tenantId}`)).status).toBe(404);
  });
});
