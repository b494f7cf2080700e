import { classifyFailure, isTransient, rateLimitOf, retryAfterMs, type XeroFailure } from '../errors';
import { FailureError } from '../xero/failure-error';

/**
 * Keeps every Xero company within Xero's limits (per organisation: 5 calls in flight, 60 a minute,
 * 5,000 a day, 1,000 on the Starter tier) so sync never sees a 429 in normal use. Background sync
 * leaves a reserve so a person's one-click action never waits behind it.
 *
 * Xero's windows are fixed and start at times we cannot see, so the governor counts its own calls in
 * sliding windows (never more in any 60 s than Xero allows in its fixed one) and also trusts the
 * `X-MinLimit-Remaining` / `X-DayLimit-Remaining` Xero reports, which matters after a restart when the
 * governor's own count is empty.
 */

export type Priority = 'interactive' | 'background';

export interface GovernorLimits {
  concurrent: number;
  perMinute: number;
  /** 5,000 by default; 1,000 for a Starter-tier Xero app (a setting). */
  perDay: number;
}

export interface GovernorOptions {
  now: () => number;
  /** Real timers in the extension; tests pass one that advances a virtual clock instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  limits?: Partial<GovernorLimits>;
  /** Held back from background sync for interactive calls. */
  reserve?: { concurrent?: number; perMinute?: number; perDay?: number };
  /** Attempts per call before a transient failure is given up on. */
  maxAttempts?: Record<Priority, number>;
  /** Background sync stops (and resumes on the next run) rather than wait longer than this. */
  maxBackgroundWaitMs?: number;
  /** Cap of the exponential back-off for transient failures. */
  maxBackoffMs?: number;
}

export interface CallOutcome {
  status?: number;
  headers?: Headers;
}

export interface Permit {
  release(outcome?: CallOutcome): void;
}

export interface TenantStats {
  calls: number;
  rateLimited: number;
  retries: number;
  waitedMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface TenantState {
  starts: number[];
  dayStarts: number[];
  inFlight: number;
  interactiveWaiting: number;
  blockedUntil: number;
  blockedByDay: boolean;
  hint?: { at: number; minute?: number; day?: number };
  wake: Array<() => void>;
  stats: TenantStats;
}

export const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const headerNumber = (headers: Headers | undefined, name: string): number | undefined => {
  const value = headers?.get(name);
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
};

/** The failure a background call gets when the day's budget is spent: a 429 "day", in Xero's shape. */
function dayBudgetFailure(waitMs: number): XeroFailure {
  return {
    kind: 'http',
    endpoint: 'governor',
    status: 429,
    headers: { 'x-rate-limit-problem': 'day', 'retry-after': String(Math.ceil(waitMs / 1000)) },
    body: 'Day budget for this Xero company used up',
  };
}

export function createGovernor(options: GovernorOptions) {
  const limits: GovernorLimits = { concurrent: 5, perMinute: 60, perDay: 5000, ...options.limits };
  const reserve = { concurrent: 1, perMinute: 5, perDay: 50, ...options.reserve };
  const maxAttempts = options.maxAttempts ?? { interactive: 3, background: 8 };
  const maxBackgroundWaitMs = options.maxBackgroundWaitMs ?? 15 * MINUTE_MS;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const tenants = new Map<string, TenantState>();

  function tenant(tenantId: string): TenantState {
    const key = tenantId.toLowerCase();
    let state = tenants.get(key);
    if (!state) {
      state = {
        starts: [],
        dayStarts: [],
        inFlight: 0,
        interactiveWaiting: 0,
        blockedUntil: 0,
        blockedByDay: false,
        wake: [],
        stats: { calls: 0, rateLimited: 0, retries: 0, waitedMs: 0 },
      };
      tenants.set(key, state);
    }
    return state;
  }

  function prune(state: TenantState, now: number) {
    while (state.starts.length > 0 && (state.starts[0] as number) <= now - MINUTE_MS) state.starts.shift();
    while (state.dayStarts.length > 0 && (state.dayStarts[0] as number) <= now - DAY_MS)
      state.dayStarts.shift();
  }

  const callsSince = (starts: number[], at: number) => {
    let count = 0;
    for (let i = starts.length - 1; i >= 0 && (starts[i] as number) > at; i--) count++;
    return count;
  };

  /** 0 when a call may start now; 'release' when it must wait for one in flight; else ms to wait. */
  function waitFor(state: TenantState, priority: Priority, now: number): number | 'release' {
    prune(state, now);
    const background = priority === 'background';
    if (now < state.blockedUntil) return state.blockedUntil - now;
    if (background && state.interactiveWaiting > 0) return 'release';
    const concurrentCap = limits.concurrent - (background ? reserve.concurrent : 0);
    if (state.inFlight >= Math.max(1, concurrentCap)) return 'release';

    let wait = 0;
    const minuteCap = Math.max(1, limits.perMinute - (background ? reserve.perMinute : 0));
    if (state.starts.length >= minuteCap) {
      wait = Math.max(wait, (state.starts[state.starts.length - minuteCap] as number) + MINUTE_MS - now);
    }
    const dayCap = Math.max(1, limits.perDay - (background ? reserve.perDay : 0));
    if (state.dayStarts.length >= dayCap) {
      wait = Math.max(wait, (state.dayStarts[state.dayStarts.length - dayCap] as number) + DAY_MS - now);
    }
    const hint = state.hint;
    if (hint) {
      const since = callsSince(state.dayStarts, hint.at);
      const minuteFloor = background ? reserve.perMinute : 0;
      if (hint.minute !== undefined && now - hint.at < MINUTE_MS && hint.minute - since <= minuteFloor) {
        wait = Math.max(wait, hint.at + MINUTE_MS - now);
      }
      const dayFloor = background ? reserve.perDay : 0;
      if (hint.day !== undefined && now - hint.at < DAY_MS && hint.day - since <= dayFloor) {
        wait = Math.max(wait, hint.at + DAY_MS - now);
      }
    }
    return Math.max(0, wait);
  }

  function notify(state: TenantState) {
    const waiting = state.wake;
    state.wake = [];
    for (const wake of waiting) wake();
  }

  /** Waits until a call to this Xero company may start within every limit, and counts it. */
  async function acquire(tenantId: string, priority: Priority, signal?: AbortSignal): Promise<Permit> {
    const state = tenant(tenantId);
    if (priority === 'interactive') state.interactiveWaiting++;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = options.now();
        const wait = waitFor(state, priority, now);
        if (wait === 0) break;
        if (wait === 'release') {
          await new Promise<void>((resolve) => {
            state.wake.push(resolve);
            signal?.addEventListener('abort', () => resolve(), { once: true });
          });
          continue;
        }
        if (priority === 'background' && wait > maxBackgroundWaitMs) {
          throw new FailureError(dayBudgetFailure(wait));
        }
        state.stats.waitedMs += wait;
        await sleep(wait, signal);
      }
    } finally {
      if (priority === 'interactive') {
        state.interactiveWaiting--;
        // Background calls held back for this one may go now.
        if (state.interactiveWaiting === 0) notify(state);
      }
    }
    const startedAt = options.now();
    state.starts.push(startedAt);
    state.dayStarts.push(startedAt);
    state.inFlight++;
    state.stats.calls++;
    let released = false;
    return {
      release(outcome: CallOutcome = {}) {
        if (released) return;
        released = true;
        state.inFlight--;
        const at = options.now();
        const minute = headerNumber(outcome.headers, 'x-minlimit-remaining');
        const day = headerNumber(outcome.headers, 'x-daylimit-remaining');
        if (minute !== undefined || day !== undefined) {
          // Calls started after this one are not in Xero's count yet: measure from its start.
          state.hint = {
            at: startedAt,
            ...(minute !== undefined ? { minute } : {}),
            ...(day !== undefined ? { day } : {}),
          };
        }
        if (outcome.status === 429) {
          state.stats.rateLimited++;
          const seconds = headerNumber(outcome.headers, 'retry-after');
          const waitMs = seconds !== undefined ? seconds * 1000 : MINUTE_MS;
          state.blockedUntil = Math.max(state.blockedUntil, at + waitMs);
        }
        notify(state);
      },
    };
  }

  /**
   * How long to wait before trying a failed call again, or undefined to give up: transient failures
   * (5xx, offline, network, unreadable answers, 429) back off exponentially with jitter, a bounded
   * number of times; `Retry-After` wins when Xero sent one.
   */
  function retryDelay(tenantId: string, failure: XeroFailure, attempt: number, priority: Priority) {
    const code = classifyFailure(failure);
    if (!isTransient(code) || attempt >= maxAttempts[priority]) return undefined;
    if (failure.kind === 'http' && failure.endpoint === 'governor') return undefined;
    const state = tenant(tenantId);
    const asked = retryAfterMs(failure, options.now());
    if (code === 'rate-limited') {
      const waitMs = asked ?? MINUTE_MS;
      if (rateLimitOf(failure) === 'day' && (priority === 'interactive' || waitMs > maxBackgroundWaitMs)) {
        return undefined;
      }
      state.blockedUntil = Math.max(state.blockedUntil, options.now() + waitMs);
      state.stats.retries++;
      // acquire() waits for blockedUntil; no extra delay here.
      return 0;
    }
    state.stats.retries++;
    const exponential = Math.min(maxBackoffMs, 1000 * 2 ** (attempt - 1));
    const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
    return Math.max(jittered, asked ?? 0);
  }

  return {
    acquire,
    retryDelay,
    sleep,
    /** Calls made, 429s seen, retries and time waited, per Xero company (for sync runs and the bench). */
    stats(tenantId: string): TenantStats {
      return { ...tenant(tenantId).stats };
    },
    /** The day budget is a setting (Starter tier: 1,000). */
    setDayBudget(perDay: number) {
      limits.perDay = perDay;
    },
    limits: () => ({ ...limits }),
  };
}

export type Governor = ReturnType<typeof createGovernor>;
