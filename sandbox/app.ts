import { Hono } from 'hono';
import { accountingApp } from './api/accounting-app.ts';
import type { ApiEnv } from './api/env.ts';
import { notFound } from './api/errors.ts';
import type { SandboxContext } from './context.ts';
import { controlRoutes } from './control/routes.ts';
import { authorizeRoutes } from './identity/authorize-routes.ts';
import { connectionsRoutes } from './identity/connections-routes.ts';
import { discoveryRoutes } from './identity/discovery-routes.ts';
import { tokenRoutes } from './identity/token-routes.ts';
import { webAppPages } from './pages/routes.ts';

/** One origin, Xero's paths. Each area is its own module, the Xero-like web pages included. */
export function createApp(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.route('/', discoveryRoutes(ctx));
  app.route('/', authorizeRoutes(ctx));
  app.route('/', tokenRoutes(ctx));
  app.route('/', connectionsRoutes(ctx));
  app.route('/api.xro/2.0', accountingApp(ctx));
  app.route('/__sandbox', controlRoutes(ctx));
  app.route('/', webAppPages(ctx));
  app.notFound(() => notFound());
  app.onError((error) => {
    console.error('[xero-sandbox]', error);
    return new Response('An error occurred in the Xero sandbox', { status: 500 });
  });
  return app;
}
