import { Hono } from 'hono';
import type { ApiEnv } from '../api/env.ts';
import { notFound } from '../api/errors.ts';
import { appLimits, bearer, faults, requestLog } from '../api/pipeline.ts';
import { connectionDate } from '../api/xero-json.ts';
import type { SandboxContext } from '../context.ts';
import type { Connection } from '../state.ts';

export function connectionJson(ctx: SandboxContext, connection: Connection): Record<string, unknown> {
  return {
    id: connection.id,
    authEventId: connection.authEventId,
    tenantId: connection.tenantId,
    tenantType: 'ORGANISATION',
    tenantName: ctx.state.organisation(connection.tenantId)?.organisation.name ?? '',
    createdDateUtc: connectionDate(connection.createdAt),
    updatedDateUtc: connectionDate(connection.updatedAt),
  };
}

/** GET/DELETE /connections: bearer only, the app-wide minute limit only. */
export function connectionsRoutes(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { state } = ctx;
  // Xero answers on both spellings (the OpenAPI file says /Connections).
  for (const base of ['/connections', '/Connections']) {
    app.use(base, requestLog(ctx), bearer(ctx), appLimits(ctx), faults(ctx));
    app.use(`${base}/*`, requestLog(ctx), bearer(ctx), appLimits(ctx), faults(ctx));

    app.get(base, (c) => {
      const principal = c.get('principal');
      const authEventId = c.req.query('authEventId')?.toLowerCase();
      const user = state.userById(principal.userId);
      const mine = [...state.connections.values()].filter(
        (connection) =>
          connection.userId === principal.userId &&
          connection.clientId === principal.clientId &&
          user?.tenantIds.has(connection.tenantId) &&
          (!authEventId || connection.authEventId === authEventId),
      );
      mine.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      return c.json(mine.map((connection) => connectionJson(ctx, connection)));
    });

    app.delete(`${base}/:id`, (c) => {
      const principal = c.get('principal');
      const connection = state.connections.get(c.req.param('id').toLowerCase());
      if (
        !connection ||
        connection.userId !== principal.userId ||
        connection.clientId !== principal.clientId
      ) {
        return notFound();
      }
      state.connections.delete(connection.id);
      return c.body(null, 204);
    });
  }
  return app;
}
