import type { SandboxClock } from './clock.ts';
import type { SigningKey } from './identity/jwt.ts';
import type { SandboxState } from './state.ts';

/** What every route module receives: the ground truth, the clock and the signing key. */
export interface SandboxContext {
  state: SandboxState;
  clock: SandboxClock;
  key: SigningKey;
  codeLifetimeSeconds: number;
  /** Known once the server listens (port 0 picks one). */
  baseUrl(): string;
}
