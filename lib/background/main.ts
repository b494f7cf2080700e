import { type XeroAuthServer, xeroAuthServer } from '../auth/oauth';
import { createTokenManager, type WithLock } from '../auth/token-manager';
import { contentScriptMatches } from '../config/manifest';
import { plainHttpHubHost, type XeroConfig } from '../config/xero';
import { createConnectionService, type PendingSignInStore } from '../connections/service';
import type { ClientHubDb } from '../db/database';
import type { FirmUser } from '../db/records';
import { cleanUpStorage } from '../db/storage';
import { createClientsHandlers } from '../hub/clients';
import { createFirmConnections } from '../hub/firm-connections';
import { createHubLink } from '../hub/link';
import { createHubLive, LIVE_PORT, sessionApi } from '../hub/live';
import { createHubPull, feedProblemOf, PULL_REST, pacePull } from '../hub/pull';
import { createHubPush } from '../hub/push';
import { hubSessionStore } from '../hub/session';
import { createUnsentWork } from '../hub/unsent';
import type { SetupState } from '../messaging/contract';
import { pageRequestSchemas } from '../messaging/page-contract';
import { createMessageRouter, type Handlers, type Sender } from '../messaging/router';
import { loadFirmUser, readManagedPolicy, saveFirmUser } from '../settings/firm';
import { dayLimitFor, loadSyncPreferences } from '../settings/sync-preferences';
import { startSuggestions } from '../suggestions/handlers';
import { companyLockName, createGovernor, createSyncEngine, type SyncEngine } from '../sync';
import { startClientTasks } from '../tasks/handlers';
import { createXeroApi } from '../xero/api';
import { describeError } from './describe-error';
import { createPageHandlers, type XeroTabs } from './page-handlers';
import { createStartPageHandler, type PageScriptTarget } from './page-start';
import { limitPerTab } from './rate-limit';
import { createSyncHandlers } from './sync-handlers';

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
  alarmsClear?: (name: string) => Promise<unknown>;
  /** runtime.onStartup: the browser started (not just this worker). */
  onBrowserStart?: (listener: () => void) => void;
  /** The toolbar icon's badge: Client Tasks needing the firm's attention. */
  setBadge?: (text: string, title: string) => void;
  /** Day budget for the governor before preferences are read (tests set Xero's limits directly). */
  governorLimits?: { perDay?: number; perMinute?: number; concurrent?: number };
  /** Xero tabs (content script): "Open task" opens the Client Tasks page; task changes reach open tabs. */
  tabs?: XeroTabs;
  xeroTabMatches?: string[];
  /** runtime.getURL: its origin is how the router knows the extension's own pages from content scripts. */
  extensionUrl: (path: string) => string;
  onMessage: {
    addListener(listener: (message: unknown, sender: Sender) => Promise<unknown>): void;
  };
  /** permissions.contains for the Client Hub server's origin (asked for when the user connects). */
  hasOriginPermission?: (origin: string) => Promise<boolean>;
  /** runtime.onConnect: pages that show tasks hold a port open for near-live updates from the hub. */
  onConnect?: (listener: (port: LivePort) => void) => void;
  /** Injects the content script into a Xero page's frame once it has loaded (scripting.executeScript). */
  injectPageScript?: (target: PageScriptTarget) => Promise<void>;
}

/** The part of runtime.Port the background uses. */
export interface LivePort {
  name: string;
  sender?: { id?: string };
  onDisconnect: { addListener(listener: () => void): void };
  postMessage(message: unknown): void;
}

export const SCHEDULE_ALARM = 'client-hub-schedule';

export class AdminOnlyError extends Error {
  readonly code = 'admin-only';
  constructor() {
    super('Only a Client Hub Admin can change the Xero integration. Ask an Admin in your firm to do this.');
  }
}

const fromServerOnly = () =>
  Object.assign(
    new Error(
      'Your name and role come from your firm’s Client Hub server. Ask an Admin of your firm to change them there.',
    ),
    { code: 'role-from-server' },
  );

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
  // Remove aborts the company's sync: the service is made first, so it reaches the engine by reference.
  let syncEngine: SyncEngine | undefined;
  // One governor per worker: every Xero call of the extension is made here, so it sees them all.
  const governor = createGovernor({
    now: deps.now,
    ...(deps.governorLimits ? { limits: deps.governorLimits } : {}),
  });
  const api = createXeroApi({
    fetch: deps.fetch,
    config: deps.xero,
    tokens,
    governor,
    now: deps.now,
    onContact: (contact) => connections?.recordContact(contact),
  });
  const policy = () => readManagedPolicy(deps.readManagedStorage);
  /** The history reads in flight, by company: Remove stops them. */
  const historyReads = new Map<string, AbortController>();
  // The firm's Client Hub server (optional): its session lives in the extension's own database.
  const hubSessions = hubSessionStore(deps.db.settings);
  // Work not yet sent when its author signs out: kept, and sent only as them.
  const unsentWork = createUnsentWork({ db: deps.db, now: deps.now });
  const hub = createHubLink({
    sessions: hubSessions,
    unsent: (session) => unsentWork.summary(session),
    feedProblem: () => feedProblemOf(deps.db),
    // Held before the new sign-in is kept: an outbox retry in between must not send it as them.
    beforeSignIn: (before, after) => unsentWork.signedIn(before, after),
    fetch: deps.fetch,
    now: deps.now,
    managedUrl: async () => (await policy()).hubUrl,
    plainHttpHost: plainHttpHubHost(deps.xero),
    ...(deps.hasOriginPermission ? { hasOriginPermission: deps.hasOriginPermission } : {}),
  });
  const firmConnections = createFirmConnections({ db: deps.db, link: hub });
  /** Reporting to the server is best effort: the next schedule reports every company again. */
  const report = (tenantId: string) => void firmConnections.report(tenantId).catch(() => undefined);
  /** Who uses Client Hub here: the server's user when connected, else the first-run form's. */
  const currentUser = async () => (await hub.firmUser()) ?? loadFirmUser(deps.db, await policy());
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
    withCompanyLock: (tenantId, task) => deps.withLock(companyLockName(tenantId), task),
    stopCompanyWork: (tenantId) => {
      syncEngine?.stop(tenantId);
      historyReads.get(tenantId)?.abort(new DOMException('The Xero company is being removed', 'AbortError'));
    },
  });
  const service = connections;
  const engine = createSyncEngine({
    db: deps.db,
    api,
    now: deps.now,
    withLock: deps.withLock,
    newId: deps.newId,
    governor,
    onProgress: () => scheduleBadgeRefresh(),
  });
  syncEngine = engine;

  async function setupState(): Promise<SetupState> {
    const managed = await policy();
    const hubState = await hub.state();
    return {
      firmUser: await currentUser(),
      // Connected: the role comes from the server, and no policy or form on this computer changes it.
      managedRole: hubState.connected ? null : (managed.role ?? null),
      hub: hubState,
      clientIdConfigured: Boolean(managed.xeroClientId ?? deps.xero.clientId),
      redirectUri: deps.redirectUri,
      target: deps.xero.target,
    };
  }

  /**
   * Setup changes are for Client Hub Admins. With a server, that is the server's role: hub Admin is
   * Admin here; Manager and Staff are not (see localRoleOf), and a refused sign-in is nobody's Admin.
   * Without one, it is the role chosen on this computer (or fixed by policy).
   */
  async function requireAdmin(): Promise<FirmUser> {
    const session = await hub.session();
    if (session) return hub.requireAdmin(session);
    const user = await loadFirmUser(deps.db, await policy());
    if (user?.role !== 'admin') throw new AdminOnlyError();
    return user;
  }

  const pages = createPageHandlers({
    db: deps.db,
    api,
    now: deps.now,
    newId: deps.newId,
    isAdmin: async () => (await currentUser())?.role === 'admin',
    tabs: deps.tabs,
    xeroTabMatches: deps.xeroTabMatches ?? [],
    extensionUrl: deps.extensionUrl,
    firmCompanies: () => firmConnections.companies(),
  });
  pages.watchTaskChanges();
  // The firm's Client Hub server, when this browser is signed in to one: tasks go there through the
  // outbox and come back from its changes feed. Without a session everything stays on this computer.
  const hubApi = sessionApi(hubSessions, deps.fetch);
  // Client Tasks: answers, Close / Re-open, and the outbox that writes them to Xero (and the hub).
  const tasks = startClientTasks({
    db: deps.db,
    api,
    now: deps.now,
    newId: deps.newId,
    withLock: deps.withLock,
    firmUser: currentUser,
    hub: createHubPush({ db: deps.db, api: hubApi, now: deps.now, unsent: unsentWork }),
  });
  const hubPull = createHubPull({
    db: deps.db,
    api: hubApi,
    now: deps.now,
    newId: deps.newId,
    withLock: deps.withLock,
    // The most the server gives per page: a first pull of 100,000 tasks is 100 transactions, not 200.
    pageSize: 1000,
    onChange: () => scheduleBadgeRefresh(),
    me: async () => (await hubSessions.load())?.user.id ?? null,
    // A colleague without this company's Xero token closed it: this browser writes it to Xero.
    onClosedElsewhere: (taskIds) => tasks.service.writeClosedElsewhere(taskIds),
    // While a Client Tasks page or Xero tab is open, the pull leaves the machine to it between pages.
    pace: pacePull({ looking: () => hubLive.watching > 0, rest: PULL_REST }),
  });
  const hubLive = createHubLive({
    db: deps.db,
    sessions: hubSessions,
    now: deps.now,
    // The feed, then (at most once a minute) the firm's companies, which tell colleagues' Xero pages apart.
    pull: async () => {
      await hubPull.pullAll();
      await firmConnections.refreshCompanies(deps.now()).catch(() => undefined);
    },
    send: () => tasks.outbox.kick(),
  });
  deps.onConnect?.((port) => {
    // Only the extension's own pages and content scripts; the port carries no data either way.
    if (port.name !== LIVE_PORT || port.sender?.id !== deps.extensionId) return;
    const id = deps.newId();
    let open = true;
    port.onDisconnect.addListener(() => {
      open = false;
      hubLive.unwatch(id);
    });
    // Without a server nothing is polled, and the page does not wake this worker again.
    void hubSessions.load().then((session) => {
      if (!session || !open) return;
      hubLive.watch(id);
      port.postMessage({ live: true });
    });
  });
  // Suggested accounts from the company's own history; Accept writes through the same outbox.
  const suggestions = startSuggestions({
    db: deps.db,
    api,
    now: deps.now,
    newId: deps.newId,
    outbox: tasks.outbox,
    governor,
    firmUser: currentUser,
  });
  /**
   * After a company's sync: attachments' follow-up, then the twelve-month history read (once per
   * company). That read can take minutes on a large company, so nobody waits for it (a Check's
   * answer is the sync's); if the worker stops, it resumes from its cursor after the next sync.
   */
  const afterSync = async (tenantId: string) => {
    await tasks.attachments.afterSync(tenantId).catch(() => undefined);
    report(tenantId);
    // The sync's new tasks go to the firm's server now, not at the next schedule (no server: nothing).
    void hubLive.catchUp().catch(() => undefined);
    if (historyReads.has(tenantId)) return;
    const controller = new AbortController();
    historyReads.set(tenantId, controller);
    void suggestions.history
      .afterSync(tenantId, controller.signal)
      .catch(() => undefined)
      .finally(() => historyReads.delete(tenantId));
  };
  const syncHandlers = createSyncHandlers({
    db: deps.db,
    engine,
    requireAdmin,
    reschedule: async (intervalMinutes) => {
      await deps.alarmsClear?.(SCHEDULE_ALARM);
      deps.alarms.create(SCHEDULE_ALARM, { periodInMinutes: intervalMinutes });
    },
    setDayBudget: (perDay) => governor.setDayBudget(perDay),
    afterSync,
  });
  const origins = {
    extensionOrigin: deps.extensionUrl('/'),
    contentScriptMatches: contentScriptMatches(deps.xero),
  };
  const handlers: Handlers = {
    'xero.startPage': createStartPageHandler({ inject: deps.injectPageScript, origins }),
    ...tasks.handlers,
    ...suggestions.handlers,
    ...pages.handlers,
    ...createClientsHandlers({ db: deps.db, link: hub }),
    'background.status': async () => ({
      version: deps.version,
      target: deps.xero.target,
      startedAt,
      xeroAppUrl: deps.xero.appBase,
    }),
    'setup.state': setupState,
    'setup.saveFirmUser': async ({ user }) => {
      if (await hub.session()) throw fromServerOnly();
      await saveFirmUser(deps.db, user, await policy());
      return setupState();
    },
    'hub.state': () => hub.state(),
    'hub.signIn': async ({ url, email, password }) => {
      await hub.signIn({ url, email, password });
      await firmConnections.refreshCompanies(deps.now(), true).catch(() => undefined);
      void firmConnections.reportAll().catch(() => undefined);
      // What waited for this person goes now; then colleagues' changes come in.
      void hubLive.catchUp().catch(() => undefined);
      return hub.state();
    },
    'hub.signOut': async () => {
      await unsentWork.signingOut(await hub.session());
      return hub.signOut();
    },
    'hub.check': () => hub.check(),
    'hub.connections': async () => ({ rows: await firmConnections.list() }),
    'hub.workspaces': async () => ({
      workspaces: (await hub.call((client) => client.workspaces.list())).map(({ id, name, tenantId }) => ({
        id,
        name,
        tenantId,
      })),
    }),
    'connections.add': async () => {
      const result = await service.signIn(await requireAdmin());
      for (const company of [...result.added, ...result.refreshed]) report(company.tenantId);
      return result;
    },
    // Anyone may ask for fresh health: it changes nothing but what the table knows.
    'connections.check': async () => {
      await checkNow();
      return { checkedAt: deps.now() };
    },
    'connections.refresh': async ({ tenantId }) => {
      const result = await service.refresh(tenantId, await requireAdmin());
      report(tenantId);
      return result;
    },
    'connections.remove': async ({ tenantId }) => {
      await requireAdmin();
      const result = await service.remove(tenantId);
      if (result.state === 'removed') void firmConnections.forget(tenantId).catch(() => undefined);
      else report(tenantId);
      return result;
    },
    'connections.linkWorkspace': async ({ tenantId, choice }) => {
      await requireAdmin();
      if (!(await hub.session())) return service.linkWorkspace(tenantId, choice);
      // With a server, workspaces are the firm's: pick one there (or create it), then link it here.
      const workspace = await hub.call((client) =>
        'workspaceId' in choice
          ? client.workspaces.update(choice.workspaceId, { tenantId })
          : client.workspaces.create({ name: choice.newWorkspaceName, tenantId }),
      );
      await deps.db.workspaces.put({
        id: workspace.id,
        name: workspace.name.slice(0, 120),
        createdAt: Date.parse(workspace.createdAt),
      });
      const linked = await service.linkWorkspace(tenantId, { workspaceId: workspace.id });
      // The company's tasks made before the link go to the workspace now (pull links, then uploads).
      void hubLive.catchUp().catch(() => undefined);
      return linked;
    },
    ...syncHandlers,
    'accounts.save': async (request, sender) => {
      const result = await syncHandlers['accounts.save'](request, sender);
      report(request.tenantId);
      return result;
    },
  };
  const route = createMessageRouter(handlers, deps.extensionId, origins, {
    describeError: describeError(service, deps.now),
    contentScriptTypes: new Set(Object.keys(pageRequestSchemas)),
    admit: limitPerTab(deps.now),
  });
  deps.onMessage.addListener(async (message, sender) => {
    const reply = await route(message, sender);
    scheduleBadgeRefresh();
    return reply;
  });

  /** Open and Answered Client Tasks: the firm still has work on them. */
  let badgeTimer: ReturnType<typeof setTimeout> | undefined;
  let badgeCountedAt = 0;
  function scheduleBadgeRefresh() {
    if (!deps.setBadge || badgeTimer) return;
    // At most once a second: counting walks the status index, and a first pull of 100,000 tasks
    // asks after every page of it.
    const wait = Math.min(1000, Math.max(250, badgeCountedAt + 1000 - deps.now()));
    badgeTimer = setTimeout(async () => {
      badgeTimer = undefined;
      badgeCountedAt = deps.now();
      // One index count per status: anyOf().count() walks a cursor over every matching task,
      // reading each one, and with 10,000 tasks that held IndexedDB for a quarter of a second after
      // every message (the Client Tasks page's first reads queued behind it).
      const byStatus = (status: 'Open' | 'Answered') =>
        deps.db.clientTasks.where('status').equals(status).count();
      const [unanswered, answered] = await Promise.all([byStatus('Open'), byStatus('Answered')]);
      const open = unanswered + answered;
      deps.setBadge?.(
        open === 0 ? '' : open > 999 ? '999+' : String(open),
        `${open} open Client Task${open === 1 ? '' : 's'}`,
      );
    }, wait);
  }

  /** Schedule and browser start: health first (and queued removals), then every company's sync. */
  let syncing: Promise<void> | null = null;
  function syncAll(reason: string): Promise<void> {
    syncing ??= (async () => {
      await checkNow().catch(() => undefined);
      for (const run of await engine.syncAll({ reason }).catch(() => [])) {
        if (run?.state === 'succeeded') await afterSync(run.tenantId);
      }
      // The sync's new tasks go to the hub, and colleagues' changes come back.
      await hubLive.catchUp().catch(() => undefined);
      // What nobody will read again (lib/db/storage.ts RETENTION): abandoned staged files, finished writes.
      await cleanUpStorage(deps.db, deps.now()).catch(() => undefined);
      scheduleBadgeRefresh();
    })().finally(() => {
      syncing = null;
    });
    return syncing;
  }

  /** Removes queued while Xero was unreachable; once done, the firm's table forgets them too. */
  async function retryRemovals() {
    const results = await service.retryPendingRemovals().catch(() => []);
    for (const result of results) {
      if (result.state === 'removed') await firmConnections.forget(result.tenantId).catch(() => undefined);
    }
  }

  /** One check at a time: a page opening while the schedule runs joins the running check. */
  let running: Promise<void> | null = null;
  function checkNow(): Promise<void> {
    running ??= (async () => {
      await retryRemovals();
      await service.retryPendingRevocations().catch(() => undefined);
      await service.checkAll();
      // The server may have changed this user's role or removed them; then the firm's table.
      await hub.check().catch(() => undefined);
      await firmConnections.reportAll().catch(() => undefined);
    })().finally(() => {
      running = null;
    });
    return running;
  }
  // Re-creating an alarm restarts its period, so a worker that wakes often would never reach it.
  void Promise.all([deps.alarms.get(SCHEDULE_ALARM), loadSyncPreferences(deps.db)]).then(
    ([existing, preferences]) => {
      if (!existing) deps.alarms.create(SCHEDULE_ALARM, { periodInMinutes: preferences.intervalMinutes });
      if (!deps.governorLimits) governor.setDayBudget(dayLimitFor(preferences));
    },
  );
  deps.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SCHEDULE_ALARM) void syncAll('schedule');
  });
  scheduleBadgeRefresh();
  deps.onBrowserStart?.(() => void syncAll('browser-start'));
  // A worker stopped mid-sync left its run 'running': pick those companies up again from their cursor.
  void deps.db.syncRuns
    .where('state')
    .equals('running')
    .toArray()
    .then((runs) => {
      for (const tenantId of new Set(runs.map((run) => run.tenantId))) {
        void engine.syncOrganisation(tenantId, { reason: 'resume' }).catch(() => undefined);
      }
    });
  // Removals queued while Xero was unreachable finish on the next start.
  void retryRemovals();
  // A role changed on the server takes effect when the worker starts, not only on the schedule.
  void hub.check().catch(() => undefined);
  // A worker (re)started: what the hub changed meanwhile, and what waited to be sent; then closes by
  // colleagues that a worker stopped before writing them to Xero.
  void hubLive
    .catchUp()
    .then(() => tasks.service.writeClosedElsewhere())
    .catch(() => undefined);
  return {
    startedAt,
    connections: service,
    tokens,
    api,
    engine,
    governor,
    syncAll,
    tasks,
    suggestions,
    hub: { link: hub, pull: hubPull, live: hubLive, sessions: hubSessions },
    firmConnections,
  };
}
