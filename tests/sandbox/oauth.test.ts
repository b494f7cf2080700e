import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_REDIRECT_URIS,
  SANDBOX_TEST_CLIENT_ID,
  SANDBOX_TEST_REDIRECT_URI,
} from '../../lib/config/sandbox-build.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import {
  api,
  authorizeUrl,
  decodeJwt,
  exchangeCode,
  hiddenField,
  loginAndConsent,
  mint,
  pkcePair,
  start,
  tokenRequest,
} from './helpers.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await start({ codeLifetimeSeconds: 60 });
});
afterAll(() => sandbox.close());

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('discovery', () => {
  it('publishes the endpoints on the sandbox origin and a JWKS that verifies access tokens', async () => {
    const config = (await (await fetch(`${sandbox.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(config.issuer).toBe(sandbox.url);
    expect(config.authorization_endpoint).toBe(`${sandbox.url}/identity/connect/authorize`);
    expect(config.token_endpoint).toBe(`${sandbox.url}/connect/token`);
    expect(config.revocation_endpoint).toBe(`${sandbox.url}/connect/revocation`);
    expect(config.jwks_uri).toBe(`${sandbox.url}/.well-known/openid-configuration/jwks`);
    const jwks = (await (await fetch(config.jwks_uri ?? '')).json()) as { keys: Record<string, string>[] };
    const jwk = jwks.keys[0];
    expect(jwk?.kty).toBe('RSA');
    const tokens = await mint(sandbox);
    const [header, payload, signature] = tokens.access_token.split('.');
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    expect(
      verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature ?? '', 'base64url')),
    ).toBe(true);
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).alg).toBe('RS256');
  });
});

describe('authorize refusals are shown as an error page, never redirected', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['unknown client', { client_id: 'nope' }, 'unauthorized_client'],
    ['unregistered redirect URI', { redirect_uri: 'http://localhost:8765/other' }, 'Invalid redirect_uri'],
    ['redirect URI of another client', { redirect_uri: SANDBOX_REDIRECT_URIS[0] }, 'Invalid redirect_uri'],
    [
      'deprecated broad scope',
      { scope: 'openid offline_access accounting.transactions' },
      'Invalid scope for client',
    ],
    ['unknown scope', { scope: 'openid accounting.everything' }, 'Invalid scope for client'],
  ];
  for (const [name, params, message] of cases) {
    it(name, async () => {
      const response = await fetch(
        authorizeUrl(sandbox, { code_challenge: pkcePair().challenge, ...params }),
        { redirect: 'manual' },
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain(message);
    });
  }

  it('accepts the extension client with each of its registered redirect URIs', async () => {
    for (const redirectUri of SANDBOX_REDIRECT_URIS) {
      const url = authorizeUrl(sandbox, {
        client_id: SANDBOX_CLIENT_ID,
        redirect_uri: redirectUri,
        code_challenge: pkcePair().challenge,
      });
      expect((await fetch(url)).status).toBe(200);
    }
  });

  it('sends a missing PKCE challenge back to the app as invalid_request with the state', async () => {
    const response = await fetch(authorizeUrl(sandbox, { state: 'abc' }), { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('abc');
  });
});

describe('login and consent', () => {
  it('shows the form again with an error after a wrong password', async () => {
    const page = await (await fetch(authorizeUrl(sandbox, { code_challenge: pkcePair().challenge }))).text();
    expect(page).toMatch(/<label for="email">/);
    expect(page).toMatch(/<label for="password">/);
    expect(page).toContain('Log in</button>');
    const response = await fetch(`${sandbox.url}/identity/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        request: hiddenField(page, 'request'),
        email: 'demo@sandbox.test',
        password: 'wrong',
      }),
    });
    expect(response.status).toBe(200);
    const again = await response.text();
    expect(again).toContain('Your email or password is incorrect');
    expect(again).toContain('value="demo@sandbox.test"');
  });

  it('runs the full PKCE flow: consent lists orgs and scopes, code exchanges for tokens, connections exist', async () => {
    const { location, verifier, consentHtml } = await loginAndConsent(sandbox, { state: 'xyz' });
    expect(consentHtml).toContain('View and edit your bank transactions');
    expect(consentHtml).toContain('Allow access');
    expect(consentHtml).toContain('Cancel');
    expect(consentHtml).toContain('Harbour Lane Cafe');
    expect(`${location.origin}${location.pathname}`).toBe(SANDBOX_TEST_REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code') ?? '';
    const response = await exchangeCode(sandbox, code, verifier);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({
      expires_in: 1800,
      token_type: 'Bearer',
      scope: expect.stringContaining('accounting.banktransactions'),
    });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(typeof tokens.id_token).toBe('string');
    const claims = decodeJwt(String(tokens.access_token));
    expect(claims).toMatchObject({
      client_id: SANDBOX_TEST_CLIENT_ID,
      sub: expect.any(String),
      xero_userid: expect.any(String),
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(1800);
    expect(decodeJwt(String(tokens.id_token)).email).toBe('demo@sandbox.test');
    const connections = (await (
      await fetch(`${sandbox.url}/connections`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
    ).json()) as { tenantName: string; authEventId: string }[];
    expect(connections.map((c) => c.tenantName).sort()).toEqual([
      'Harbour Lane Cafe',
      'Kangaroo Point Plumbing',
      'Thames Mill Studio',
    ]);
    expect(connections.every((c) => c.authEventId === claims.authentication_event_id)).toBe(true);
  });

  it('offers the staff user only the organisations they can access', async () => {
    const { consentHtml } = await loginAndConsent(sandbox, { email: 'staff@sandbox.test' });
    expect(consentHtml).toContain('Harbour Lane Cafe');
    expect(consentHtml).toContain('Thames Mill Studio');
    expect(consentHtml).not.toContain('Kangaroo Point Plumbing');
  });

  it('Cancel redirects with error=access_denied and the state', async () => {
    const { location } = await loginAndConsent(sandbox, { action: 'cancel', state: 's1' });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('authorization codes', () => {
  it('checks the S256 verifier, the redirect URI and the client', async () => {
    const { location, verifier } = await loginAndConsent(sandbox);
    const code = location.searchParams.get('code') ?? '';
    expect(await (await exchangeCode(sandbox, code, pkcePair().verifier)).json()).toEqual({
      error: 'invalid_grant',
    });
    const wrongRedirect = await exchangeCode(sandbox, code, verifier, {
      redirect_uri: 'http://localhost:8765/other',
    });
    expect(wrongRedirect.status).toBe(400);
    const wrongClient = await exchangeCode(sandbox, code, verifier, { client_id: SANDBOX_CLIENT_ID });
    expect(await wrongClient.json()).toEqual({ error: 'invalid_grant' });
    const unknownClient = await exchangeCode(sandbox, code, verifier, { client_id: 'nope' });
    expect(await unknownClient.json()).toEqual({ error: 'invalid_client' });
    expect((await exchangeCode(sandbox, code, verifier)).status).toBe(200);
  });

  it('are single use', async () => {
    const { location, verifier } = await loginAndConsent(sandbox);
    const code = location.searchParams.get('code') ?? '';
    expect((await exchangeCode(sandbox, code, verifier)).status).toBe(200);
    const again = await exchangeCode(sandbox, code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
  });

  it('expire after the configured lifetime (sandbox clock)', async () => {
    const { location, verifier } = await loginAndConsent(sandbox);
    sandbox.clock.advance(61_000);
    expect(
      await (await exchangeCode(sandbox, location.searchParams.get('code') ?? '', verifier)).json(),
    ).toEqual({
      error: 'invalid_grant',
    });
  });

  it('answers unsupported_grant_type and invalid_request', async () => {
    const odd = await tokenRequest(sandbox, { grant_type: 'password', client_id: SANDBOX_TEST_CLIENT_ID });
    expect(await odd.json()).toEqual({ error: 'unsupported_grant_type' });
    const missing = await tokenRequest(sandbox, { client_id: SANDBOX_TEST_CLIENT_ID });
    expect(await missing.json()).toEqual({ error: 'invalid_request' });
  });
});

describe('refresh tokens', () => {
  const refreshWith = (token: string, clientId = SANDBOX_CLIENT_ID) =>
    tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });

  it('rotate on every use; the previous one replays the same pair within 30 minutes until the new one is used', async () => {
    const first = await mint(sandbox);
    const second = (await (await refreshWith(first.refresh_token)).json()) as {
      refresh_token: string;
      access_token: string;
    };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // Lost response: the old token gives the same current pair again.
    sandbox.clock.advance(29 * MINUTE);
    const replay = (await (await refreshWith(first.refresh_token)).json()) as {
      refresh_token: string;
      access_token: string;
    };
    expect(replay).toEqual(second);
    // After the grace period the old one is dead.
    sandbox.clock.advance(2 * MINUTE);
    expect(await (await refreshWith(first.refresh_token)).json()).toEqual({ error: 'invalid_grant' });
  });

  it('the previous one dies as soon as the new one is used', async () => {
    const first = await mint(sandbox);
    const second = (await (await refreshWith(first.refresh_token)).json()) as { refresh_token: string };
    const third = await refreshWith(second.refresh_token);
    expect(third.status).toBe(200);
    expect(await (await refreshWith(first.refresh_token)).json()).toEqual({ error: 'invalid_grant' });
  });

  it('belong to their client', async () => {
    const first = await mint(sandbox);
    expect(await (await refreshWith(first.refresh_token, SANDBOX_TEST_CLIENT_ID)).json()).toEqual({
      error: 'invalid_client',
    });
  });

  it('expire after 60 days unused, but not before', async () => {
    const a = await mint(sandbox);
    const b = await mint(sandbox);
    sandbox.clock.advance(59 * DAY);
    expect((await refreshWith(a.refresh_token)).status).toBe(200);
    sandbox.clock.advance(2 * DAY);
    expect(await (await refreshWith(b.refresh_token)).json()).toEqual({ error: 'invalid_grant' });
  });

  it('are not issued without offline_access', async () => {
    const tokens = await mint(sandbox, { scope: 'openid accounting.banktransactions.read' });
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('revocation', () => {
  it('revokes the grant and removes the connections of that user and app', async () => {
    const tokens = await mint(sandbox, { clientId: SANDBOX_TEST_CLIENT_ID });
    const tenantId = tokens.connections[0]?.tenantId ?? '';
    expect((await api(sandbox, tokens.access_token, tenantId, 'Organisation')).status).toBe(200);
    const response = await fetch(`${sandbox.url}/connect/revocation`, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: SANDBOX_TEST_CLIENT_ID }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const refreshed = await tokenRequest(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: SANDBOX_TEST_CLIENT_ID,
    });
    expect(await refreshed.json()).toEqual({ error: 'invalid_grant' });
    const connections = await fetch(`${sandbox.url}/connections`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await connections.json()).toEqual([]);
    expect((await api(sandbox, tokens.access_token, tenantId, 'Organisation')).status).toBe(403);
  });
});
