import type { PendingSignIn } from '../auth/oauth';
import type { PendingSignInStore } from '../connections/service';

interface SessionArea {
  get(key: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string | string[]): Promise<void>;
}

/** Longer than anyone takes on Xero's sign-in and consent pages; a sign-in still open after it is abandoned. */
export const SIGN_IN_LIFETIME_MS = 30 * 60_000;

/**
 * Sign-ins in flight live in storage.session: in memory only, gone when the browser closes, out of
 * content scripts' reach by default, and still there if the worker restarts mid-sign-in. A worker
 * stopped while its sign-in window was open never takes its entry back, so each new sign-in first
 * drops those older than SIGN_IN_LIFETIME_MS.
 */
export function sessionSignInStore(area: SessionArea, now: () => number = Date.now): PendingSignInStore {
  const PREFIX = 'signIn:';
  const key = (state: string) => `${PREFIX}${state}`;
  return {
    async save(pending: PendingSignIn) {
      const all = await area.get(null);
      const stale = Object.entries(all)
        .filter(([k, value]) => k.startsWith(PREFIX) && startedAt(value) < now() - SIGN_IN_LIFETIME_MS)
        .map(([k]) => k);
      if (stale.length > 0) await area.remove(stale);
      await area.set({ [key(pending.state)]: pending });
    },
    async take(state: string) {
      if (!state) return undefined;
      const found = (await area.get(key(state)))[key(state)];
      await area.remove(key(state));
      return found;
    },
  };
}

/** An entry without a readable start time is as good as stale. */
function startedAt(value: unknown): number {
  const at = (value as { startedAt?: unknown } | null)?.startedAt;
  return typeof at === 'number' ? at : Number.NEGATIVE_INFINITY;
}
