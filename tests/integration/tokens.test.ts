import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TokenSet, xeroAuthServer } from '@/lib/auth/oauth';
import { createTokenManager, type WithLock } from '@/lib/auth/token-manager';
import { SANDBOX_CLIENT_ID } from '@/lib/config/sandbox-build';
import { xeroConfigFor } from '@/lib/config/xero';
import { ClientHubDb } from '@/lib/db/database';
import { FailureError } from '@/lib/xero/failure-error';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { createLocks } from './support/background';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, scale: 20 });
});
afterAll(async () => {
  await sandbox?.close();
});

let n = 0;
/** A fetch that counts token-endpoint calls and can lose the next answer after Xero acted on it. */
function instrumentedFetch() {
  const stats = { tokenCalls: 0, loseNextAnswer: false };
  const wrapped: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/connect/token')) stats.tokenCalls++;
    const response = await fetch(input, init);
    if (stats.loseNextAnswer && url.endsWith('/connect/token')) {
      stats.loseNextAnswer = false;
      throw new TypeError('fetch failed'); // Xero rotated the token; the answer never arrived.
    }
    return response;
  };
  return { stats, fetch: wrapped };
}

/** A grant as a sign-in leaves it, from tokens minted by the sandbox for the demo user. */
async function signedInGrant(tokenManager: ReturnType<typeof createTokenManager>) {
  const minted = (await (
    await fetch(`${sandbox.url}/__sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: SANDBOX_CLIENT_ID }),
    })
  ).json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
  const tokens: TokenSet = {
    accessToken: minted.access_token,
    refreshToken: minted.refresh_token,
    expiresAt: Date.now() + minted.expires_in * 1000,
    scope: minted.scope,
    xeroUserId: 'demo',
    authEventId: 'e',
  };
  return tokenManager.saveSignIn(tokens, SANDBOX_CLIENT_ID, `grant-${++n}`);
}

function managerFor(db: ClientHubDb, fetchImpl: typeof fetch, withLock: WithLock) {
  const config = xeroConfigFor({ mode: 'sandbox', sandboxUrl: sandbox.url });
  return createTokenManager({
    db,
    now: Date.now,
    withLock,
    server: (clientId) => xeroAuthServer(config, clientId, { fetch: fetchImpl, now: Date.now }),
  });
}

test('a refresh rotates the refresh token, stores it, and keeps the previous one', async () => {
  const db = new ClientHubDb(`tokens-${++n}`);
  const { fetch: f } = instrumentedFetch();
  const tokens = managerFor(db, f, createLocks());
  const grant = await signedInGrant(tokens);
  const refreshed = await tokens.refresh(grant.id);
  expect(refreshed.refreshToken).not.toBe(grant.refreshToken);
  expect(refreshed.previousRefreshToken).toBe(grant.refreshToken);
  expect(refreshed.accessToken).not.toBe(grant.accessToken);
  expect((await db.grants.get(grant.id))?.refreshToken).toBe(refreshed.refreshToken);
  // The stored token is the live one: it refreshes again.
  expect((await tokens.refresh(grant.id)).refreshToken).not.toBe(refreshed.refreshToken);
});

test('a refresh whose answer was lost is recovered through Xero’s grace period', async () => {
  const db = new ClientHubDb(`tokens-${++n}`);
  const { fetch: f, stats } = instrumentedFetch();
  const tokens = managerFor(db, f, createLocks());
  const grant = await signedInGrant(tokens);
  stats.loseNextAnswer = true;
  const recovered = await tokens.refresh(grant.id);
  expect(stats.tokenCalls).toBe(2);
  expect(recovered.refreshToken).not.toBe(grant.refreshToken);
  // What was recovered is Xero's current token, not a dead end: the chain goes on.
  const next = await tokens.refresh(recovered.id);
  expect(next.status).toBe('active');
  expect(next.refreshToken).not.toBe(recovered.refreshToken);
});

test('two contexts refreshing at once make one refresh and agree on the result', async () => {
  const db = new ClientHubDb(`tokens-${++n}`);
  const locks = createLocks(); // shared, as Web Locks are shared by the worker and the pages
  const first = instrumentedFetch();
  const second = instrumentedFetch();
  const worker = managerFor(db, first.fetch, locks);
  const optionsPage = managerFor(db, second.fetch, locks);
  const grant = await signedInGrant(worker);
  await db.grants.update(grant.id, { accessTokenExpiresAt: Date.now() - 1 });
  const [a, b] = await Promise.all([worker.accessToken(grant.id), optionsPage.accessToken(grant.id)]);
  expect(a).toBe(b);
  expect(first.stats.tokenCalls + second.stats.tokenCalls).toBe(1);
});

test('after TokenExpired, a context whose token another already replaced does not refresh again', async () => {
  const db = new ClientHubDb(`tokens-${++n}`);
  const locks = createLocks();
  const { fetch: f, stats } = instrumentedFetch();
  const tokens = managerFor(db, f, locks);
  const grant = await signedInGrant(tokens);
  const [x, y] = await Promise.all([
    tokens.replaceExpired(grant.id, grant.accessToken),
    tokens.replaceExpired(grant.id, grant.accessToken),
  ]);
  expect(x).toBe(y);
  expect(x).not.toBe(grant.accessToken);
  expect(stats.tokenCalls).toBe(1);
});

test('a revoked grant is marked and says so; it is never refreshed again', async () => {
  const db = new ClientHubDb(`tokens-${++n}`);
  const { fetch: f, stats } = instrumentedFetch();
  const tokens = managerFor(db, f, createLocks());
  const grant = await signedInGrant(tokens);
  await fetch(`${sandbox.url}/connect/revocation`, {
    method: 'POST',
    body: new URLSearchParams({ token: grant.refreshToken, client_id: SANDBOX_CLIENT_ID }),
  });
  const error = await tokens.refresh(grant.id).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FailureError);
  expect((error as FailureError).failure).toMatchObject({ kind: 'oauth', error: 'invalid_grant' });
  expect((await db.grants.get(grant.id))?.status).toBe('revoked');
  const calls = stats.tokenCalls;
  await expect(tokens.accessToken(grant.id)).rejects.toBeInstanceOf(FailureError);
  expect(stats.tokenCalls).toBe(calls);
});
