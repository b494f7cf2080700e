import type { Context, MiddlewareHandler } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { Fault } from '../state.ts';
import { authenticate, hasScope } from './auth.ts';
import type { ApiEnv } from './env.ts';
import {
  forbidden,
  maintenance,
  notAcceptable,
  organisationOffline,
  serverError,
  tokenExpiredDetail,
  tooManyRequests,
  unauthorized,
} from './errors.ts';
import { takeFault } from './faults.ts';
import { admitAppCall, admitOrganisationCall } from './rate-limits.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Status 0 in the request log means the socket was dropped on purpose. */
const DROPPED = 0;

/** Adds the limit headers a response does not already carry (an injected 429 brings its own). */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}

/** Counts every call (for benchmarks) once its status is known. */
export function requestLog(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    const tenantId = c.req.header('xero-tenant-id') || undefined;
    ctx.state.logRequest({
      at: ctx.clock.now(),
      method: c.req.method,
      path: c.req.path,
      ...(tenantId ? { tenantId } : {}),
      status: c.get('dropped') ? DROPPED : c.res.status,
    });
  };
}

/** JSON only: an Accept header that rules JSON out gets 406 (Xero would send XML). */
export function jsonOnly(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const accept = (c.req.header('accept') ?? '*/*').toLowerCase();
    const isAttachmentContent = c.req.method === 'GET' && /\/attachments\/[^/]+$/i.test(c.req.path);
    const allowsJson = /application\/json|application\/\*|\*\/\*/.test(accept);
    if (!allowsJson && !isAttachmentContent) return notAcceptable();
    await next();
  };
}

export function bearer(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = authenticate(ctx, c.req.header('authorization'));
    if (principal instanceof Response) return principal;
    c.set('principal', principal);
    await next();
  };
}

/** The tenant must be one of this user's connections for this app, and the user must still have access. */
export function tenant(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    const tenantId = (c.req.header('xero-tenant-id') ?? '').toLowerCase();
    const organisation = ctx.state.organisation(tenantId);
    if (!organisation || !ctx.state.hasAccess(principal.userId, principal.clientId, tenantId)) {
      return forbidden(ctx.state.ids.guid());
    }
    c.set('organisation', organisation);
    await next();
  };
}

export function organisationLimits(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const admission = admitOrganisationCall(
      ctx.state,
      c.get('principal').clientId,
      c.get('organisation').organisation.tenantId,
    );
    if (!admission.ok)
      return tooManyRequests(admission.problem, admission.retryAfterSeconds, admission.headers);
    try {
      await next();
    } finally {
      admission.release();
    }
    withHeaders(c.res, admission.headers);
  };
}

export function appLimits(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const admission = admitAppCall(ctx.state, c.get('principal').clientId);
    if (!admission.ok)
      return tooManyRequests(admission.problem, admission.retryAfterSeconds, admission.headers);
    await next();
    withHeaders(c.res, admission.headers);
  };
}

/** Injected faults (control API): the first matching one decides this request's fate. */
export function faults(ctx: SandboxContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const fault = takeFault(ctx.state, c.req.path, c.req.header('xero-tenant-id'));
    if (!fault) return next();
    const response = await applyFault(ctx, c, fault, next);
    if (response) return response;
  };
}

async function applyFault(
  ctx: SandboxContext,
  c: Context<ApiEnv>,
  fault: Fault,
  next: () => Promise<void>,
): Promise<Response | undefined> {
  switch (fault.kind) {
    case 'rate-limit': {
      const problem = fault.problem ?? 'minute';
      const retryAfter = fault.retryAfterSeconds ?? (problem === 'day' ? 3600 : 30);
      return tooManyRequests(problem, retryAfter, {
        'X-DayLimit-Remaining': problem === 'day' ? '0' : String(ctx.state.limits.perDay),
        'X-MinLimit-Remaining': '0',
        'X-AppMinLimit-Remaining': String(ctx.state.limits.appPerMinute),
      });
    }
    case 'server-error':
      return serverError();
    case 'org-offline':
      return organisationOffline();
    case 'maintenance':
      return maintenance();
    case 'token-expired':
      return unauthorized(tokenExpiredDetail(Math.floor(ctx.clock.now() / 1000) - 1), ctx.state.ids.guid());
    case 'slow':
      await sleep(fault.delayMs ?? 2000);
      await next();
      return undefined;
    case 'malformed-json': {
      await next();
      const body = await c.res.text();
      c.res = new Response(body.slice(0, Math.max(1, Math.floor(body.length / 2))), {
        status: 200,
        headers: c.res.headers,
      });
      return undefined;
    }
    case 'drop':
      c.set('dropped', true);
      c.env.incoming.socket.destroy();
      return new Response(null, { status: 500 });
  }
}

export function requireScope(scope: string, access: 'read' | 'write'): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!hasScope(c.get('principal'), scope, access)) {
      return unauthorized('AuthorizationUnsuccessful', c.get('principal').authEventId);
    }
    await next();
  };
}
