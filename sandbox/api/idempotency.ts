import type { MiddlewareHandler } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { ApiEnv } from './env.ts';
import { validationException } from './errors.ts';

const MAX_KEY_LENGTH = 128;

/**
 * Writes carrying an `Idempotency-Key` run once: a repeat with the same key and path gets the first
 * response back, byte for byte. Server errors are not stored, so a retry after a 5xx runs again.
 */
export function idempotency(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method === 'GET' || key === undefined) return next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      return validationException([`Idempotency-Key must be between 1 and ${MAX_KEY_LENGTH} characters`]);
    }
    const principal = c.get('principal');
    const storeKey = [
      principal.clientId,
      c.get('organisation').organisation.tenantId,
      c.req.method,
      c.req.path,
      key,
    ].join('\n');
    const stored = ctx.state.idempotency.get(storeKey);
    if (stored) {
      return new Response(Buffer.from(stored.body), {
        status: stored.status,
        headers: { 'content-type': stored.contentType },
      });
    }
    await next();
    if (c.res.status >= 500) return;
    const body = new Uint8Array(await c.res.clone().arrayBuffer());
    ctx.state.idempotency.set(storeKey, {
      status: c.res.status,
      contentType: c.res.headers.get('content-type') ?? 'application/json',
      body,
    });
  };
}
