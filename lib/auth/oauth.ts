import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { XERO_SCOPES, type XeroConfig, xeroEndpoints } from '../config/xero';

/**
 * The OAuth 2.0 protocol steps against Xero's identity service (Auth Code with PKCE, public client),
 * as plain functions over plain values. oauth4webapi does the protocol checks.
 */

export interface OAuthDeps {
  fetch: typeof fetch;
  /** Current time; may differ from the machine's clock (the sandbox's clock can be advanced). */
  now: () => number;
}

export interface XeroAuthServer {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Options every oauth4webapi request takes. */
  requestOptions: { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]: boolean };
}

export function xeroAuthServer(config: XeroConfig, clientId: string, deps: OAuthDeps): XeroAuthServer {
  const endpoints = xeroEndpoints(config);
  return {
    as: {
      issuer: config.identityBase,
      authorization_endpoint: endpoints.authorize,
      token_endpoint: endpoints.token,
      revocation_endpoint: endpoints.revocation,
    },
    client: { client_id: clientId, [oauth.clockSkew]: Math.round((deps.now() - Date.now()) / 1000) },
    requestOptions: {
      [oauth.customFetch]: deps.fetch,
      // Only the sandbox, on loopback, is plain HTTP.
      [oauth.allowInsecureRequests]: config.target === 'sandbox',
    },
  };
}

/** What must survive between opening Xero sign-in and its redirect (kept in storage.session). */
export const pendingSignInSchema = z.object({
  state: z.string().min(16),
  codeVerifier: z.string().regex(/^[A-Za-z0-9\-._~]{43,128}$/),
  redirectUri: z.url(),
  clientId: z.string().min(1),
  startedAt: z.number(),
  /** When sign-in was started to reconnect one row, that row's Xero company. */
  reconnectTenantId: z.string().optional(),
});
export type PendingSignIn = z.infer<typeof pendingSignInSchema>;

export async function beginSignIn(
  server: XeroAuthServer,
  input: { redirectUri: string; now: number; reconnectTenantId?: string | undefined },
): Promise<{ url: string; pending: PendingSignIn }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(server.as.authorization_endpoint as string);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', server.client.client_id);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', XERO_SCOPES.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  const pending: PendingSignIn = {
    state,
    codeVerifier,
    redirectUri: input.redirectUri,
    clientId: server.client.client_id,
    startedAt: input.now,
    ...(input.reconnectTenantId ? { reconnectTenantId: input.reconnectTenantId } : {}),
  };
  return { url: url.href, pending };
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  scope: string;
  xeroUserId: string;
  authEventId: string;
  email?: string | undefined;
}

/** The id token's claims we keep (oauth4webapi has checked its issuer, audience and times). */
const idTokenClaimsSchema = z.object({ email: z.email().max(254).optional().catch(undefined) });

/** The signed-in Xero user's email; one that is not an email (or not a string) is dropped, not stored. */
export const idTokenEmail = (claims: unknown): string | undefined =>
  idTokenClaimsSchema.catch({ email: undefined }).parse(claims).email;

const accessTokenClaimsSchema = z.object({
  xero_userid: z.string(),
  authentication_event_id: z.string(),
  exp: z.number(),
});

/** Reads (does not verify) the access token's claims: only Xero's own servers rely on them. */
export function accessTokenClaims(accessToken: string) {
  const payload = accessToken.split('.')[1];
  if (!payload) throw new Error('The access token is not a JWT');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return accessTokenClaimsSchema.parse(JSON.parse(json));
}

function toTokenSet(
  response: oauth.TokenEndpointResponse,
  now: number,
  previousRefreshToken?: string,
): TokenSet {
  const refreshToken = response.refresh_token ?? previousRefreshToken;
  if (!refreshToken) throw new Error('Xero did not return a refresh token (offline_access missing)');
  const claims = accessTokenClaims(response.access_token);
  const email = response.id_token ? idTokenEmail(oauth.getValidatedIdTokenClaims(response)) : undefined;
  return {
    accessToken: response.access_token,
    refreshToken,
    expiresAt: now + (response.expires_in ?? 1800) * 1000,
    scope: response.scope ?? '',
    xeroUserId: claims.xero_userid,
    authEventId: claims.authentication_event_id,
    email,
  };
}

/** Checks the redirect Xero sent back (state, error) and exchanges the code for tokens. */
export async function finishSignIn(
  server: XeroAuthServer,
  pending: PendingSignIn,
  redirectedTo: string,
  now: number,
): Promise<TokenSet> {
  const params = oauth.validateAuthResponse(server.as, server.client, new URL(redirectedTo), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    server.as,
    server.client,
    oauth.None(),
    params,
    pending.redirectUri,
    pending.codeVerifier,
    server.requestOptions,
  );
  return toTokenSet(await oauth.processAuthorizationCodeResponse(server.as, server.client, response), now);
}

export async function refreshTokens(
  server: XeroAuthServer,
  refreshToken: string,
  now: number,
): Promise<TokenSet> {
  const response = await oauth.refreshTokenGrantRequest(
    server.as,
    server.client,
    oauth.None(),
    refreshToken,
    server.requestOptions,
  );
  return toTokenSet(
    await oauth.processRefreshTokenResponse(server.as, server.client, response),
    now,
    refreshToken,
  );
}

export async function revokeRefreshToken(server: XeroAuthServer, refreshToken: string): Promise<void> {
  const response = await oauth.revocationRequest(
    server.as,
    server.client,
    oauth.None(),
    refreshToken,
    server.requestOptions,
  );
  await oauth.processRevocationResponse(response);
}
