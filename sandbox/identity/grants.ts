import { randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_LIFETIME_SECONDS, REFRESH_GRACE_MS, REFRESH_TOKEN_LIFETIME_MS } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../data/model.ts';
import type { Connection, Grant, TokenSet } from '../state.ts';
import { signJwt } from './jwt.ts';

/** Opaque secrets (codes, refresh tokens) use real randomness: they must not be guessable from the seed. */
export function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function createGrant(
  ctx: SandboxContext,
  user: SandboxUser,
  clientId: string,
  scope: string[],
  authEventId: string,
  nonce?: string,
): Grant {
  const grant: Grant = {
    grantId: ctx.state.ids.guid(),
    userId: user.userId,
    clientId,
    scope,
    authEventId,
    revoked: false,
    ...(nonce ? { nonce } : {}),
  };
  ctx.state.grants.set(grant.grantId, grant);
  return grant;
}

/** Mints a fresh access token (and a rotated refresh token when offline_access was granted). */
export function issueTokens(ctx: SandboxContext, grant: Grant): TokenSet {
  const { state, clock } = ctx;
  const user = state.userById(grant.userId);
  if (!user) throw new Error('grant for an unknown user');
  const iat = Math.floor(clock.now() / 1000);
  const issuer = ctx.baseUrl();
  const accessToken = signJwt(ctx.key, {
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_SECONDS,
    iss: issuer,
    aud: `${issuer}/resources`,
    client_id: grant.clientId,
    sub: user.userId,
    auth_time: iat,
    xero_userid: user.userId,
    global_session_id: grant.grantId,
    sid: grant.grantId,
    jti: state.ids.guid(),
    authentication_event_id: grant.authEventId,
    scope: grant.scope,
    iat,
  });
  const idToken = signJwt(ctx.key, {
    nbf: iat,
    exp: iat + 300,
    iss: issuer,
    aud: grant.clientId,
    iat,
    at_hash: 'sandbox',
    sub: user.userId,
    auth_time: iat,
    xero_userid: user.userId,
    global_session_id: grant.grantId,
    preferred_username: user.email,
    email: user.email,
    given_name: user.firstName,
    family_name: user.lastName,
    name: `${user.firstName} ${user.lastName}`,
    ...(grant.nonce ? { nonce: grant.nonce } : {}),
  });
  const tokens: TokenSet = {
    id_token: idToken,
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    token_type: 'Bearer',
    scope: grant.scope.join(' '),
  };
  if (grant.scope.includes('offline_access')) {
    const refreshToken = opaqueToken();
    tokens.refresh_token = refreshToken;
    if (grant.current) {
      // The replaced token keeps a grace period; anything older dies now.
      if (grant.previous) state.refreshTokens.delete(grant.previous.token);
      grant.previous = { ...grant.current, rotatedAt: clock.now() };
    }
    grant.current = {
      token: refreshToken,
      grantId: grant.grantId,
      issuedAt: clock.now(),
      issuedWith: tokens,
    };
    state.refreshTokens.set(refreshToken, grant.current);
  }
  return tokens;
}

export type RefreshOutcome =
  | { ok: true; tokens: TokenSet }
  | { ok: false; error: 'invalid_grant' | 'invalid_client' };

/** Rotation on every use, with a grace period for the token just replaced (the response may have been lost). */
export function refresh(ctx: SandboxContext, refreshToken: string, clientId: string): RefreshOutcome {
  const { state, clock } = ctx;
  const record = state.refreshTokens.get(refreshToken);
  const grant = record ? state.grants.get(record.grantId) : undefined;
  if (!record || !grant || grant.revoked) return { ok: false, error: 'invalid_grant' };
  if (grant.clientId !== clientId) return { ok: false, error: 'invalid_client' };
  const now = clock.now();
  if (grant.current?.token === refreshToken) {
    if (now - record.issuedAt > REFRESH_TOKEN_LIFETIME_MS) return { ok: false, error: 'invalid_grant' };
    return { ok: true, tokens: issueTokens(ctx, grant) };
  }
  if (
    grant.previous?.token === refreshToken &&
    grant.current &&
    now - grant.previous.rotatedAt <= REFRESH_GRACE_MS
  ) {
    return { ok: true, tokens: grant.current.issuedWith };
  }
  return { ok: false, error: 'invalid_grant' };
}

/** Revoking a grant also removes that user's connections for the app, as Xero does. */
export function revokeGrant(ctx: SandboxContext, grant: Grant): void {
  const { state } = ctx;
  grant.revoked = true;
  for (const token of [grant.current?.token, grant.previous?.token])
    if (token) state.refreshTokens.delete(token);
  for (const other of state.grants.values()) {
    if (other.userId === grant.userId && other.clientId === grant.clientId && !other.revoked) {
      other.revoked = true;
      for (const token of [other.current?.token, other.previous?.token])
        if (token) state.refreshTokens.delete(token);
    }
  }
  for (const [id, connection] of state.connections) {
    if (connection.userId === grant.userId && connection.clientId === grant.clientId)
      state.connections.delete(id);
  }
}

/** Connecting an organisation that is already connected refreshes the existing connection. */
export function connect(
  ctx: SandboxContext,
  userId: string,
  clientId: string,
  tenantIds: readonly string[],
  authEventId: string,
): Connection[] {
  const { state, clock } = ctx;
  const now = clock.now();
  return tenantIds.map((tenantId) => {
    const existing = [...state.connections.values()].find(
      (connection) =>
        connection.userId === userId && connection.clientId === clientId && connection.tenantId === tenantId,
    );
    if (existing) {
      existing.authEventId = authEventId;
      existing.updatedAt = now;
      return existing;
    }
    const connection: Connection = {
      id: state.ids.guid(),
      userId,
      clientId,
      tenantId,
      authEventId,
      createdAt: now,
      updatedAt: now,
    };
    state.connections.set(connection.id, connection);
    return connection;
  });
}
