import type { WithLock } from '@/lib/auth/token-manager';
import { startBackground } from '@/lib/background/main';
import { SANDBOX_REDIRECT_URIS } from '@/lib/config/sandbox-build';
import { type XeroConfig, xeroConfigFor } from '@/lib/config/xero';
import { ClientHubDb } from '@/lib/db/database';
import { askBackground, BackgroundError } from '@/lib/messaging/client';
import type { AnyRequest, MessageError } from '@/lib/messaging/contract';

/** In-process lock with the Web Locks contract: one holder per name, others queue in order. */
export function createLocks(): WithLock {
  const tails = new Map<string, Promise<unknown>>();
  return async (name, task) => {
    const previous = tails.get(name) ?? Promise.resolve();
    const run = previous.then(task, task);
    tails.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  };
}

export interface TestBackgroundOptions {
  sandboxUrl: string;
  launchSignIn: (url: string) => Promise<string>;
  fetch?: typeof fetch;
  managed?: Record<string, unknown>;
  db?: ClientHubDb;
  locks?: WithLock;
  xero?: Partial<XeroConfig>;
  redirectUri?: string;
  /** permissions.contains for the Client Hub server's origin (absent: not asked). */
  hasOriginPermission?: (origin: string) => Promise<boolean>;
}

let counter = 0;
const EXTENSION_ORIGIN = 'chrome-extension://test-extension/';

/**
 * The real background (lib/background/main.ts) in Node: the same services and message router the
 * service worker runs, with Node's fetch, fake-indexeddb and an in-memory storage.session.
 */
export function startTestBackground(options: TestBackgroundOptions) {
  const db = options.db ?? new ClientHubDb(`client-hub-test-${process.pid}-${++counter}`);
  const session = new Map<string, unknown>();
  const alarmListeners: ((alarm: { name: string }) => void)[] = [];
  let listener: ((message: unknown, sender: { id?: string; url?: string }) => Promise<unknown>) | undefined;
  const xero = { ...xeroConfigFor({ mode: 'sandbox', sandboxUrl: options.sandboxUrl }), ...options.xero };
  const background = startBackground({
    extensionId: 'test-extension',
    version: '0.0.0-test',
    xero,
    db,
    now: Date.now,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    withLock: options.locks ?? createLocks(),
    newId: () => crypto.randomUUID(),
    redirectUri: options.redirectUri ?? SANDBOX_REDIRECT_URIS[0],
    launchWebAuthFlow: options.launchSignIn,
    pendingSignIns: {
      save: async (pending) => {
        session.set(pending.state, pending);
      },
      take: async (state) => {
        const found = session.get(state);
        session.delete(state);
        return found;
      },
    },
    readManagedStorage: async () => options.managed ?? {},
    alarms: {
      get: async () => undefined,
      create: () => undefined,
      onAlarm: {
        addListener: (l) => {
          alarmListeners.push(l);
        },
      },
    },
    extensionUrl: (path) => new URL(path, EXTENSION_ORIGIN).href,
    onMessage: {
      addListener: (l) => {
        listener = l;
      },
    },
    ...(options.hasOriginPermission ? { hasOriginPermission: options.hasOriginPermission } : {}),
  });
  const send = (message: unknown) => {
    if (!listener) throw new Error('background did not listen');
    // As from the options page: the router tells pages from content scripts by the sender's URL.
    return listener(message, { id: 'test-extension', url: `${EXTENSION_ORIGIN}options.html` });
  };
  return {
    db,
    background,
    /** As the browser does when an alarm goes off (the schedule: SCHEDULE_ALARM). */
    fireAlarm: (name: string) => {
      for (const listener of alarmListeners) listener({ name });
    },
    /** The states of sign-ins still kept in storage.session. */
    pendingSignIns: () => [...session.keys()],
    send,
    ask: <R extends AnyRequest>(request: R) => askBackground(send, request),
  };
}

/** The problem the background answered a request with (fails the test when it succeeded). */
export async function problemOf(promise: Promise<unknown>): Promise<MessageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof BackgroundError)) throw new Error(`expected a problem, got ${String(error)}`);
  return error.detail;
}
