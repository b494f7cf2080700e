import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, control, exchangeCode, loginAndConsent, mint, start, tenantIds } from './helpers.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await start();
});
afterAll(() => sandbox.close());

interface ConnectionJson {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantType: string;
  tenantName: string;
  createdDateUtc: string;
  updatedDateUtc: string;
}

const list = async (token: string, query = ''): Promise<ConnectionJson[]> =>
  (await (
    await fetch(`${sandbox.url}/connections${query}`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as ConnectionJson[];

describe('/connections', () => {
  it('lists the bare array in Xero shape, with only the app rate-limit header', async () => {
    const tokens = await mint(sandbox, { email: 'staff@sandbox.test' });
    const response = await fetch(`${sandbox.url}/connections`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-appminlimit-remaining')).not.toBeNull();
    expect(response.headers.get('x-minlimit-remaining')).toBeNull();
    const body = (await response.json()) as ConnectionJson[];
    expect(body).toHaveLength(2);
    for (const connection of body) {
      expect(Object.keys(connection).sort()).toEqual(
        [
          'authEventId',
          'createdDateUtc',
          'id',
          'tenantId',
          'tenantName',
          'tenantType',
          'updatedDateUtc',
        ].sort(),
      );
      expect(connection.tenantType).toBe('ORGANISATION');
      expect(connection.createdDateUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/);
    }
  });

  it('filters by authEventId and needs a bearer token', async () => {
    const tokens = await mint(sandbox);
    expect(await list(tokens.access_token, `?authEventId=${tokens.authEventId}`)).toHaveLength(3);
    expect(await list(tokens.access_token, '?authEventId=00000000-0000-4000-8000-000000000000')).toHaveLength(
      0,
    );
    expect((await fetch(`${sandbox.url}/connections`)).status).toBe(401);
  });

  it('connecting an already connected organisation updates the existing connection', async () => {
    const [tenantId = ''] = tenantIds(sandbox);
    const first = await mint(sandbox, { tenantIds: [tenantId], clientId: 'sandbox-test-client' });
    sandbox.clock.advance(5_000);
    const { location, verifier } = await loginAndConsent(sandbox, {
      chooseTenants: (offered) => offered.slice(0, 1).map((o) => o.value),
    });
    const tokens = (await (
      await exchangeCode(sandbox, location.searchParams.get('code') ?? '', verifier)
    ).json()) as { access_token: string };
    const after = await list(tokens.access_token);
    const before = first.connections[0];
    const same = after.find((c) => c.tenantId === tenantId);
    expect(same?.id).toBe(before?.id);
    expect(same?.authEventId).not.toBe(before?.authEventId);
    expect(same?.updatedDateUtc).not.toBe(same?.createdDateUtc);
  });

  it('DELETE removes a connection (204), unknown ids are 404, and the tenant then answers 403', async () => {
    const tokens = await mint(sandbox);
    const [connection] = tokens.connections;
    const remove = (id: string) =>
      fetch(`${sandbox.url}/connections/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    expect((await api(sandbox, tokens.access_token, connection?.tenantId, 'Organisation')).status).toBe(200);
    expect((await remove(connection?.id ?? '')).status).toBe(204);
    expect((await remove(connection?.id ?? '')).status).toBe(404);
    const forbidden = await api(sandbox, tokens.access_token, connection?.tenantId, 'Organisation');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({
      Type: null,
      Title: 'Forbidden',
      Status: 403,
      Detail: 'AuthenticationUnsuccessful',
    });
  });

  it('connections belong to (user, app): another app does not see them', async () => {
    const extension = await mint(sandbox, { email: 'staff@sandbox.test' });
    const other = await mint(sandbox, {
      email: 'staff@sandbox.test',
      clientId: 'sandbox-test-client',
      tenantIds: [],
    });
    expect(await list(other.access_token)).toHaveLength(0);
    expect(
      (await api(sandbox, other.access_token, extension.connections[0]?.tenantId, 'Organisation')).status,
    ).toBe(403);
  });
});

describe('changes made on Xero’s side (control API)', () => {
  it('removing a connection, revoking grants and revoking a user’s access all lead to 403', async () => {
    const [a = '', , c = ''] = tenantIds(sandbox);
    const tokens = await mint(sandbox, { email: 'staff@sandbox.test' });
    const connectionA = tokens.connections.find((x) => x.tenantId === a);
    expect((await control(sandbox, 'DELETE', `/connections/${connectionA?.id}`)).status).toBe(204);
    expect((await api(sandbox, tokens.access_token, a, 'Organisation')).status).toBe(403);

    expect((await api(sandbox, tokens.access_token, c, 'Organisation')).status).toBe(200);
    const revoke = await control(sandbox, 'POST', '/users/access/revoke', {
      email: 'staff@sandbox.test',
      tenantId: c,
    });
    expect(revoke.status).toBe(200);
    expect((await api(sandbox, tokens.access_token, c, 'Organisation')).status).toBe(403);
    expect(await list(tokens.access_token)).toHaveLength(0);
    await control(sandbox, 'POST', '/users/access/grant', { email: 'staff@sandbox.test', tenantId: c });

    const demo = await mint(sandbox);
    const revoked = (await (
      await control(sandbox, 'POST', '/grants/revoke', { email: 'demo@sandbox.test' })
    ).json()) as { revoked: number };
    expect(revoked.revoked).toBeGreaterThan(0);
    expect((await api(sandbox, demo.access_token, a, 'Organisation')).status).toBe(403);
    const refreshed = await fetch(`${sandbox.url}/connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: demo.refresh_token,
        client_id: 'client-hub-sandbox',
      }),
    });
    expect(await refreshed.json()).toEqual({ error: 'invalid_grant' });
  });
});
