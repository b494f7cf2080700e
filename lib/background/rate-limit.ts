import type { MessageError } from '../messaging/contract';
import { type Sender, tabIdOf } from '../messaging/router';

/** A burst of `burst` actions, then one more every `everyMs`. */
export interface RateLimit {
  burst: number;
  everyMs: number;
}

export interface RateLimiter {
  /** Whether `key` may act now; if so, the action is counted. */
  take(key: string): boolean;
}

/** A token bucket per key. Full buckets are forgotten, so closed tabs leave nothing behind. */
export function createRateLimiter(limit: RateLimit, now: () => number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const at = now();
      const bucket = buckets.get(key);
      const tokens = bucket
        ? Math.min(limit.burst, bucket.tokens + Math.max(0, at - bucket.at) / limit.everyMs)
        : limit.burst;
      // A refusal changes nothing: the bucket keeps filling from its last action.
      if (tokens < 1) return false;
      if (buckets.size > 1000) {
        for (const [other, b] of buckets)
          if (b.tokens + (at - b.at) / limit.everyMs >= limit.burst) buckets.delete(other);
      }
      buckets.set(key, { tokens: tokens - 1, at });
      return true;
    },
  };
}

/**
 * What one Xero tab may ask of the background per unit of time. A bookkeeper pushes a handful of
 * transactions a minute; a page script driving our badges (untrusted clicks are ignored already, this
 * is the second line) would push or open tabs as fast as it can.
 */
export const TAB_LIMITS = {
  'tasks.push': { burst: 10, everyMs: 3_000 },
  'tasks.open': { burst: 5, everyMs: 2_000 },
  // One per page load; a page reloading itself in a loop does not make us inject as fast as it can.
  'xero.startPage': { burst: 10, everyMs: 1_000 },
} as const satisfies Record<string, RateLimit>;

const RATE_LIMITED: MessageError = {
  code: 'rate-limited',
  message: 'Too many Client Hub actions from this tab in a short time. Wait a few seconds and try again.',
};

/** The router's admission check: per-tab limits on the requests in TAB_LIMITS, for senders in a tab. */
export function limitPerTab(now: () => number) {
  const limiters = new Map(
    Object.entries(TAB_LIMITS).map(([type, limit]) => [type, createRateLimiter(limit, now)]),
  );
  return (type: string, sender: Sender): MessageError | null => {
    const limiter = limiters.get(type);
    const tabId = tabIdOf(sender);
    if (!limiter || tabId === undefined) return null;
    return limiter.take(String(tabId)) ? null : RATE_LIMITED;
  };
}
