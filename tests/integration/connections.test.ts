import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SANDBOX_CLIENT_ID } from '@/lib/config/sandbox-build';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { problemOf, startTestBackground } from './support/background';
import { demoUserOrganisations, type SignInAnswer, signInWithForms } from './support/sign-in';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, scale: 50 });
});
afterAll(async () => {
  await sandbox?.close();
});

const admin = { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' as const };

/** A background whose Xero sign-in window is answered by `answers`, one per sign-in, in order. */
function backgroundAnswering(
  answers: SignInAnswer[],
  extra: Partial<Parameters<typeof startTestBackground>[0]> = {},
) {
  const queue = [...answers];
  return startTestBackground({
    sandboxUrl: sandbox.url,
    launchSignIn: (url) => signInWithForms(url, queue.shift() ?? {}),
    ...extra,
  });
}

/** The demo user's organisations (what the consent screen lists), from the sandbox's control API. */
async function consentNames(): Promise<{ name: string; tenantId: string }[]> {
  return demoUserOrganisations(sandbox);
}

/** Node's fetch, except that Xero's revocation endpoint is unreachable while `down` is set. */
function revocationOutage() {
  const outage = {
    down: false,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      outage.down && String(input instanceof Request ? input.url : input).includes('/connect/revocation')
        ? Promise.reject(new TypeError('fetch failed'))
        : fetch(input, init),
  };
  return outage;
}

/** What Xero answers to a refresh with this token (400 once it is revoked). */
async function refreshStatus(refreshToken: string): Promise<number> {
  const response = await fetch(`${sandbox.url}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: SANDBOX_CLIENT_ID,
    }),
  });
  return response.status;
}

describe('connecting Xero companies', () => {
  test('an Admin ticks two organisations in one consent and gets two healthy rows sent by them', async () => {
    const orgs = (await consentNames()).slice(0, 2);
    const t = backgroundAnswering([{ organisations: orgs.map((o) => o.name) }]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    const result = await t.ask({ type: 'connections.add' });
    expect(result.added.map((c) => c.tenantId).sort()).toEqual(orgs.map((o) => o.tenantId).sort());
    const rows = await t.db.connections.toArray();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.health.state).toBe('healthy');
      expect(row.sentBy).toEqual({ name: admin.name, email: admin.email });
      expect(row.organisation?.shortCode).toMatch(/^!/);
      expect(row.grantId).toBeTruthy();
    }
    // Both rows share one sign-in.
    expect(new Set(rows.map((r) => r.grantId)).size).toBe(1);
    expect(JSON.stringify(result)).not.toContain((await t.db.grants.toArray())[0]?.accessToken);
  });

  test('connecting a company that is already connected refreshes its row instead of adding one', async () => {
    const [first] = await consentNames();
    if (!first) throw new Error('sandbox has no organisations');
    const t = backgroundAnswering([{ organisations: [first.name] }, { organisations: [first.name] }]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    await t.ask({
      type: 'connections.linkWorkspace',
      tenantId: first.tenantId,
      choice: { newWorkspaceName: 'Kept' },
    });
    const again = await t.ask({ type: 'connections.add' });
    expect(again.added).toEqual([]);
    expect(again.refreshed.map((c) => c.tenantId)).toEqual([first.tenantId]);
    const rows = await t.db.connections.toArray();
    expect(rows).toHaveLength(1);
    expect((await t.db.workspaces.get(rows[0]?.workspaceId ?? ''))?.name).toBe('Kept');
  });

  test('Staff cannot add, refresh, remove or relink', async () => {
    const t = backgroundAnswering([]);
    await t.ask({ type: 'setup.saveFirmUser', user: { ...admin, role: 'staff' } });
    for (const request of [
      { type: 'connections.add' as const },
      { type: 'connections.refresh' as const, tenantId: 'x' },
      { type: 'connections.remove' as const, tenantId: 'x' },
      { type: 'connections.linkWorkspace' as const, tenantId: 'x', choice: { newWorkspaceName: 'n' } },
    ]) {
      expect((await problemOf(t.ask(request))).code).toBe('admin-only');
    }
  });

  test('a role fixed by managed storage wins over the first-run choice', async () => {
    const t = backgroundAnswering([], { managed: { role: 'staff' } });
    const state = await t.ask({ type: 'setup.saveFirmUser', user: admin });
    expect(state.firmUser?.role).toBe('staff');
    expect(state.managedRole).toBe('staff');
    expect((await problemOf(t.ask({ type: 'connections.add' }))).code).toBe('admin-only');
  });

  test('Cancel on the consent screen is reported in plain words', async () => {
    const t = backgroundAnswering([{ action: 'cancel' }]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    const problem = await problemOf(t.ask({ type: 'connections.add' }));
    expect(problem.code).toBe('sign-in-cancelled');
    expect(await t.db.connections.count()).toBe(0);
    // Its PKCE verifier is not left behind in storage.session.
    expect(t.pendingSignIns()).toEqual([]);
  });

  test('a sign-in window closed by the user, or refused at Xero’s page, leaves no PKCE state behind', async () => {
    const t = startTestBackground({
      sandboxUrl: sandbox.url,
      launchSignIn: async () => {
        throw new Error('The user did not approve access.');
      },
    });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    expect((await problemOf(t.ask({ type: 'connections.add' }))).code).toBe('sign-in-cancelled');
    expect(t.pendingSignIns()).toEqual([]);
    const refused = startTestBackground({
      sandboxUrl: sandbox.url,
      xero: { clientId: 'nobody-knows-this-client' },
      launchSignIn: async () => {
        throw new Error('no window should open');
      },
    });
    await refused.ask({ type: 'setup.saveFirmUser', user: admin });
    await problemOf(refused.ask({ type: 'connections.add' }));
    expect(refused.pendingSignIns()).toEqual([]);
  });

  test('an unknown client id is caught at Xero’s authorize page, before any window opens', async () => {
    let opened = false;
    const t = startTestBackground({
      sandboxUrl: sandbox.url,
      launchSignIn: async () => {
        opened = true;
        return '';
      },
      managed: { xeroClientId: 'not-a-registered-app' },
    });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    const problem = await problemOf(t.ask({ type: 'connections.add' }));
    expect(problem.code).toBe('client-id-invalid');
    expect(opened).toBe(false);
  });

  test('a redirect URI the Xero app does not know is named, exactly, in the fix', async () => {
    const redirectUri = 'https://abcdefabcdefabcdefabcdefabcdefab.chromiumapp.org/';
    const t = startTestBackground({ sandboxUrl: sandbox.url, launchSignIn: async () => '', redirectUri });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    const problem = await problemOf(t.ask({ type: 'connections.add' }));
    expect(problem.code).toBe('redirect-uri-not-registered');
    expect(problem.action).toContain(redirectUri);
  });

  test('a missing client id says what to do', async () => {
    const t = startTestBackground({
      sandboxUrl: sandbox.url,
      launchSignIn: async () => '',
      xero: { clientId: '' },
    });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    expect((await t.ask({ type: 'setup.state' })).clientIdConfigured).toBe(false);
    expect((await problemOf(t.ask({ type: 'connections.add' }))).code).toBe('client-id-missing');
  });
});

describe('health, Refresh and Remove', () => {
  test('a connection removed in Xero shows the right message at the next contact; Refresh reconnects it keeping its workspace', async () => {
    const [first] = await consentNames();
    if (!first) throw new Error('sandbox has no organisations');
    const t = backgroundAnswering([{ organisations: [first.name] }, { organisations: [first.name] }]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    await t.ask({
      type: 'connections.linkWorkspace',
      tenantId: first.tenantId,
      choice: { newWorkspaceName: 'Books' },
    });
    await t.db.connections.update(first.tenantId, { monitoredAccountIds: ['acc-1'] });

    // Someone removes Client Hub from the company's Connected Apps in Xero.
    const row = await t.db.connections.get(first.tenantId);
    const grant = await t.db.grants.get(row?.grantId ?? '');
    const removed = await fetch(`${sandbox.url}/connections/${row?.xeroConnectionId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${grant?.accessToken}` },
    });
    expect(removed.status).toBe(204);

    await t.ask({ type: 'connections.check' });
    const after = await t.db.connections.get(first.tenantId);
    expect(after?.health.state).toBe('attention');
    expect(after?.health.problem?.code).toBe('connection-removed');

    const refreshed = await t.ask({ type: 'connections.refresh', tenantId: first.tenantId });
    expect(refreshed.reconnected).toBe(true);
    const back = await t.db.connections.get(first.tenantId);
    expect(back?.health.state).toBe('healthy');
    expect(back?.monitoredAccountIds).toEqual(['acc-1']);
    expect((await t.db.workspaces.get(back?.workspaceId ?? ''))?.name).toBe('Books');
  });

  test('a grant revoked in Xero marks every row of that sign-in and Refresh signs in again', async () => {
    const orgs = (await consentNames()).slice(0, 2);
    const t = backgroundAnswering([
      { organisations: orgs.map((o) => o.name) },
      { organisations: [orgs[0]?.name ?? ''] },
    ]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    const [grant] = await t.db.grants.toArray();
    const revoked = await fetch(`${sandbox.url}/connect/revocation`, {
      method: 'POST',
      body: new URLSearchParams({ token: grant?.refreshToken ?? '', client_id: SANDBOX_CLIENT_ID }),
    });
    expect(revoked.status).toBe(200);
    // Force the next contact to need a refresh.
    await t.db.grants.update(grant?.id ?? '', { accessTokenExpiresAt: 0 });
    await t.ask({ type: 'connections.check' });
    for (const row of await t.db.connections.toArray()) {
      expect(row.health.state).toBe('attention');
      expect(row.health.problem?.code).toBe('grant-revoked');
    }
    const tenantId = orgs[0]?.tenantId ?? '';
    expect((await t.ask({ type: 'connections.refresh', tenantId })).reconnected).toBe(true);
    expect((await t.db.connections.get(tenantId))?.health.state).toBe('healthy');
  });

  test('Remove deletes the connection in Xero, revokes the unused sign-in and deletes the row', async () => {
    const [first] = await consentNames();
    if (!first) throw new Error('sandbox has no organisations');
    const t = backgroundAnswering([{ organisations: [first.name] }]);
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    const [grant] = await t.db.grants.toArray();
    const result = await t.ask({ type: 'connections.remove', tenantId: first.tenantId });
    expect(result).toMatchObject({ state: 'removed', revokedSignIn: true });
    expect(await t.db.connections.count()).toBe(0);
    expect(await t.db.grants.count()).toBe(0);
    // Xero agrees: the revoked refresh token is refused.
    expect(await refreshStatus(grant?.refreshToken ?? '')).toBe(400);
  });

  test('a revocation Xero could not take is owed, kept, and done at the next check', async () => {
    const [first] = await consentNames();
    if (!first) throw new Error('sandbox has no organisations');
    const revocation = revocationOutage();
    const t = backgroundAnswering([{ organisations: [first.name] }], { fetch: revocation.fetch });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    revocation.down = true;
    const result = await t.ask({ type: 'connections.remove', tenantId: first.tenantId });
    expect(result).toMatchObject({ state: 'removed', revokedSignIn: false });
    expect(await t.db.connections.count()).toBe(0);
    // Kept (in IndexedDB, so a restarted worker still owes it), marked as owed.
    const [owed] = await t.db.grants.toArray();
    expect(owed?.status).toBe('revoke-pending');

    await t.ask({ type: 'connections.check' }); // still down: still owed
    expect((await t.db.grants.toArray()).map((g) => g.status)).toEqual(['revoke-pending']);

    revocation.down = false;
    await t.ask({ type: 'connections.check' }); // what the schedule's alarm runs first
    expect(await t.db.grants.count()).toBe(0);
    expect(await refreshStatus(owed?.refreshToken ?? '')).toBe(400);
  });

  test('an owed revocation is dropped, not sent, once the same Xero user has connected again', async () => {
    const [first, second] = await consentNames();
    if (!first || !second) throw new Error('sandbox has too few organisations');
    const revocation = revocationOutage();
    const t = backgroundAnswering([{ organisations: [first.name] }, { organisations: [second.name] }], {
      fetch: revocation.fetch,
    });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    revocation.down = true;
    await t.ask({ type: 'connections.remove', tenantId: first.tenantId });
    revocation.down = false;
    await t.ask({ type: 'connections.add' });
    await t.ask({ type: 'connections.check' });
    // Revoking the old token would have ended the new connection too (Xero revokes per user and app).
    const grants = await t.db.grants.toArray();
    expect(grants.map((g) => g.status)).toEqual(['active']);
    expect((await t.db.connections.get(second.tenantId))?.health.state).toBe('healthy');
    const listed = await fetch(`${sandbox.url}/connections`, {
      headers: { Authorization: `Bearer ${grants[0]?.accessToken}` },
    });
    expect(((await listed.json()) as { tenantId: string }[]).map((c) => c.tenantId)).toContain(
      second.tenantId,
    );
  });

  test('Remove while Xero cannot be reached is queued, shown, and finished later', async () => {
    const orgs = (await consentNames()).slice(0, 2);
    let offline = false;
    const t = backgroundAnswering([{ organisations: orgs.map((o) => o.name) }], {
      fetch: (input, init) => (offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    });
    await t.ask({ type: 'setup.saveFirmUser', user: admin });
    await t.ask({ type: 'connections.add' });
    const [a, b] = orgs;
    offline = true;
    const queued = await t.ask({ type: 'connections.remove', tenantId: a?.tenantId ?? '' });
    expect(queued.state).toBe('queued');
    expect(await t.db.pendingRemovals.count()).toBe(1);
    expect(await t.db.connections.get(a?.tenantId ?? '')).toBeDefined();

    offline = false;
    await t.ask({ type: 'connections.check' });
    expect(await t.db.pendingRemovals.count()).toBe(0);
    expect(await t.db.connections.get(a?.tenantId ?? '')).toBeUndefined();
    // The other company shares the sign-in, so it was not revoked and still works.
    const [grant] = await t.db.grants.toArray();
    expect(grant?.status).toBe('active');
    const listed = await fetch(`${sandbox.url}/connections`, {
      headers: { Authorization: `Bearer ${grant?.accessToken}` },
    });
    const connections = (await listed.json()) as { tenantId: string }[];
    expect(connections.map((c) => c.tenantId)).toEqual([b?.tenantId]);
  });
});
