import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import { attachmentsRoutes } from './attachments-routes.ts';
import { bankTransactionsRoutes } from './bank-transactions-routes.ts';
import type { ApiEnv } from './env.ts';
import { notFound } from './errors.ts';
import { historyRoutes } from './history-routes.ts';
import { idempotency } from './idempotency.ts';
import { bearer, faults, jsonOnly, organisationLimits, requestLog, tenant } from './pipeline.ts';
import { settingsRoutes } from './settings-routes.ts';

/**
 * The Accounting API under /api.xro/2.0. Order matters: log → JSON only → bearer (401) → tenant (403)
 * → organisation limits (429) → injected faults → idempotent replay → the route.
 */
export function accountingApp(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use(
    '*',
    requestLog(ctx),
    jsonOnly(),
    bearer(ctx),
    tenant(ctx),
    organisationLimits(ctx),
    faults(ctx),
    idempotency(ctx),
  );
  app.route('/', settingsRoutes(ctx));
  app.route('/', bankTransactionsRoutes(ctx));
  app.route('/', attachmentsRoutes(ctx));
  app.route('/', historyRoutes(ctx));
  app.notFound(() => notFound());
  return app;
}
