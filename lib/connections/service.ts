import type { OAuthDeps, PendingSignIn, XeroAuthServer } from '../auth/oauth';
import { beginSignIn, finishSignIn, pendingSignInSchema, revokeRefreshToken } from '../auth/oauth';
import type { TokenManager } from '../auth/token-manager';
import { companyDataTables, deleteCompanyData } from '../db/company-data';
import type { ClientHubDb } from '../db/database';
import type { Connection, FirmUser, Grant, Health, Organisation } from '../db/records';
import { connectionSchema } from '../db/records';
import { authorizePageFailure, classifyFailure, describeFailure, type XeroFailure } from '../errors';
import type { Contact, XeroApi } from '../xero/api';
import { FailureError, failureFromOAuthError } from '../xero/failure-error';

/** Keeps the sign-in between opening Xero and its redirect: storage.session in the browser. */
export interface PendingSignInStore {
  save(pending: PendingSignIn): Promise<void>;
  /** Returns and forgets the sign-in with this state (single use). */
  take(state: string): Promise<unknown>;
}

export interface ConnectionServiceDeps {
  db: ClientHubDb;
  api: XeroApi;
  tokens: TokenManager;
  oauth: OAuthDeps;
  authServer: (clientId: string) => XeroAuthServer;
  /** The Xero app's client id: managed storage first, then the build's. */
  clientId: () => Promise<string>;
  /** The redirect URI this browser gives the extension (identity.getRedirectURL()). */
  redirectUri: string;
  /** Opens Xero sign-in and resolves with the URL Xero redirected to (identity.launchWebAuthFlow). */
  launchSignIn: (url: string) => Promise<string>;
  pendingSignIns: PendingSignInStore;
  newId: () => string;
  /**
   * The company's sync lock (Web Locks in the browser): Remove holds it, so no sync page of the
   * company is written while, or after, its data is deleted.
   */
  withCompanyLock: <T>(tenantId: string, task: () => Promise<T>) => Promise<T>;
  /** Aborts the company's work in flight (its sync), so Remove does not wait for a whole backfill. */
  stopCompanyWork?: (tenantId: string) => void;
}

export interface SignInResult {
  added: { tenantId: string; name: string }[];
  refreshed: { tenantId: string; name: string }[];
}

export interface RemovalResult {
  name: string;
  /**
   * Removed in Xero now, queued until Xero can be reached, or cancelled because an Admin connected
   * the company again before a queued Remove could finish.
   */
  state: 'removed' | 'queued' | 'cancelled';
  revokedSignIn: boolean;
  /** Client Tasks deleted from this computer with the company. */
  tasksDeleted: number;
}

/** Words Xero's authorize page uses when it refuses a request instead of showing sign-in. */
const AUTHORIZE_REFUSAL =
  /unauthori[sz]ed_client|invalid_client|invalid_scope|invalid_request|Invalid redirect_uri|Unknown client/i;

/** OAuth errors that say "not now" rather than "no" (RFC 6749 §4.1.2.1). */
const TRANSIENT_OAUTH_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

const healthy = (at: number): Health => ({ state: 'healthy', checkedAt: at });

/**
 * Connecting, re-checking and removing Xero companies: the integration table's behaviour.
 */
export function createConnectionService(deps: ConnectionServiceDeps) {
  const { db, api, tokens } = deps;
  const now = () => deps.oauth.now();
  /** Removals in flight in this context, by tenant id: a sign-in of the same company aborts them. */
  const removing = new Map<string, AbortController>();

  function problemFor(failure: XeroFailure, row?: Pick<Connection, 'tenantName'>, grantLastUsedAt?: number) {
    return describeFailure(
      failure,
      { ...(row ? { organisationName: row.tenantName } : {}), redirectUri: deps.redirectUri, now: now() },
      grantLastUsedAt ? { grantLastUsedAt } : {},
    );
  }

  async function setHealth(tenantId: string, health: Health) {
    await db.connections.update(tenantId, { health });
  }

  /** Asks Xero whether a company this grant was refused is still connected. */
  async function diagnoseForbidden(row: Connection): Promise<XeroFailure> {
    if (!row.grantId) return { kind: 'connection', reason: 'removed' };
    const listed = await api.connections(row.grantId);
    return listed.some((c) => c.tenantId === row.tenantId)
      ? { kind: 'connection', reason: 'access-lost' }
      : { kind: 'connection', reason: 'removed' };
  }

  /** Every call's outcome updates the health of the rows it concerns. */
  async function recordContact(contact: Contact) {
    if (contact.ok) {
      if (contact.tenantId) await setHealth(contact.tenantId, healthy(contact.at));
      return;
    }
    const failure = contact.failure ?? { kind: 'unknown', detail: 'no detail' };
    const rows = contact.tenantId
      ? await db.connections.where('tenantId').equals(contact.tenantId).toArray()
      : await db.connections.where('grantId').equals(contact.grantId).toArray();
    for (const row of rows) {
      let effective = failure;
      if (failure.kind === 'http' && failure.status === 403 && contact.tenantId) {
        effective = await diagnoseForbidden(row).catch(() => failure);
      }
      const grant = row.grantId ? await db.grants.get(row.grantId) : undefined;
      await setHealth(row.tenantId, {
        state: 'attention',
        problem: problemFor(effective, row, grant?.lastUsedAt),
        checkedAt: contact.at,
      });
    }
  }

  /** Xero shows its own page, not a redirect, for a wrong client id, redirect URI or scope. */
  async function checkAuthorizePage(url: string) {
    let response: Response;
    try {
      response = await deps.oauth.fetch(url, { credentials: 'omit' });
    } catch {
      return; // Unreachable here does not mean refused: the sign-in window will say more.
    }
    const text = await response.text();
    if (response.status >= 400 || AUTHORIZE_REFUSAL.test(text))
      throw new FailureError(authorizePageFailure(text));
  }

  async function signIn(firmUser: FirmUser, reconnectTenantId?: string): Promise<SignInResult> {
    const clientId = await deps.clientId();
    if (!clientId) throw new FailureError({ kind: 'config', reason: 'client-id-missing' });
    const server = deps.authServer(clientId);
    const { url, pending } = await beginSignIn(server, {
      redirectUri: deps.redirectUri,
      now: now(),
      reconnectTenantId,
    });
    await deps.pendingSignIns.save(pending);
    let redirectedTo: string;
    let stored: ReturnType<typeof pendingSignInSchema.safeParse>;
    try {
      await checkAuthorizePage(url);
      try {
        redirectedTo = await deps.launchSignIn(url);
      } catch (error) {
        throw new FailureError(failureFromOAuthError(error));
      }
      const state = new URL(redirectedTo).searchParams.get('state') ?? '';
      stored = pendingSignInSchema.safeParse(await deps.pendingSignIns.take(state));
    } finally {
      // Cancelled, refused, or answered with another state: this sign-in's verifier is never needed again.
      await deps.pendingSignIns.take(pending.state).catch(() => undefined);
    }
    if (!stored.success) throw new FailureError({ kind: 'sign-in', reason: 'state-mismatch' });

    let tokenSet: Awaited<ReturnType<typeof finishSignIn>>;
    try {
      tokenSet = await finishSignIn(server, stored.data, redirectedTo, now());
    } catch (error) {
      throw new FailureError(failureFromOAuthError(error, 'authorization_code'));
    }
    const grant = await tokens.saveSignIn(tokenSet, clientId, deps.newId());
    const ticked = await api.connections(grant.id, tokenSet.authEventId);
    const result: SignInResult = { added: [], refreshed: [] };
    for (const xeroConnection of ticked) {
      if (xeroConnection.tenantType !== 'ORGANISATION') continue;
      // Connecting a company again cancels its queued Remove: a removal in flight stops before it
      // deletes anything (it re-reads its queue row in the same transaction as its deletes).
      removing.get(xeroConnection.tenantId)?.abort();
      const existing = await db.transaction('rw', [db.connections, db.pendingRemovals], async () => {
        await db.pendingRemovals.delete(xeroConnection.tenantId);
        return db.connections.get(xeroConnection.tenantId);
      });
      const name = xeroConnection.tenantName ?? existing?.tenantName ?? 'Xero company';
      if (existing) {
        // Same company again: re-attach to the new sign-in, keep its workspace and accounts.
        await db.connections.update(existing.tenantId, {
          xeroConnectionId: xeroConnection.id,
          grantId: grant.id,
          tenantName: name,
          health: healthy(now()),
        });
        result.refreshed.push({ tenantId: existing.tenantId, name });
      } else {
        const row: Connection = {
          tenantId: xeroConnection.tenantId,
          xeroConnectionId: xeroConnection.id,
          grantId: grant.id,
          tenantName: name,
          workspaceId: null,
          monitoredAccountIds: [],
          sentBy: { name: firmUser.name, email: firmUser.email },
          connectedAt: now(),
          lastSyncedAt: null,
          health: healthy(now()),
        };
        await db.connections.put(connectionSchema.parse(row));
        result.added.push({ tenantId: row.tenantId, name });
      }
      await loadOrganisation(grant.id, xeroConnection.tenantId);
    }
    await forgetUnusedGrants();
    return result;
  }

  async function loadOrganisation(grantId: string, tenantId: string) {
    try {
      const organisation: Organisation = await api.organisation(grantId, tenantId);
      await db.connections.update(tenantId, { organisation, tenantName: organisation.name });
    } catch {
      // Health already records the failure; the row still shows Xero's connection name.
    }
  }

  /**
   * Grants no row uses are dropped locally (never revoked here: that would disconnect the user's other
   * rows), except one whose revocation is still owed to Xero (retryPendingRevocations).
   */
  async function forgetUnusedGrants() {
    const used = new Set((await db.connections.toArray()).map((row) => row.grantId));
    const grants = await db.grants.toArray();
    await db.grants.bulkDelete(
      grants
        .filter((grant) => !used.has(grant.id) && grant.status !== 'revoke-pending')
        .map((grant) => grant.id),
    );
  }

  /** Xero's revocation ends every connection the Xero user gave this app: only when no row of theirs is left. */
  async function userStillConnected(xeroUserId: string, exceptTenantId?: string): Promise<boolean> {
    const sameUserGrants = new Set(
      (await db.grants.toArray()).filter((g) => g.xeroUserId === xeroUserId).map((g) => g.id),
    );
    return (await db.connections.toArray()).some(
      (row) => row.tenantId !== exceptTenantId && row.grantId !== null && sameUserGrants.has(row.grantId),
    );
  }

  async function requireRow(tenantId: string): Promise<Connection> {
    const row = await db.connections.get(tenantId);
    if (!row) throw new FailureError({ kind: 'connection', reason: 'removed' });
    return connectionSchema.parse(row);
  }

  return {
    recordContact,
    signIn,
    problemFor,

    /**
     * Contacts Xero for every company (its /Organisation, which also keeps name and short code
     * current); each answer updates that row's health through recordContact.
     */
    async checkAll(): Promise<void> {
      const rows = await db.connections.toArray();
      const removing = new Set((await db.pendingRemovals.toArray()).map((r) => r.tenantId));
      for (const row of rows) {
        if (!row.grantId || removing.has(row.tenantId)) continue;
        await loadOrganisation(row.grantId, row.tenantId);
      }
    },

    /**
     * Re-checks one company: refresh its tokens and look for it in /connections. If Xero no longer
     * has it (grant revoked or expired, connection removed), sign in again and re-attach the row.
     */
    async refresh(tenantId: string, firmUser: FirmUser): Promise<{ reconnected: boolean }> {
      const row = await requireRow(tenantId);
      await setHealth(tenantId, { ...row.health, state: 'checking' });
      let needsSignIn = !row.grantId;
      if (row.grantId) {
        try {
          await tokens.refresh(row.grantId);
          const listed = await api.connections(row.grantId);
          const match = listed.find((c) => c.tenantId === tenantId);
          if (match) {
            await db.connections.update(tenantId, { xeroConnectionId: match.id });
            await loadOrganisation(row.grantId, tenantId);
            await setHealth(tenantId, healthy(now()));
            return { reconnected: false };
          }
          needsSignIn = true;
        } catch (error) {
          const failure = failureFromOAuthError(error);
          const code = classifyFailure(failure, { now: now() });
          if (code !== 'grant-revoked' && code !== 'grant-expired' && code !== 'connection-removed') {
            const grant = row.grantId ? await db.grants.get(row.grantId) : undefined;
            await setHealth(tenantId, {
              state: 'attention',
              problem: problemFor(failure, row, grant?.lastUsedAt),
              checkedAt: now(),
            });
            throw error;
          }
          needsSignIn = true;
        }
      }
      if (!needsSignIn) return { reconnected: false };
      try {
        const result = await signIn(firmUser, tenantId);
        if (!result.refreshed.some((r) => r.tenantId === tenantId)) {
          throw new FailureError({ kind: 'connection', reason: 'removed' });
        }
        return { reconnected: true };
      } catch (error) {
        const current = await db.connections.get(tenantId);
        if (current?.health.state === 'checking') {
          await setHealth(tenantId, {
            state: 'attention',
            problem: problemFor(failureFromOAuthError(error), row),
            checkedAt: now(),
          });
        }
        throw error;
      }
    },

    /** Removes a company: in Xero, then (if nothing else needs it) the sign-in, then its local data. */
    async remove(tenantId: string): Promise<RemovalResult> {
      const row = await requireRow(tenantId);
      await db.pendingRemovals.put({
        tenantId,
        tenantName: row.tenantName,
        xeroConnectionId: row.xeroConnectionId,
        grantId: row.grantId,
        requestedAt: now(),
        attempts: 0,
      });
      return finishRemoval(tenantId);
    },

    /**
     * Revocations Xero could not be reached for, tried again (on the schedule). A Xero user who has
     * connected again since is left alone: revoking the old token would end their new connections too.
     */
    async retryPendingRevocations(): Promise<{ revoked: number; left: number }> {
      const pending = await db.grants.where('status').equals('revoke-pending').toArray();
      let revoked = 0;
      for (const grant of pending) {
        if (await userStillConnected(grant.xeroUserId)) {
          await db.grants.delete(grant.id);
          continue;
        }
        const outcome = await revoke(grant);
        if (outcome === 'unreachable') continue;
        await db.grants.delete(grant.id);
        if (outcome === 'revoked') revoked++;
      }
      return { revoked, left: await db.grants.where('status').equals('revoke-pending').count() };
    },

    /** Retries removals that could not reach Xero (called on start-up and by the schedule). */
    /** Queued Removes, tried again; each result names its company (the firm's server forgets it too). */
    async retryPendingRemovals() {
      const pending = await db.pendingRemovals.toArray();
      const results: (RemovalResult & { tenantId: string })[] = [];
      for (const removal of pending) {
        // Cancelled by a sign-in since the list was read: nothing to do.
        const result = await finishRemoval(removal.tenantId).catch(() => ({
          name: removal.tenantName,
          state: 'cancelled' as const,
          revokedSignIn: false,
          tasksDeleted: 0,
        }));
        results.push({ ...result, tenantId: removal.tenantId });
      }
      return results;
    },

    async linkWorkspace(tenantId: string, choice: { workspaceId: string } | { newWorkspaceName: string }) {
      await requireRow(tenantId);
      let workspaceId: string;
      if ('workspaceId' in choice) {
        if (!(await db.workspaces.get(choice.workspaceId)))
          throw new Error('That workspace no longer exists');
        workspaceId = choice.workspaceId;
      } else {
        workspaceId = deps.newId();
        await db.workspaces.put({ id: workspaceId, name: choice.newWorkspaceName.trim(), createdAt: now() });
      }
      await db.connections.update(tenantId, { workspaceId });
      return { workspaceId };
    },
  };

  async function finishRemoval(tenantId: string): Promise<RemovalResult> {
    const controller = new AbortController();
    removing.get(tenantId)?.abort();
    removing.set(tenantId, controller);
    // Abort first, then wait for the lock: a sync in flight stops at its next page instead of
    // finishing a whole backfill, and whatever it had not committed is never written.
    deps.stopCompanyWork?.(tenantId);
    try {
      return await deps.withCompanyLock(tenantId, () => removeUnderLock(tenantId, controller.signal));
    } finally {
      if (removing.get(tenantId) === controller) removing.delete(tenantId);
    }
  }

  async function removeUnderLock(tenantId: string, signal: AbortSignal): Promise<RemovalResult> {
    const removal = await db.pendingRemovals.get(tenantId);
    if (!removal) throw new FailureError({ kind: 'connection', reason: 'removed' });
    const cancelled: RemovalResult = {
      name: removal.tenantName,
      state: 'cancelled',
      revokedSignIn: false,
      tasksDeleted: 0,
    };
    let revokedSignIn = false;
    if (removal.grantId) {
      try {
        signal.throwIfAborted();
        await api.deleteConnection(removal.grantId, removal.xeroConnectionId, signal);
      } catch (error) {
        if (signal.aborted) return cancelled;
        const failure = failureFromOAuthError(error);
        const code = classifyFailure(failure, { now: now() });
        // Already gone from Xero's side (or the whole sign-in is): nothing left to remove there.
        const gone =
          (failure.kind === 'http' && (failure.status === 404 || failure.status === 403)) ||
          code === 'grant-revoked' ||
          code === 'grant-expired' ||
          code === 'connection-removed';
        if (!gone) {
          await db.pendingRemovals.update(tenantId, {
            attempts: removal.attempts + 1,
            lastProblem: problemFor(failure, { tenantName: removal.tenantName }),
          });
          return { name: removal.tenantName, state: 'queued', revokedSignIn: false, tasksDeleted: 0 };
        }
      }
      // Connected again while Xero answered: the new sign-in's connection is not ours to revoke.
      if (signal.aborted) return cancelled;
      revokedSignIn = await revokeIfUnused(removal.grantId, tenantId);
    }
    const deleted = await db.transaction('rw', companyDataTables(db), async () => {
      // The queue row is read again here: a sign-in that cancelled this Remove wins, all or nothing.
      const still = await db.pendingRemovals.get(tenantId);
      if (!still || still.requestedAt !== removal.requestedAt) return null;
      return deleteCompanyData(db, tenantId);
    });
    if (!deleted) return cancelled;
    await forgetUnusedGrants();
    return { name: removal.tenantName, state: 'removed', revokedSignIn, tasksDeleted: deleted.tasks };
  }

  /**
   * Xero's revocation ends every connection the Xero user gave this app, so it is only done when no
   * other row belongs to the same Xero user.
   */
  async function revokeIfUnused(grantId: string, removingTenantId: string): Promise<boolean> {
    const grant = await db.grants.get(grantId);
    if (grant?.status !== 'active') return false;
    if (await userStillConnected(grant.xeroUserId, removingTenantId)) return false;
    const outcome = await revoke(grant);
    // Owed to Xero until it answers: the schedule tries again (retryPendingRevocations).
    await db.grants.update(grantId, { status: outcome === 'unreachable' ? 'revoke-pending' : 'revoked' });
    return outcome === 'revoked';
  }

  /**
   * `refused`: Xero answered but would not revoke (the token is already revoked or expired there), so
   * nothing is owed. `unreachable`: no answer, or Xero failing; worth asking again.
   */
  async function revoke(grant: Grant): Promise<'revoked' | 'refused' | 'unreachable'> {
    try {
      await revokeRefreshToken(deps.authServer(grant.clientId), grant.refreshToken);
      return 'revoked';
    } catch (error) {
      const failure = failureFromOAuthError(error);
      const refused =
        (failure.kind === 'oauth' && !TRANSIENT_OAUTH_ERRORS.has(failure.error)) ||
        (failure.kind === 'http' && failure.status >= 400 && failure.status < 500 && failure.status !== 429);
      return refused ? 'refused' : 'unreachable';
    }
  }
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
