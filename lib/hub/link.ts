import type { FirmUser, Role } from '../db/records';
import { createHubClient, type HubClient, HubClientError } from './client';
import type { HubRole } from './contract';
import { type HubSession, type HubSessionStore, hubSessionSchema } from './session';
import { type HubState, hubStateSchema, serverOriginOf } from './state';

/**
 * This browser's link to the firm's Client Hub server: sign-in, the role the server gives, sign-out,
 * and what happens when the server refuses the sign-in or cannot be reached. The token never leaves
 * here except in the Authorization header of a request to the server it came from.
 */

/**
 * The server's roles in the extension's two local roles. Only a hub Admin may change the Xero setup
 * (the hub's permissions table lets only Admins write connections and create workspaces); Managers
 * run the team on the server but, like Staff, see the integration here read-only.
 */
export function localRoleOf(role: HubRole): Role {
  return role === 'Admin' ? 'admin' : 'staff';
}

export interface HubLinkDeps {
  sessions: HubSessionStore;
  fetch: typeof fetch;
  now: () => number;
  /** The firm's policy: a fixed server address, if any. */
  managedUrl: () => Promise<string | undefined>;
  /** The host a plain-http server is allowed on (sandbox builds only; see plainHttpHubHost). */
  plainHttpHost?: string | null;
  /** Work for the server still waiting on this computer, in words (lib/hub/unsent.ts). */
  unsent?: (session: HubSession | null) => Promise<HubState['unsent']>;
  /** A change from the server this browser could not read, in words (lib/hub/pull.ts, feedProblemOf). */
  feedProblem?: () => Promise<HubState['problem']>;
  /**
   * Runs after the server accepted a sign-in and before it is kept (so before anything can be sent
   * with it): work left by whoever was signed in before is held for them (lib/hub/unsent.ts).
   */
  beforeSignIn?: (before: HubSession | null, after: HubSession) => Promise<void>;
  /** Whether the browser lets the extension reach this origin (the optional host permission). */
  hasOriginPermission?: (origin: string) => Promise<boolean>;
}

export class HubLinkError extends HubClientError {}

const notConnected = () =>
  new HubLinkError(
    'hub-sign-in-refused',
    'Not signed in to the Client Hub server',
    'This browser is not signed in to your firm’s Client Hub server.',
    'Sign in under “Client Hub server” in Client Hub settings.',
  );

const signInAgain = (session: HubSession) =>
  new HubLinkError(
    'hub-sign-in-refused',
    'Sign in to the Client Hub server again',
    `The Client Hub server no longer accepts the sign-in of ${session.user.email} on this computer: you may have been signed out elsewhere, or your account was changed or removed.`,
    'Sign in again under “Client Hub server” in Client Hub settings. Work not yet sent stays on this computer.',
    401,
  );

/** The typed address as the server's origin, or a plain "not an address" problem (see serverOriginOf). */
export function serverOrigin(address: string, plainHttpHost: string | null = null): string {
  const origin = serverOriginOf(address, plainHttpHost);
  if (!origin) throw badAddress(address);
  return origin;
}

const badAddress = (address: string) =>
  new HubLinkError(
    'hub-invalid-request',
    'That is not a Client Hub server address',
    `“${address.slice(0, 200)}” is not an address Client Hub can use. It must start with https://.`,
    'Enter the address your firm gave you, for example https://hub.your-firm.com.',
  );

export function createHubLink(deps: HubLinkDeps) {
  let lastProblem: HubState['problem'] = null;

  const clientFor = (url: string, token?: string): HubClient =>
    createHubClient({ url, token, fetch: deps.fetch });

  async function current(): Promise<HubSession | null> {
    return deps.sessions.load();
  }

  async function state(): Promise<HubState> {
    const session = await current();
    const managed = (await deps.managedUrl()) ?? null;
    return hubStateSchema.parse({
      connected: session !== null,
      managedUrl: managed,
      url: session?.url ?? managed,
      user: session?.user ?? null,
      firm: session?.firm ?? null,
      signInRefused: session?.refusedAt != null,
      checkedAt: session?.checkedAt ?? null,
      // A change the pull stopped before outlasts any one call's problem: it needs someone to act.
      problem: session ? ((await deps.feedProblem?.()) ?? lastProblem) : null,
      unsent: (await deps.unsent?.(session)) ?? null,
    });
  }

  /** The server refused the token: keep who it was (to say so), send nothing more with it. */
  async function markRefused(session: HubSession) {
    await deps.sessions.save({ ...session, refusedAt: deps.now() });
  }

  async function noteFailure(session: HubSession, error: unknown) {
    if (!(error instanceof HubClientError)) return;
    if (error.status === 401) await markRefused(session);
    else lastProblem = error.toMessageError();
  }

  return {
    state,
    session: current,

    /** Email and password sign-in, then who the server says this is. */
    async signIn(input: { url: string; email: string; password: string }): Promise<HubState> {
      const managed = await deps.managedUrl();
      const origin = serverOrigin(managed ?? input.url, deps.plainHttpHost ?? null);
      if (deps.hasOriginPermission && !(await deps.hasOriginPermission(origin))) {
        throw new HubLinkError(
          'hub-forbidden',
          'Client Hub may not reach that server yet',
          `The browser has not allowed Client Hub to connect to ${origin}.`,
          'Click Connect again and choose Allow when the browser asks.',
        );
      }
      const { token } = await clientFor(origin).signInWithPassword(input.email.trim(), input.password);
      const client = clientFor(origin, token);
      const me = await client.me();
      if (me.role === 'Client User') {
        await client.signOut().catch(() => undefined);
        throw new HubLinkError(
          'hub-forbidden',
          'This is a client’s account',
          'Clients answer their tasks in the Client Hub portal, from the link in their email; this extension is for the firm’s team.',
          'Sign in with your firm account, or ask an Admin of your firm to add you.',
        );
      }
      const previous = await current();
      if (previous && previous.refusedAt === null && previous.token !== token) {
        // A new sign-in replaces the old: end the old one on the server too.
        await clientFor(previous.url, previous.token)
          .signOut()
          .catch(() => undefined);
      }
      const at = deps.now();
      const session = hubSessionSchema.parse({
        url: origin,
        token,
        user: { id: me.userId, name: me.name, email: me.email, role: me.role },
        firm: me.firm,
        signedInAt: at,
        checkedAt: at,
        refusedAt: null,
      });
      await deps.beforeSignIn?.(previous, session);
      await deps.sessions.save(session);
      lastProblem = null;
      return state();
    },

    /**
     * Signs out on the server (when it answers) and forgets the token here. Tasks, answers and
     * changes not yet sent stay in this browser's database.
     */
    async signOut(): Promise<HubState> {
      const session = await current();
      if (session && session.refusedAt === null) {
        await clientFor(session.url, session.token)
          .signOut()
          .catch(() => undefined);
      }
      await deps.sessions.clear();
      lastProblem = null;
      return state();
    },

    /**
     * Asks the server who this is again (startup, schedule, the options page opening), so a role
     * changed on the server, or a user removed, takes effect here.
     */
    async check(): Promise<HubState> {
      const session = await current();
      if (!session || session.refusedAt !== null) return state();
      try {
        const me = await clientFor(session.url, session.token).me();
        await deps.sessions.save({
          ...session,
          user: { id: me.userId, name: me.name, email: me.email, role: me.role },
          firm: me.firm,
          checkedAt: deps.now(),
        });
        lastProblem = null;
      } catch (error) {
        await noteFailure(session, error);
        if (!(error instanceof HubClientError)) throw error;
      }
      return state();
    },

    /**
     * Runs `work` with a client signed in as this browser's user; a 401 marks the sign-in refused.
     * Throws a plain "sign in (again)" error when there is no usable sign-in.
     */
    async call<T>(work: (client: HubClient, session: HubSession) => Promise<T>): Promise<T> {
      const session = await current();
      if (!session) throw notConnected();
      if (session.refusedAt !== null) throw signInAgain(session);
      try {
        const result = await work(clientFor(session.url, session.token), session);
        lastProblem = null;
        return result;
      } catch (error) {
        await noteFailure(session, error);
        if (error instanceof HubClientError && error.status === 401) throw signInAgain(session);
        throw error;
      }
    },

    /**
     * Who uses Client Hub here, when the server says so: name and role from the server. A refused
     * sign-in keeps the name (for "Sent by" and task history) but is never an Admin until the
     * person signs in again; an unreachable server keeps the role it last confirmed.
     */
    async firmUser(): Promise<FirmUser | null> {
      const session = await current();
      if (!session) return null;
      return {
        name: session.user.name,
        email: session.user.email,
        role: session.refusedAt === null ? localRoleOf(session.user.role) : 'staff',
      };
    },

    /** Throws unless the server's role for this user is Admin (see localRoleOf). */
    async requireAdmin(session: HubSession): Promise<FirmUser> {
      if (session.refusedAt !== null) throw signInAgain(session);
      if (localRoleOf(session.user.role) !== 'admin') {
        throw new HubLinkError(
          'admin-only',
          'Only a Client Hub Admin can change this',
          `Your firm’s Client Hub server gives you the role ${session.user.role}; only an Admin can change the Xero integration.`,
          'Ask an Admin in your firm to do this, or to change your role on the Client Hub server.',
        );
      }
      return { name: session.user.name, email: session.user.email, role: 'admin' };
    },
  };
}

export type HubLink = ReturnType<typeof createHubLink>;
