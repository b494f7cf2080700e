import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { healthSchema, hubProblemSchema } from '../lib/hub/contract.ts';
import { type HubAuth, sessionHeaders } from './auth.ts';
import { isDatabaseUnavailable, probeDatabase } from './db/client.ts';
import type { HubServices } from './domain/context.ts';
import { HubError } from './domain/problems.ts';
import { SENT_MAIL_PATH } from './email/sent-mail-page.tsx';
import { PORTAL_CSS_PATH } from './portal/layout.tsx';
import { PORTAL_CSS } from './portal/styles.ts';
import { connectionRoutes } from './routes/connections.ts';
import { mountRoutes, openApiDocument, type RouteDef } from './routes/define.ts';
import { peopleRoutes } from './routes/people.ts';
import { portalRoutes, showProblem } from './routes/portal.tsx';
import {
  isUnknownAddress,
  mountPortalSignIn,
  SIGN_IN_ANSWER_MS,
  SIGN_IN_ROUTES,
  waitUntil,
} from './routes/portal-sign-in.ts';
import { reminderRoutes } from './routes/reminders.ts';
import { mountSentMail } from './routes/sent-mail.ts';
import { taskRoutes } from './routes/tasks.ts';
import { workspaceRoutes } from './routes/workspaces.ts';

/** Every authorised route; the authorisation matrix test walks this list and the app's own. */
export const hubRoutes: RouteDef[] = [
  ...peopleRoutes,
  ...workspaceRoutes,
  ...connectionRoutes,
  ...taskRoutes,
  ...reminderRoutes,
  ...portalRoutes,
];

/** Routes anyone may call: health, the API description, and better-auth's sign-in endpoints. */
export const PUBLIC_ROUTES = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/api/auth/*' },
  { method: 'POST', path: '/api/auth/*' },
  { method: 'GET', path: PORTAL_CSS_PATH },
  ...SIGN_IN_ROUTES,
] as const;

/**
 * Pages only for the person at the hub's own computer or a signed-in Admin, served only when mail
 * is kept in the data folder (no SMTP_URL): tests/hub/email.test.ts checks who may see them.
 */
export const LOCAL_ROUTES = [
  { method: 'GET', path: SENT_MAIL_PATH },
  { method: 'GET', path: `${SENT_MAIL_PATH}/:id` },
] as const;

export type HubEnv = { Bindings: HttpBindings };

function problem(error: HubError): Response {
  return new Response(
    JSON.stringify({
      type: 'about:blank',
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.errors ? { errors: error.errors } : {}),
    }),
    { status: error.status, headers: { 'content-type': 'application/problem+json', ...error.headers } },
  );
}

export interface AppOptions {
  /** Take the client's address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  log?: (message: string, error?: unknown) => void;
  /** The address people reach the hub at (behind a proxy, not the one it listens on): forms must come from it. */
  publicUrl?: string;
}

/**
 * What every portal page gets: a content security policy (nothing but the hub's own files, no
 * inline script, never framed) and the other security headers; and a refusal of any form posted
 * from another site (the session is a cookie, which a browser would otherwise send along).
 */
function pageGuards(publicUrl: string | undefined): MiddlewareHandler[] {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  const sameSite = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
  });
  const refuseCrossSite: MiddlewareHandler = async (c, next) => {
    try {
      await sameSite(c, async () => {});
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
      return showProblem(
        new HubError(
          403,
          'This form did not come from Client Hub',
          'Nothing was saved. Open Client Hub from your sign-in link and answer there.',
        ),
      );
    }
    await next();
  };
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  });
  return [headers, refuseCrossSite];
}

const databaseDown = () =>
  problem(
    new HubError(
      503,
      'Client Hub cannot reach its database',
      'Nothing was changed. Try again in a minute; it recovers by itself once the database is back.',
      undefined,
      { 'retry-after': '5' },
    ),
  );

export function createHubApp(services: HubServices, auth: HubAuth, options: AppOptions = {}) {
  const app = new Hono<HubEnv>();
  const log = options.log ?? ((message, error) => console.error(message, error));
  /**
   * Whether the database is unreachable right now. Asked after an unexpected error, because some
   * libraries (better-auth's session lookup) replace the driver's error with their own: the error
   * alone cannot say "database down", but the database can.
   */
  const unreachable = () =>
    probeDatabase(services.db).then(
      () => false,
      (error: unknown) => isDatabaseUnavailable(error),
    );
  /** The caller's address: the connection's, or the first X-Forwarded-For entry behind a proxy you run. */
  const clientAddress = (c: Context<HubEnv>) => {
    const forwarded = options.trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    return forwarded || c.env?.incoming?.socket?.remoteAddress || '0.0.0.0';
  };

  app.get('/healthz', async (c) => {
    try {
      await probeDatabase(services.db);
      return c.json(healthSchema.parse({ ok: true, database: services.kind }));
    } catch {
      return c.json({ ok: false, database: services.kind }, 503);
    }
  });

  app.get('/openapi.json', (c) =>
    c.json(
      openApiDocument(hubRoutes, hubProblemSchema, {
        '/healthz': { get: { summary: 'Liveness and database', responses: { 200: { description: 'OK' } } } },
        '/api/auth/sign-in/email': {
          post: {
            summary:
              'Sign in with email and password; the bearer token comes back in the set-auth-token header',
            responses: { 200: { description: 'Signed in' } },
          },
        },
        '/api/auth/sign-in/magic-link': {
          post: {
            summary:
              'Email a one-time sign-in link and 6-digit code (the same answer whether or not the address has an account)',
            responses: { 200: { description: 'Sent, if the address has an account' } },
          },
        },
        '/api/auth/sign-in/email-otp': {
          post: {
            summary: 'Sign in with the emailed 6-digit code ({ email, otp })',
            responses: { 200: { description: 'Signed in' } },
          },
        },
      }),
    ),
  );

  // better-auth's endpoints; the client's address is set here so its rate limit counts per address.
  app.on(['GET', 'POST'], '/api/auth/*', async (c) => {
    // With a bearer token, better-auth acts on that token's session (sign-out too), never a cookie's.
    const headers = new Headers(sessionHeaders(c.req.raw.headers));
    headers.set('x-hub-client-ip', clientAddress(c));
    const body = c.req.method === 'GET' ? undefined : await c.req.arrayBuffer();
    const started = performance.now();
    const asksForEmail = new URL(c.req.url).pathname === '/api/auth/sign-in/magic-link';
    const response = await auth.handler(new Request(c.req.raw.url, { method: c.req.method, headers, body }));
    if (asksForEmail) {
      // The same answer, after the same time, whether or not the address has an account.
      await waitUntil(started, SIGN_IN_ANSWER_MS);
      if (await isUnknownAddress(response)) return c.json({ status: true });
    }
    if (response.status >= 500 && (await unreachable())) return databaseDown();
    if (response.status === 429) {
      const retry = response.headers.get('x-retry-after') ?? '60';
      return problem(
        new HubError(429, 'Too many sign-in attempts', `Wait ${retry} seconds, then try again.`, undefined, {
          'retry-after': retry,
        }),
      );
    }
    if (response.status === 401 && new URL(c.req.url).pathname.startsWith('/api/auth/sign-in')) {
      return problem(
        new HubError(
          401,
          'That email and password do not match',
          'Check both and try again, or ask for a sign-in link by email.',
        ),
      );
    }
    return response;
  });

  app.get(
    PORTAL_CSS_PATH,
    () =>
      new Response(PORTAL_CSS, {
        headers: {
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'public, max-age=3600',
          'x-content-type-options': 'nosniff',
        },
      }),
  );

  mountRoutes(app as unknown as Hono, hubRoutes, services, auth, pageGuards(options.publicUrl));

  mountSentMail(app as unknown as Hono, services, auth, clientAddress as (c: Context) => string);
  mountPortalSignIn(app as unknown as Hono, services, auth, clientAddress as (c: Context) => string);

  app.notFound(() =>
    problem(
      new HubError(
        404,
        'There is nothing at this address',
        'Check the address; the API is described at /openapi.json.',
      ),
    ),
  );

  app.onError(async (error) => {
    if (error instanceof HubError) return problem(error);
    // hono/csrf refuses a form posted from another site's page.
    if (error instanceof HTTPException && error.status === 403) {
      return problem(
        new HubError(
          403,
          'This form was not sent from Client Hub’s own page',
          'Open the page again on Client Hub itself and send the form from there.',
        ),
      );
    }
    if (isDatabaseUnavailable(error) || (await unreachable())) return databaseDown();
    log('Client Hub server error', error);
    return problem(
      new HubError(
        500 as ContentfulStatusCode,
        'Something went wrong on the Client Hub server',
        'Try again; if it keeps happening, tell your Client Hub Admin the time it happened.',
      ),
    );
  });

  return app;
}
