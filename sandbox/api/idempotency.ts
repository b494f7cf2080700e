import type { MiddlewareHandler } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { StoredResponse } from '../state.ts';
import type { ApiEnv } from './env.ts';
import { validationException } from './errors.ts';

const MAX_KEY_LENGTH = 128;

/** Drops keys older than the window, so the store does not grow without end. */
function forgetExpired(store: Map<string, StoredResponse>, now: number, lifetime: number): void {
  for (const [key, stored] of store) {
    if (now - stored.storedAt >= lifetime) store.delete(key);
  }
}

/**
 * Writes carrying an `Idempotency-Key` run once: a repeat with the same key and path gets the first
 * response back, byte for byte, refusals (4xx) included. Server errors are not stored, so a retry after
 * a 5xx runs again. Keys are remembered for `limits.idempotencyKeyLifetimeMs` (24 hours by default, an
 * assumption: Xero does not publish its window); after that the same key runs the write again.
 */
export function idempotency(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  let lastSweep = Number.NEGATIVE_INFINITY;
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method === 'GET' || key === undefined) return next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      return validationException([`Idempotency-Key must be between 1 and ${MAX_KEY_LENGTH} characters`]);
    }
    const store = ctx.state.idempotency;
    const now = ctx.clock.now();
    const lifetime = ctx.state.limits.idempotencyKeyLifetimeMs;
    if (now - lastSweep > Math.min(60_000, lifetime)) {
      lastSweep = now;
      forgetExpired(store, now, lifetime);
    }
    const principal = c.get('principal');
    const storeKey = [
      principal.clientId,
      c.get('organisation').organisation.tenantId,
      c.req.method,
      c.req.path,
      key,
    ].join('\n');
    const stored = store.get(storeKey);
    if (stored && now - stored.storedAt < lifetime) {
      return new Response(Buffer.from(stored.body), {
        status: stored.status,
        headers: { 'content-type': stored.contentType },
      });
    }
    await next();
    if (c.res.status >= 500) return;
    const body = new Uint8Array(await c.res.clone().arrayBuffer());
    store.set(storeKey, {
      status: c.res.status,
      contentType: c.res.headers.get('content-type') ?? 'application/json',
      body,
      storedAt: ctx.clock.now(),
    });
  };
}
