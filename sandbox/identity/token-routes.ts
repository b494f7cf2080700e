import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { findClient } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import { createGrant, issueTokens, refresh, revokeGrant } from './grants.ts';

const tokenForm = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
});

const revocationForm = z.object({ token: z.string().optional(), client_id: z.string().optional() });

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

const oauthError = (error: OAuthError): Response =>
  new Response(JSON.stringify({ error }), {
    status: 400,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Public clients send client_id in the form; a Basic header is accepted too. */
function clientIdOf(formClientId: string | undefined, authorization: string | undefined): string | undefined {
  if (formClientId) return formClientId;
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined;
}

/** /connect/token and /connect/revocation (form-encoded, JSON answers, errors as HTTP 400). */
export function tokenRoutes(ctx: SandboxContext): Hono {
  const app = new Hono();
  const { state, clock } = ctx;

  app.post('/connect/token', async (c) => {
    const form = tokenForm.safeParse(await c.req.parseBody());
    if (!form.success || !form.data.grant_type) return oauthError('invalid_request');
    const clientId = clientIdOf(form.data.client_id, c.req.header('authorization'));
    if (!clientId || !findClient(clientId)) return oauthError('invalid_client');
    const respond = (body: unknown) => c.json(body, 200, { 'cache-control': 'no-store' });

    if (form.data.grant_type === 'authorization_code') {
      const { code, redirect_uri: redirectUri, code_verifier: verifier } = form.data;
      if (!code || !redirectUri || !verifier) return oauthError('invalid_request');
      const stored = state.codes.get(code);
      if (!stored || stored.used || stored.expiresAt <= clock.now() || stored.clientId !== clientId) {
        return oauthError('invalid_grant');
      }
      if (
        stored.redirectUri !== redirectUri ||
        !VERIFIER.test(verifier) ||
        s256(verifier) !== stored.codeChallenge
      ) {
        return oauthError('invalid_grant');
      }
      stored.used = true;
      const user = state.userById(stored.userId);
      if (!user) return oauthError('invalid_grant');
      const grant = createGrant(ctx, user, clientId, stored.scope, stored.authEventId, stored.nonce);
      return respond(issueTokens(ctx, grant));
    }

    if (form.data.grant_type === 'refresh_token') {
      if (!form.data.refresh_token) return oauthError('invalid_request');
      const outcome = refresh(ctx, form.data.refresh_token, clientId);
      return outcome.ok ? respond(outcome.tokens) : oauthError(outcome.error);
    }

    return oauthError('unsupported_grant_type');
  });

  app.post('/connect/revocation', async (c) => {
    const form = revocationForm.safeParse(await c.req.parseBody());
    if (!form.success || !form.data.token) return oauthError('invalid_request');
    const clientId = clientIdOf(form.data.client_id, c.req.header('authorization'));
    const record = state.refreshTokens.get(form.data.token);
    const grant = record ? state.grants.get(record.grantId) : undefined;
    if (grant) {
      if (clientId && clientId !== grant.clientId) return oauthError('invalid_client');
      revokeGrant(ctx, grant);
    }
    // RFC 7009: an unknown token is not an error.
    return c.body(null, 200);
  });

  return app;
}
