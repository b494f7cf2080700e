import { type XeroAuthServer, xeroAuthServer } from '../auth/oauth';
import { createTokenManager, type WithLock } from '../auth/token-manager';
import type { XeroConfig } from '../config/xero';
import { createConnectionService, type PendingSignInStore } from '../connections/service';
import type { ClientHubDb } from '../db/database';
import type { FirmUser } from '../db/records';
import type { SetupState } from '../messaging/contract';
import { createMessageRouter, type Handlers } from '../messaging/router';
import { loadFirmUser, readManagedPolicy, saveFirmUser } from '../settings/firm';
import { startClientTasks } from '../tasks/handlers';
import { createXeroApi } from '../xero/api';
import { describeError } from './describe-error';
import { createPageHandlers, type XeroTabs } from './page-handlers';

export interface BackgroundDeps {
  /** The extension's own id: messages from anything else are refused. */
  extensionId: string;
  version: string;
  xero: XeroConfig;
  db: ClientHubDb;
  now: () => number;
  fetch: typeof fetch;
  withLock: WithLock;
  newId: () => string;
  /** identity.getRedirectURL(): differs per browser. */
  redirectUri: string;
  launchWebAuthFlow: (url: string) => Promise<string>;
  pendingSignIns: PendingSignInStore;
  readManagedStorage: () => Promise<unknown>;
  alarms: {
    get(name: string): Promise<unknown>;
    create(name: string, info: { periodInMinutes: number }): unknown;
    onAlarm: { addListener(listener: (alarm: { name: string }) => void): void };
  };
  /** Xero tabs (content script): "Open task" opens the Client Tasks page; task changes reach open tabs. */
  tabs?: XeroTabs;
  xeroTabMatches?: string[];
  extensionUrl?: (path: string) => string;
  onMessage: {
    addListener(listener: (message: unknown, sender: { id?: string | undefined }) => Promise<unknown>): void;
  };
}

export const SCHEDULE_ALARM = 'client-hub-schedule';

export class AdminOnlyError extends Error {
  readonly code = 'admin-only';
  constructor() {
    super('Only a Client Hub Admin can change the Xero integration. Ask an Admin in your firm to do this.');
  }
}

/** Wires the background's services. Runs once per service-worker (or event-page) start. */
export function startBackground(deps: BackgroundDeps) {
  const startedAt = deps.now();
  const oauthDeps = { fetch: deps.fetch, now: deps.now };
  const authServer = (clientId: string): XeroAuthServer => xeroAuthServer(deps.xero, clientId, oauthDeps);
  const tokens = createTokenManager({
    db: deps.db,
    server: authServer,
    now: deps.now,
    withLock: deps.withLock,
  });
  let connections: ReturnType<typeof createConnectionService> | undefined;
  const api = createXeroApi({
    fetch: deps.fetch,
    config: deps.xero,
    tokens,
    now: deps.now,
    onContact: (contact) => connections?.recordContact(contact),
  });
  const policy = () => readManagedPolicy(deps.readManagedStorage);
  connections = createConnectionService({
    db: deps.db,
    api,
    tokens,
    oauth: oauthDeps,
    authServer,
    clientId: async () => (await policy()).xeroClientId ?? deps.xero.clientId,
    redirectUri: deps.redirectUri,
    launchSignIn: deps.launchWebAuthFlow,
    pendingSignIns: deps.pendingSignIns,
    newId: deps.newId,
  });
  const service = connections;

  async function setupState(): Promise<SetupState> {
    const managed = await policy();
    return {
      firmUser: await loadFirmUser(deps.db, managed),
      managedRole: managed.role ?? null,
      clientIdConfigured: Boolean(managed.xeroClientId ?? deps.xero.clientId),
      redirectUri: deps.redirectUri,
      target: deps.xero.target,
    };
  }

  async function requireAdmin(): Promise<FirmUser> {
    const user = await loadFirmUser(deps.db, await policy());
    if (user?.role !== 'admin') throw new AdminOnlyError();
    return user;
  }

  // Client Tasks: answers, Close / Re-open, and the outbox that writes them to Xero.
  const tasks = startClientTasks({
    db: deps.db,
    api,
    now: deps.now,
    newId: deps.newId,
    withLock: deps.withLock,
    firmUser: async () => loadFirmUser(deps.db, await policy()),
  });
  const pages = createPageHandlers({
    db: deps.db,
    api,
    now: deps.now,
    newId: deps.newId,
    isAdmin: async () => (await loadFirmUser(deps.db, await policy()))?.role === 'admin',
    tabs: deps.tabs,
    xeroTabMatches: deps.xeroTabMatches ?? [],
    extensionUrl: deps.extensionUrl ?? ((path) => path),
  });
  pages.watchTaskChanges();
  const handlers: Handlers = {
    ...pages.handlers,
    ...tasks.handlers,
    'background.status': async () => ({
      version: deps.version,
      target: deps.xero.target,
      startedAt,
      xeroAppUrl: deps.xero.appBase,
    }),
    'setup.state': setupState,
    'setup.saveFirmUser': async ({ user }) => {
      await saveFirmUser(deps.db, user, await policy());
      return setupState();
    },
    'connections.add': async () => service.signIn(await requireAdmin()),
    // Anyone may ask for fresh health: it changes nothing but what the table knows.
    'connections.check': async () => {
      await checkNow();
      return { checkedAt: deps.now() };
    },
    'connections.refresh': async ({ tenantId }) => service.refresh(tenantId, await requireAdmin()),
    'connections.remove': async ({ tenantId }) => {
      await requireAdmin();
      return service.remove(tenantId);
    },
    'connections.linkWorkspace': async ({ tenantId, choice }) => {
      await requireAdmin();
      return service.linkWorkspace(tenantId, choice);
    },
  };
  deps.onMessage.addListener(
    createMessageRouter(handlers, deps.extensionId, describeError(service, deps.now)),
  );

  /** One check at a time: a page opening while the schedule runs joins the running check. */
  let running: Promise<void> | null = null;
  function checkNow(): Promise<void> {
    running ??= (async () => {
      await service.retryPendingRemovals().catch(() => undefined);
      await service.checkAll();
    })().finally(() => {
      running = null;
    });
    return running;
  }
  // Re-creating an alarm restarts its period, so a worker that wakes often would never reach it.
  void deps.alarms.get(SCHEDULE_ALARM).then((existing) => {
    if (!existing) deps.alarms.create(SCHEDULE_ALARM, { periodInMinutes: 15 });
  });
  deps.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SCHEDULE_ALARM) void checkNow();
  });
  // Removals queued while Xero was unreachable finish on the next start.
  void service.retryPendingRemovals().catch(() => undefined);
  return { startedAt, connections: service, tokens, api, tasks };
}
