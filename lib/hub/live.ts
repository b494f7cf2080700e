import type { ClientHubDb } from '../db/database';
import { createHubClient, HubClientError } from './client';
import { LIVE_PORT } from './live-port';
import type { HubSessionStore } from './session';
import { type HubTasksApi, hubTasksApi } from './tasks-api';

/**
 * When this browser talks to the firm's Client Hub server about tasks: on the schedule, when the
 * browser starts, and every few seconds while someone looks (a Client Tasks page or a Xero tab holds a
 * port open to the background). Each round sends what waits in the outbox, then pulls the feed.
 */

/** Near-live: a colleague's change shows within this plus one round (send, then pull): under the 5 s the firm is promised. */
export const LIVE_POLL_MS = 2000;
export { LIVE_PORT };

export interface HubLiveDeps {
  db: ClientHubDb;
  sessions: HubSessionStore;
  now: () => number;
  fetch?: typeof fetch;
  pull: () => Promise<unknown>;
  /** Runs the outbox (its writes to the server among them). */
  send: () => Promise<unknown>;
  setTimer?: (run: () => void, ms: number) => () => void;
}

/** The task routes for the current sign-in; null without a session or after the server refused it. */
export function sessionApi(sessions: HubSessionStore, fetchFn?: typeof fetch) {
  return async (): Promise<HubTasksApi | null> => {
    const session = await sessions.load();
    if (!session || session.refusedAt !== null) return null;
    return hubTasksApi(
      createHubClient({ url: session.url, token: session.token, ...(fetchFn ? { fetch: fetchFn } : {}) }),
    );
  };
}

export function createHubLive(deps: HubLiveDeps) {
  const setTimer =
    deps.setTimer ??
    ((run: () => void, ms: number) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    });
  const watchers = new Set<string>();
  let cancel: (() => void) | undefined;
  let round: Promise<void> | null = null;

  /** Keeps the session honest: a refused sign-in is recorded, so nothing more is sent with it. */
  async function refused(error: unknown) {
    if (!(error instanceof HubClientError) || error.code !== 'hub-sign-in-refused') return;
    const session = await deps.sessions.load();
    if (session && session.refusedAt === null)
      await deps.sessions.save({ ...session, refusedAt: deps.now() });
  }

  /** One round: send, then pull. Failures wait for the next round (nothing is lost: the outbox keeps it). */
  function catchUp(): Promise<void> {
    round ??= (async () => {
      if (!(await deps.sessions.load())) return;
      await deps.send().catch(() => undefined);
      await deps.pull().catch(refused);
    })().finally(() => {
      round = null;
    });
    return round;
  }

  function tick() {
    cancel = undefined;
    if (watchers.size === 0) return;
    void catchUp().finally(() => {
      if (watchers.size > 0 && !cancel) cancel = setTimer(tick, LIVE_POLL_MS);
    });
  }

  return {
    catchUp,
    /** Someone is looking (a page or tab, by id): poll until the last one goes. */
    watch(id: string) {
      watchers.add(id);
      if (!cancel) tick();
    },
    unwatch(id: string) {
      watchers.delete(id);
      if (watchers.size === 0) {
        cancel?.();
        cancel = undefined;
      }
    },
    get watching() {
      return watchers.size;
    },
  };
}

export type HubLive = ReturnType<typeof createHubLive>;
