import * as oauth from 'oauth4webapi';
import type { ClientHubDb } from '../db/database';
import { type Grant, grantSchema } from '../db/records';
import { FailureError, failureFromOAuthError } from '../xero/failure-error';
import { refreshTokens, type TokenSet, type XeroAuthServer } from './oauth';

/** Refresh this long before Xero's 30-minute access token runs out. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

/** Why a refresh is asked for: decides whether another context's refresh already answered it. */
type RefreshReason = { kind: 'due' } | { kind: 'expired'; accessToken: string } | { kind: 'force' };

export type WithLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

export interface TokenManagerDeps {
  db: ClientHubDb;
  server: (clientId: string) => XeroAuthServer;
  now: () => number;
  /** Serialises refreshes across every context of the extension (Web Locks in the browser). */
  withLock: WithLock;
}

/** Web Locks: one refresh per grant at a time, across the worker, the options page and the popup. */
export const webLocks: WithLock = (name, task) =>
  navigator.locks.request(name, task) as ReturnType<typeof task>;

export function createTokenManager(deps: TokenManagerDeps) {
  async function readGrant(grantId: string): Promise<Grant> {
    const row = await deps.db.grants.get(grantId);
    if (!row) throw new FailureError({ kind: 'connection', reason: 'removed' });
    return grantSchema.parse(row);
  }

  function assertActive(grant: Grant) {
    if (grant.status !== 'active') {
      throw new FailureError(
        { kind: 'oauth', endpoint: 'token', error: 'invalid_grant', grantType: 'refresh_token' },
        { grantLastUsedAt: grant.lastUsedAt },
      );
    }
  }

  /**
   * Refreshes a grant's tokens. Single-flight: after taking the lock it re-reads the grant, and a
   * context that finds someone else already refreshed uses their result. The rotated refresh token
   * is stored before the new access token is handed out, so a crash can never lose it; a response
   * lost on the way is recovered by retrying the same refresh token inside Xero's grace period.
   */
  async function refresh(grantId: string, reason: RefreshReason): Promise<Grant> {
    return deps.withLock(`client-hub-grant:${grantId}`, async () => {
      const grant = await readGrant(grantId);
      assertActive(grant);
      const now = deps.now();
      const refreshedByOther =
        reason.kind === 'expired'
          ? grant.accessToken !== reason.accessToken
          : reason.kind === 'due' && grant.accessTokenExpiresAt - REFRESH_MARGIN_MS > now;
      if (refreshedByOther) return grant;

      let tokens: TokenSet;
      try {
        tokens = await refreshWithGrace(grant);
      } catch (error) {
        const failure = failureFromOAuthError(error, 'refresh_token');
        if (failure.kind === 'oauth' && failure.error === 'invalid_grant') {
          const expired = now - grant.lastUsedAt >= 60 * 24 * 60 * 60_000;
          await deps.db.grants.update(grantId, { status: expired ? 'expired' : 'revoked' });
          throw new FailureError(failure, { grantLastUsedAt: grant.lastUsedAt, now });
        }
        throw new FailureError(failure);
      }
      const updated: Grant = {
        ...grant,
        refreshToken: tokens.refreshToken,
        previousRefreshToken: grant.refreshToken,
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: tokens.expiresAt,
        scope: tokens.scope || grant.scope,
        rotatedAt: now,
        lastUsedAt: now,
      };
      await deps.db.grants.put(updated);
      return updated;
    });
  }

  async function refreshWithGrace(grant: Grant): Promise<TokenSet> {
    const server = deps.server(grant.clientId);
    try {
      return await refreshTokens(server, grant.refreshToken, deps.now());
    } catch (error) {
      // The request may have reached Xero and rotated the token with the answer lost on the way:
      // the same refresh token still works for 30 minutes, so one more try recovers it.
      if (error instanceof oauth.ResponseBodyError || error instanceof oauth.OperationProcessingError)
        throw error;
      return refreshTokens(server, grant.refreshToken, deps.now());
    }
  }

  return {
    /** Refreshes now, whatever the token's age (the Refresh button re-checks the sign-in this way). */
    refresh: (grantId: string) => refresh(grantId, { kind: 'force' }),
    /** A usable access token, refreshed first when it is about to expire. */
    async accessToken(grantId: string): Promise<string> {
      const grant = await readGrant(grantId);
      assertActive(grant);
      if (grant.accessTokenExpiresAt - REFRESH_MARGIN_MS > deps.now()) return grant.accessToken;
      return (await refresh(grantId, { kind: 'due' })).accessToken;
    },
    /** After Xero said TokenExpired for this token: refresh unless another context already did. */
    async replaceExpired(grantId: string, expiredAccessToken: string): Promise<string> {
      return (await refresh(grantId, { kind: 'expired', accessToken: expiredAccessToken })).accessToken;
    },
    /** Stores the tokens of a new sign-in as a grant. */
    async saveSignIn(tokens: TokenSet, clientId: string, grantId: string): Promise<Grant> {
      const now = deps.now();
      const grant: Grant = {
        id: grantId,
        clientId,
        xeroUserId: tokens.xeroUserId,
        ...(tokens.email ? { xeroUserEmail: tokens.email } : {}),
        scope: tokens.scope,
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: tokens.expiresAt,
        createdAt: now,
        rotatedAt: now,
        lastUsedAt: now,
        status: 'active',
      };
      await deps.db.grants.put(grant);
      return grant;
    },
  };
}

export type TokenManager = ReturnType<typeof createTokenManager>;
