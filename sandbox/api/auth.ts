import { z } from 'zod';
import type { SandboxContext } from '../context.ts';
import { verifyJwt } from '../identity/jwt.ts';
import { tokenExpiredDetail, unauthorized } from './errors.ts';

const accessTokenClaims = z.object({
  exp: z.number(),
  client_id: z.string(),
  xero_userid: z.string(),
  authentication_event_id: z.string(),
  scope: z.array(z.string()),
});

export interface Principal {
  userId: string;
  clientId: string;
  scope: string[];
  authEventId: string;
}

/** Bearer check shared by /connections and the Accounting API: signature, then expiry by the sandbox clock. */
export function authenticate(ctx: SandboxContext, authorization: string | undefined): Principal | Response {
  const instance = ctx.state.ids.guid();
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const claims = token ? accessTokenClaims.safeParse(verifyJwt(ctx.key, token)) : undefined;
  if (!claims?.success) return unauthorized('AuthenticationUnsuccessful', instance);
  if (claims.data.exp * 1000 <= ctx.clock.now())
    return unauthorized(tokenExpiredDetail(claims.data.exp), instance);
  return {
    userId: claims.data.xero_userid,
    clientId: claims.data.client_id,
    scope: claims.data.scope,
    authEventId: claims.data.authentication_event_id,
  };
}

/** A read needs the `.read` scope or the full one; a write needs the full one. */
export function hasScope(principal: Principal, scope: string, access: 'read' | 'write'): boolean {
  return principal.scope.includes(scope) || (access === 'read' && principal.scope.includes(`${scope}.read`));
}
