import { Hono } from 'hono';
import { z } from 'zod';
import { ALLOWED_SCOPES, findClient, PENDING_AUTHORIZATION_LIFETIME_MS } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { PendingAuthorization } from '../state.ts';
import { connect, opaqueToken } from './grants.ts';
import { consentPage, errorPage, loginPage } from './pages.ts';

const authorizeQuery = z.object({
  client_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  response_type: z.string().optional(),
  scope: z.string().optional(),
  state: z.string().optional(),
  nonce: z.string().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
});

const loginForm = z.object({ request: z.string(), email: z.string(), password: z.string() });
const consentForm = z.object({
  request: z.string(),
  action: z.enum(['allow', 'cancel']),
  tenantId: z.union([z.string(), z.array(z.string())]).optional(),
});

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Login and consent screens: plain HTML forms that work without JavaScript. */
export function authorizeRoutes(ctx: SandboxContext): Hono {
  const app = new Hono();
  const { state, clock } = ctx;
  const htmlError = (error: string, description: string): Response =>
    new Response(errorPage(error, description), {
      status: 400,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });

  const livePending = (id: string): PendingAuthorization | undefined => {
    const pending = state.pending.get(id);
    if (!pending || clock.now() - pending.createdAt > PENDING_AUTHORIZATION_LIFETIME_MS) return undefined;
    return pending;
  };

  app.get('/identity/connect/authorize', (c) => {
    const query = authorizeQuery.parse(c.req.query());
    const client = findClient(query.client_id ?? '');
    if (!client) return htmlError('unauthorized_client', 'Unknown client or client not enabled');
    if (!query.redirect_uri || !client.redirectUris.includes(query.redirect_uri)) {
      return htmlError('unauthorized_client', 'Invalid redirect_uri');
    }
    const scopes = (query.scope ?? '').split(/\s+/).filter((scope) => scope.length > 0);
    const allowed: readonly string[] = ALLOWED_SCOPES;
    if (scopes.length === 0 || scopes.some((scope) => !allowed.includes(scope))) {
      return htmlError('unauthorized_client', 'Invalid scope for client');
    }
    // From here the redirect URI is trusted, so errors go back to the app as OAuth says.
    if (query.response_type !== 'code') {
      return c.redirect(
        redirectTo(query.redirect_uri, { error: 'unsupported_response_type', state: query.state }),
        302,
      );
    }
    if (query.code_challenge_method !== 'S256' || !CHALLENGE.test(query.code_challenge ?? '')) {
      return c.redirect(
        redirectTo(query.redirect_uri, {
          error: 'invalid_request',
          error_description: 'code_challenge and code_challenge_method=S256 are required',
          state: query.state,
        }),
        302,
      );
    }
    const pending: PendingAuthorization = {
      id: opaqueToken(),
      clientId: client.clientId,
      redirectUri: query.redirect_uri,
      scope: scopes,
      codeChallenge: query.code_challenge ?? '',
      createdAt: clock.now(),
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(query.nonce !== undefined ? { nonce: query.nonce } : {}),
    };
    state.pending.set(pending.id, pending);
    return c.html(loginPage(pending.id, ''));
  });

  app.post('/identity/login', async (c) => {
    const form = loginForm.safeParse(await c.req.parseBody());
    const pending = form.success ? livePending(form.data.request) : undefined;
    if (!form.success || !pending)
      return htmlError('invalid_request', 'This sign-in has expired. Start again from the app.');
    const user = state.userByEmail(form.data.email);
    if (!user || user.password !== form.data.password) {
      return c.html(loginPage(pending.id, form.data.email, 'Your email or password is incorrect'));
    }
    pending.userId = user.userId;
    return c.redirect(`/identity/consent?request=${encodeURIComponent(pending.id)}`, 302);
  });

  const renderConsent = (pending: PendingAuthorization, error?: string): string => {
    const user = state.userById(pending.userId ?? '');
    const organisations = state.organisations
      .filter((org) => user?.tenantIds.has(org.organisation.tenantId))
      .map((org) => ({ tenantId: org.organisation.tenantId, name: org.organisation.name }));
    const appName = findClient(pending.clientId)?.appName ?? pending.clientId;
    return consentPage(pending.id, appName, pending.scope, organisations, error);
  };

  app.get('/identity/consent', (c) => {
    const pending = livePending(c.req.query('request') ?? '');
    if (!pending?.userId)
      return htmlError('invalid_request', 'This sign-in has expired. Start again from the app.');
    return c.html(renderConsent(pending));
  });

  app.post('/identity/consent', async (c) => {
    const form = consentForm.safeParse(await c.req.parseBody({ all: true }));
    const pending = form.success ? livePending(form.data.request) : undefined;
    const user = state.userById(pending?.userId ?? '');
    if (!form.success || !pending || !user) {
      return htmlError('invalid_request', 'This sign-in has expired. Start again from the app.');
    }
    if (form.data.action === 'cancel') {
      state.pending.delete(pending.id);
      return c.redirect(
        redirectTo(pending.redirectUri, { error: 'access_denied', state: pending.state }),
        302,
      );
    }
    const chosen = [form.data.tenantId ?? []].flat();
    const wantsOrganisation = pending.scope.some((scope) => scope.startsWith('accounting.'));
    if (wantsOrganisation && chosen.length === 0)
      return c.html(renderConsent(pending, 'Select at least one organisation.'));
    if (chosen.some((tenantId) => !user.tenantIds.has(tenantId))) {
      return htmlError('invalid_request', 'You do not have access to that organisation.');
    }
    state.pending.delete(pending.id);
    const authEventId = state.ids.guid();
    connect(ctx, user.userId, pending.clientId, chosen, authEventId);
    const code = opaqueToken();
    state.codes.set(code, {
      code,
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      userId: user.userId,
      scope: pending.scope,
      authEventId,
      expiresAt: clock.now() + ctx.codeLifetimeSeconds * 1000,
      used: false,
      ...(pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
    });
    return c.redirect(
      redirectTo(pending.redirectUri, {
        code,
        scope: pending.scope.join(' '),
        state: pending.state,
        session_state: opaqueToken(),
      }),
      302,
    );
  });

  return app;
}
