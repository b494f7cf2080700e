import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  accessTokenClaims,
  beginSignIn,
  finishSignIn,
  idTokenEmail,
  type PendingSignIn,
  pendingSignInSchema,
  xeroAuthServer,
} from '@/lib/auth/oauth';
import { SIGN_IN_LIFETIME_MS, sessionSignInStore } from '@/lib/background/session-store';
import { XERO_SCOPES, xeroConfigFor } from '@/lib/config/xero';
import { failureFromOAuthError } from '@/lib/xero/failure-error';

const config = xeroConfigFor({ mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:4999' });
const unusedFetch: typeof fetch = () => Promise.reject(new Error('no network in this test'));
const server = xeroAuthServer(config, 'client-abc', { fetch: unusedFetch, now: Date.now });
const redirectUri = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';

describe('beginSignIn', () => {
  test('builds Xero’s authorize URL with an S256 challenge of the stored verifier', async () => {
    const { url, pending } = await beginSignIn(server, { redirectUri, now: 1_000 });
    const authorize = new URL(url);
    expect(authorize.origin + authorize.pathname).toBe('http://127.0.0.1:4999/identity/connect/authorize');
    const params = authorize.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('client-abc');
    expect(params.get('redirect_uri')).toBe(redirectUri);
    expect(params.get('scope')?.split(' ')).toEqual([...XERO_SCOPES]);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('state')).toBe(pending.state);
    const expected = createHash('sha256').update(pending.codeVerifier).digest('base64url');
    expect(params.get('code_challenge')).toBe(expected);
    expect(pendingSignInSchema.safeParse(pending).success).toBe(true);
  });

  test('verifier and state are fresh, in the allowed alphabet and length, each time', async () => {
    const first = await beginSignIn(server, { redirectUri, now: 1_000 });
    const second = await beginSignIn(server, { redirectUri, now: 1_000 });
    expect(first.pending.codeVerifier).not.toBe(second.pending.codeVerifier);
    expect(first.pending.state).not.toBe(second.pending.state);
    expect(first.pending.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
  });

  test('a reconnect remembers which company it is for', async () => {
    const { pending } = await beginSignIn(server, { redirectUri, now: 1_000, reconnectTenantId: 'tenant-1' });
    expect(pending.reconnectTenantId).toBe('tenant-1');
  });
});

describe('finishSignIn checks the redirect before any exchange', () => {
  test('a redirect carrying another state is refused as a state mismatch', async () => {
    const { pending } = await beginSignIn(server, { redirectUri, now: 1_000 });
    const error = await finishSignIn(
      server,
      pending,
      `${redirectUri}?code=abc&state=someone-else`,
      1_000,
    ).catch((e: unknown) => e);
    expect(failureFromOAuthError(error)).toEqual({ kind: 'sign-in', reason: 'state-mismatch' });
  });

  test('Cancel on Xero’s consent screen comes back as access denied', async () => {
    const { pending } = await beginSignIn(server, { redirectUri, now: 1_000 });
    const error = await finishSignIn(
      server,
      pending,
      `${redirectUri}?error=access_denied&state=${pending.state}`,
      1_000,
    ).catch((e: unknown) => e);
    expect(failureFromOAuthError(error)).toEqual({ kind: 'sign-in', reason: 'access-denied' });
  });

  test('a redirect without a code is refused', async () => {
    const { pending } = await beginSignIn(server, { redirectUri, now: 1_000 });
    const error = await finishSignIn(server, pending, `${redirectUri}?state=${pending.state}`, 1_000).catch(
      (e: unknown) => e,
    );
    expect(failureFromOAuthError(error).kind).toBe('sign-in');
  });
});

test('accessTokenClaims reads Xero’s claims and rejects what is not a JWT', () => {
  const payload = Buffer.from(
    JSON.stringify({ xero_userid: 'u1', authentication_event_id: 'e1', exp: 123 }),
  ).toString('base64url');
  expect(accessTokenClaims(`h.${payload}.s`)).toMatchObject({
    xero_userid: 'u1',
    authentication_event_id: 'e1',
  });
  expect(() => accessTokenClaims('opaque-token')).toThrow();
});

test('the id token’s email is kept only when it is an email', () => {
  expect(idTokenEmail({ email: 'ada@firm.test', sub: 'x' })).toBe('ada@firm.test');
  expect(idTokenEmail({ sub: 'x' })).toBeUndefined();
  for (const email of [
    '<img src=x onerror=alert(1)>',
    'not an email',
    42,
    null,
    `${'a'.repeat(250)}@x.test`,
  ]) {
    expect(idTokenEmail({ email }), String(email)).toBeUndefined();
  }
  expect(idTokenEmail(undefined)).toBeUndefined();
});

describe('sign-ins in flight (storage.session)', () => {
  /** storage.session's contract, in memory. */
  function sessionArea() {
    const items = new Map<string, unknown>();
    return {
      items,
      get: async (key: string | null) =>
        Object.fromEntries([...items].filter(([k]) => key === null || k === key)),
      set: async (values: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(values)) items.set(k, v);
      },
      remove: async (keys: string | string[]) => {
        for (const k of [keys].flat()) items.delete(k);
      },
    };
  }

  test('taken once; a new sign-in drops those abandoned longer ago than their lifetime, and nothing else', async () => {
    const area = sessionArea();
    area.items.set('firmUser', { keep: true });
    let clock = 1_000_000;
    const store = sessionSignInStore(area, () => clock);
    const begin = async () => (await beginSignIn(server, { redirectUri, now: clock })).pending;
    const abandoned: PendingSignIn = await begin();
    await store.save(abandoned);
    clock += SIGN_IN_LIFETIME_MS / 2;
    const recent = await begin();
    await store.save(recent);
    expect(area.items.size).toBe(3);
    clock += SIGN_IN_LIFETIME_MS / 2 + 1;
    const next = await begin();
    await store.save(next);
    expect([...area.items.keys()].sort()).toEqual(
      ['firmUser', `signIn:${recent.state}`, `signIn:${next.state}`].sort(),
    );
    expect(await store.take(next.state)).toEqual(next);
    expect(await store.take(next.state)).toBeUndefined();
  });
});
