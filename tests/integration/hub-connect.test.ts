import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { activity, firmMember } from '@/hub/db/schema/index';
import { HUB_SESSION_KEY, hubSessionStore } from '@/lib/hub/session';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { type FirmFixture, makeFirm, PASSWORD, startTestHub, type TestHub } from '../support/hub';
import { startTcpProxy } from '../support/tcp-proxy';
import { problemOf, startTestBackground } from './support/background';
import { demoUserOrganisations, signInWithForms } from './support/sign-in';

/**
 * The extension's background against a real Client Hub server (in-process, PGlite) and the Xero
 * sandbox, over HTTP: sign-in, roles from the server, a refused or unreachable server, sign-out.
 */
let sandbox: Sandbox;
let hub: TestHub;
beforeAll(async () => {
  [sandbox, hub] = await Promise.all([startSandbox({ port: 0, seed: 5, scale: 20 }), startTestHub()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([sandbox?.close(), hub?.stop()]);
});

function background(options: Partial<Parameters<typeof startTestBackground>[0]> = {}) {
  return startTestBackground({
    sandboxUrl: sandbox.url,
    launchSignIn: async (url) => signInWithForms(url, {}),
    ...options,
  });
}

type Background = ReturnType<typeof background>;
const signInAs = (t: Background, email: string, url = hub.url) =>
  t.ask({ type: 'hub.signIn', url, email, password: PASSWORD });

describe('connecting the extension to the firm’s Client Hub server', () => {
  let firm: FirmFixture;
  beforeAll(async () => {
    firm = await makeFirm(hub);
  }, 60_000);

  test('sign-in keeps the token in the extension database only; name and role come from the server', async () => {
    const t = background();
    const state = await signInAs(t, firm.users.Admin.email, `${hub.url}/some/page`);
    expect(state).toMatchObject({
      connected: true,
      url: hub.url,
      user: { name: 'Ada Admin', email: firm.users.Admin.email, role: 'Admin' },
      signInRefused: false,
    });
    const stored = await hubSessionStore(t.db.settings).load();
    expect(stored?.token).toBeTruthy();
    // The token works on the server, and no reply to a page carries it.
    const me = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${stored?.token}` } });
    expect(me.status).toBe(200);
    const setup = await t.ask({ type: 'setup.state' });
    expect(JSON.stringify([state, setup])).not.toContain(stored?.token ?? '∅');
    expect(setup.firmUser).toEqual({ name: 'Ada Admin', email: firm.users.Admin.email, role: 'admin' });
    // The first-run form cannot change who this is once the server says so.
    const refused = await problemOf(
      t.ask({ type: 'setup.saveFirmUser', user: { name: 'Me', email: 'me@x.test', role: 'admin' } }),
    );
    expect(refused.code).toBe('role-from-server');
  });

  test('a wrong password, a client’s account and a non-https address are refused in plain words', async () => {
    const t = background();
    const wrong = await problemOf(
      t.ask({ type: 'hub.signIn', url: hub.url, email: firm.users.Admin.email, password: 'not it at all' }),
    );
    expect(wrong).toMatchObject({ code: 'hub-wrong-password', title: 'Email or password not recognised' });
    const client = await problemOf(signInAs(t, firm.users['Client User'].email));
    expect(client.title).toBe('This is a client’s account');
    const plain = await problemOf(signInAs(t, firm.users.Admin.email, 'http://hub.example.test'));
    expect(plain.code).toBe('hub-invalid-request');
    expect(plain.action).toMatch(/https:\/\//);
    expect(await hubSessionStore(t.db.settings).load()).toBeNull();
    expect((await t.ask({ type: 'hub.state' })).connected).toBe(false);
  });

  test('without the browser’s permission for the server’s origin, nothing is sent', async () => {
    const asked: string[] = [];
    const t = background({
      hasOriginPermission: async (origin) => {
        asked.push(origin);
        return false;
      },
    });
    const problem = await problemOf(signInAs(t, firm.users.Admin.email));
    expect(problem.title).toBe('Client Hub may not reach that server yet');
    expect(asked).toEqual([hub.url]);
  });

  test('the server’s role gates every Admin-only message: Manager and Staff are not Admins here', async () => {
    for (const role of ['Manager', 'Staff'] as const) {
      const t = background();
      const state = await signInAs(t, firm.users[role].email);
      expect(state.user?.role).toBe(role);
      expect((await t.ask({ type: 'setup.state' })).firmUser?.role).toBe('staff');
      for (const request of [
        { type: 'connections.add' as const },
        { type: 'connections.refresh' as const, tenantId: 'x' },
        { type: 'connections.remove' as const, tenantId: 'x' },
        { type: 'connections.linkWorkspace' as const, tenantId: 'x', choice: { newWorkspaceName: 'n' } },
        {
          type: 'sync.savePreferences' as const,
          preferences: { intervalMinutes: 30, starterApp: false },
        },
      ]) {
        const problem = await problemOf(t.ask(request as never));
        expect(problem.code, `${role} ${request.type}`).toBe('admin-only');
        expect(problem.message).toContain(`role ${role}`);
      }
    }
  });

  test('a role changed on the server takes effect at the next check', async () => {
    const other = await makeFirm(hub);
    const t = background();
    await signInAs(t, other.users.Staff.email);
    expect((await problemOf(t.ask({ type: 'connections.remove', tenantId: 'x' }))).code).toBe('admin-only');
    await hub.services.db
      .update(firmMember)
      .set({ role: 'Admin' })
      .where(eq(firmMember.userId, other.users.Staff.userId));
    const checked = await t.ask({ type: 'hub.check' });
    expect(checked.user?.role).toBe('Admin');
    // Now past the role check: Remove asks for a company this browser does not have.
    expect((await problemOf(t.ask({ type: 'connections.remove', tenantId: 'x' }))).code).not.toBe(
      'admin-only',
    );
    // And back: an Admin demoted on the server loses setup changes here.
    await hub.services.db
      .update(firmMember)
      .set({ role: 'Staff' })
      .where(eq(firmMember.userId, other.users.Staff.userId));
    t.fireAlarm('client-hub-schedule');
    await expect
      .poll(async () => (await t.ask({ type: 'hub.state' })).user?.role, { timeout: 20_000 })
      .toBe('Staff');
  });

  test('a server that refuses the sign-in (revoked): plain words, local work kept, sign in again', async () => {
    const t = background();
    await signInAs(t, firm.users.Admin.email);
    // Local work that is not on the server yet.
    await t.db.settings.put({ key: 'unsent-marker', value: 'kept' });
    const token = (await hubSessionStore(t.db.settings).load())?.token ?? '';
    const out = await fetch(`${hub.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    const state = await t.ask({ type: 'hub.check' });
    expect(state).toMatchObject({ connected: true, signInRefused: true });
    const problem = await problemOf(t.ask({ type: 'connections.add' }));
    expect(problem).toMatchObject({
      code: 'hub-sign-in-refused',
      title: 'Sign in to the Client Hub server again',
    });
    expect(problem.message).toContain(firm.users.Admin.email);
    expect(problem.action).toMatch(/stays on this computer/);
    expect((await t.ask({ type: 'setup.state' })).firmUser?.role).toBe('staff');
    expect((await t.db.settings.get('unsent-marker'))?.value).toBe('kept');
    const again = await signInAs(t, firm.users.Admin.email);
    expect(again.signInRefused).toBe(false);
    expect((await t.ask({ type: 'setup.state' })).firmUser?.role).toBe('admin');
  });

  test('an unreachable server keeps the sign-in and the last confirmed role, and says so', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(hub.url).port) });
    try {
      const t = background();
      await signInAs(t, firm.users.Admin.email, `http://127.0.0.1:${proxy.port}`);
      await proxy.cut();
      const state = await t.ask({ type: 'hub.check' });
      expect(state.connected).toBe(true);
      expect(state.signInRefused).toBe(false);
      expect(state.problem).toMatchObject({
        code: 'hub-unreachable',
        title: 'The Client Hub server cannot be reached',
      });
      expect(state.problem?.action).toMatch(/stays on this computer/);
      expect((await t.ask({ type: 'setup.state' })).firmUser?.role).toBe('admin');
      expect((await problemOf(t.ask({ type: 'hub.connections' }))).code).toBe('hub-unreachable');
      // Back again: the next check clears the problem.
      await proxy.restore();
      expect((await t.ask({ type: 'hub.check' })).problem).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  test('sign-out ends the sign-in on the server, forgets the token here and keeps local data', async () => {
    const t = background();
    await signInAs(t, firm.users.Manager.email);
    const token = (await hubSessionStore(t.db.settings).load())?.token ?? '';
    await t.db.settings.put({ key: 'unsent-marker', value: 'kept' });
    const state = await t.ask({ type: 'hub.signOut' });
    expect(state.connected).toBe(false);
    expect(await t.db.settings.get(HUB_SESSION_KEY)).toBeUndefined();
    expect((await t.db.settings.get('unsent-marker'))?.value).toBe('kept');
    const me = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    // Back to local use: the first-run form's user (none yet).
    expect((await t.ask({ type: 'setup.state' })).firmUser).toBeNull();
  });
});

describe('the firm’s integration table', () => {
  test('an Admin’s Xero companies reach the server (never a token); a colleague sees them synced by someone else', async () => {
    const firm = await makeFirm(hub);
    const [org] = await demoUserOrganisations(sandbox);
    if (!org) throw new Error('sandbox has no organisations');
    const ada = background({ launchSignIn: (url) => signInWithForms(url, { organisations: [org.name] }) });
    await signInAs(ada, firm.users.Admin.email);
    const added = await ada.ask({ type: 'connections.add' });
    expect(added.added.map((c) => c.tenantId)).toEqual([org.tenantId]);
    const onServer = async () =>
      (
        await firm.users.Admin.request<{ connections: { tenantId: string; countryCode: string | null }[] }>(
          'GET',
          '/api/connections',
        )
      ).body.connections;
    // Reported in the background after the sign-in answers.
    await expect
      .poll(async () => (await onServer()).map((c) => c.tenantId), { timeout: 30_000 })
      .toContain(org.tenantId);
    // With Xero's CountryCode of the organisation: the portal writes amounts as in that country.
    await expect
      .poll(async () => (await onServer()).find((c) => c.tenantId === org.tenantId)?.countryCode, {
        timeout: 30_000,
      })
      .toBe(org.countryCode);
    const grant = (await ada.db.grants.toArray())[0];
    const stored = JSON.stringify(await onServer());
    expect(stored).not.toContain(grant?.accessToken ?? '∅');
    expect(stored).not.toContain(grant?.refreshToken ?? '∅');

    const mine = (await ada.ask({ type: 'hub.connections' })).rows;
    expect(mine).toEqual([
      expect.objectContaining({
        tenantId: org.tenantId,
        syncedHere: true,
        onServer: true,
        connectedBy: 'Ada Admin',
      }),
    ]);

    // Health checks report again only what changed: no new line in the firm's activity each time.
    const saves = async () =>
      (
        await hub.services.db
          .select()
          .from(activity)
          .where(and(eq(activity.firmId, firm.firmId), eq(activity.action, 'connection.saved')))
      ).length;
    const before = await saves();
    await ada.ask({ type: 'connections.check' });
    await ada.ask({ type: 'connections.check' });
    expect(await saves()).toBe(before);

    // A colleague's browser (Manager, no Xero sign-in) sees the same company, synced by a colleague.
    const max = background();
    await signInAs(max, firm.users.Manager.email);
    const theirs = (await max.ask({ type: 'hub.connections' })).rows;
    expect(theirs).toEqual([
      expect.objectContaining({
        tenantId: org.tenantId,
        syncedHere: false,
        connectedBy: 'Ada Admin',
        health: 'healthy',
      }),
    ]);
    // Read-only for them: the server refuses, and the background never asks.
    expect((await problemOf(max.ask({ type: 'connections.remove', tenantId: org.tenantId }))).code).toBe(
      'admin-only',
    );

    // Linking to a workspace uses the server's workspaces.
    const linked = await ada.ask({
      type: 'connections.linkWorkspace',
      tenantId: org.tenantId,
      choice: { newWorkspaceName: 'Linked on the server' },
    });
    const workspaces = (await max.ask({ type: 'hub.workspaces' })).workspaces;
    expect(workspaces).toContainEqual({
      id: linked.workspaceId,
      name: 'Linked on the server',
      tenantId: org.tenantId,
    });
    expect((await ada.db.connections.get(org.tenantId))?.workspaceId).toBe(linked.workspaceId);

    // Remove here: the firm's table forgets it too.
    const removed = await ada.ask({ type: 'connections.remove', tenantId: org.tenantId });
    expect(removed.state).toBe('removed');
    await expect.poll(async () => (await onServer()).length, { timeout: 30_000 }).toBe(0);
  });

  test('a Remove retried after Xero was unreachable deletes the company on the server too, even when the server was down then', async () => {
    const firm = await makeFirm(hub);
    const [org] = await demoUserOrganisations(sandbox);
    if (!org) throw new Error('sandbox has no organisations');
    let xeroDown = false;
    let hubDown = false;
    const via: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (xeroDown && !url.startsWith(hub.url)) return Promise.reject(new TypeError('fetch failed'));
      if (hubDown && url.startsWith(hub.url)) return Promise.reject(new TypeError('fetch failed'));
      return fetch(input, init);
    };
    const ada = background({
      fetch: via,
      launchSignIn: (url) => signInWithForms(url, { organisations: [org.name] }),
    });
    await signInAs(ada, firm.users.Admin.email);
    await ada.ask({ type: 'connections.add' });
    const onServer = async () =>
      (
        await firm.users.Admin.request<{ connections: { tenantId: string }[] }>('GET', '/api/connections')
      ).body.connections.map((c) => c.tenantId);
    await expect.poll(onServer, { timeout: 30_000 }).toEqual([org.tenantId]);

    // Xero cannot be reached: the Remove waits, and the firm's table keeps the company meanwhile.
    xeroDown = true;
    expect((await ada.ask({ type: 'connections.remove', tenantId: org.tenantId })).state).toBe('queued');
    expect(await onServer()).toEqual([org.tenantId]);

    // Xero is back but the server is not: the next check finishes the Remove here and keeps the
    // server's part for later.
    xeroDown = false;
    hubDown = true;
    await ada.ask({ type: 'connections.check' });
    expect(await ada.db.pendingRemovals.count()).toBe(0);
    expect(await ada.db.connections.get(org.tenantId)).toBeUndefined();
    expect(await onServer()).toEqual([org.tenantId]);
    expect((await ada.db.settings.get('hubCompaniesToForget'))?.value).toEqual([org.tenantId]);

    // The server is back: the next check deletes it there, once.
    hubDown = false;
    await ada.ask({ type: 'connections.check' });
    expect(await onServer()).toEqual([]);
    expect(await ada.db.settings.get('hubCompaniesToForget')).toBeUndefined();
  });

  test('Staff see only the companies of their workspaces, read-only', async () => {
    const firm = await makeFirm(hub);
    for (const [tenantId, name] of [
      [firm.own.tenantId, 'Assigned Ltd'],
      [firm.other.tenantId, 'Not Theirs Ltd'],
    ] as const) {
      const put = await firm.users.Admin.request('PUT', `/api/connections/${tenantId}`, {
        organisationName: name,
      });
      expect(put.status).toBe(200);
    }
    const sam = background();
    await signInAs(sam, firm.users.Staff.email);
    const rows = (await sam.ask({ type: 'hub.connections' })).rows;
    expect(rows.map((r) => [r.organisationName, r.syncedHere])).toEqual([['Assigned Ltd', false]]);
    expect(
      (
        await problemOf(
          sam.ask({
            type: 'connections.linkWorkspace',
            tenantId: firm.own.tenantId,
            choice: { workspaceId: firm.own.id },
          }),
        )
      ).code,
    ).toBe('admin-only');
  });
});
