import type { PendingSignIn } from '../auth/oauth';
import type { PendingSignInStore } from '../connections/service';

interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * Sign-ins in flight live in storage.session: in memory only, gone when the browser closes, out of
 * content scripts' reach by default, and still there if the worker restarts mid-sign-in.
 */
export function sessionSignInStore(area: SessionArea): PendingSignInStore {
  const key = (state: string) => `signIn:${state}`;
  return {
    async save(pending: PendingSignIn) {
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
