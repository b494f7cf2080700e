import { Hono } from 'hono';
import type { z } from 'zod';
import { SANDBOX_CLIENT_ID } from '../../lib/config/sandbox-build.ts';
import { createdRecord } from '../api/history-routes.ts';
import { accountJson, bankTransactionJson, historyJson } from '../api/xero-json.ts';
import { ALLOWED_SCOPES, findClient } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { BankTransaction, OrganisationData } from '../data/model.ts';
import { connectionJson } from '../identity/connections-routes.ts';
import { connect, createGrant, issueTokens, revokeGrant } from '../identity/grants.ts';
import type { Fault } from '../state.ts';
import { createBankTransaction, editBankTransaction, setStatus } from './edits.ts';
import {
  clockBody,
  createBankTransactionBody,
  editBankTransactionBody,
  faultBody,
  limitsBody,
  pagesBody,
  resetBody,
  revokeGrantsBody,
  tokensBody,
  userAccessBody,
} from './schemas.ts';

/** The scopes the extension asks for; what minted tokens get unless told otherwise. */
export const EXTENSION_SCOPE =
  'openid profile email offline_access accounting.banktransactions accounting.settings.read accounting.attachments';

const problem = (message: string, status: 400 | 404 = 400): Response =>
  new Response(JSON.stringify({ error: message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

async function readBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T> | Response> {
  const raw: unknown = await request.json().catch(() => ({}));
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return problem(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  return parsed.data;
}

/** Ground truth for one transaction: Xero's JSON plus attachment hashes and the full history. */
function groundTruth(data: OrganisationData, transaction: BankTransaction): Record<string, unknown> {
  const id = transaction.bankTransactionId;
  return {
    ...bankTransactionJson(data, transaction, true),
    Attachments: (data.attachments.get(id) ?? []).map((a) => ({
      AttachmentID: a.attachmentId,
      FileName: a.fileName,
      MimeType: a.mimeType,
      ContentLength: a.content.byteLength,
      Sha256: a.sha256,
    })),
    History: [createdRecord(transaction), ...(data.history.get(id) ?? [])].map(historyJson),
  };
}

/** Test and demo controls under /__sandbox (not part of Xero). Documented in sandbox/README.md. */
export function controlRoutes(ctx: SandboxContext): Hono {
  const app = new Hono();
  const { state, clock } = ctx;

  const org = (tenantId: string): OrganisationData | undefined => state.organisation(tenantId.toLowerCase());

  app.post('/reset', async (c) => {
    const body = await readBody(c.req.raw, resetBody);
    if (body instanceof Response) return body;
    state.reset(body.seed ?? state.seed, body.scale ?? state.scale);
    return c.json({ seed: state.seed, scale: state.scale });
  });

  app.get('/orgs', (c) =>
    c.json(
      state.organisations.map(({ organisation, accounts, transactions }) => ({
        tenantId: organisation.tenantId,
        name: organisation.name,
        shortCode: organisation.shortCode,
        countryCode: organisation.countryCode,
        baseCurrency: organisation.baseCurrency,
        timezone: organisation.timezone,
        transactionCount: transactions.length,
        accounts: accounts.map(accountJson),
      })),
    ),
  );

  app.get('/users', (c) =>
    c.json(
      state.users.map((user) => ({
        userId: user.userId,
        email: user.email,
        password: user.password,
        tenantIds: [...user.tenantIds],
      })),
    ),
  );

  app.post('/users/access/revoke', async (c) => {
    const body = await readBody(c.req.raw, userAccessBody);
    if (body instanceof Response) return body;
    const user = state.userByEmail(body.email);
    if (!user) return problem('unknown user', 404);
    user.tenantIds.delete(body.tenantId.toLowerCase());
    return c.json({ email: user.email, tenantIds: [...user.tenantIds] });
  });

  app.post('/users/access/grant', async (c) => {
    const body = await readBody(c.req.raw, userAccessBody);
    if (body instanceof Response) return body;
    const user = state.userByEmail(body.email);
    if (!user || !org(body.tenantId)) return problem('unknown user or organisation', 404);
    user.tenantIds.add(body.tenantId.toLowerCase());
    return c.json({ email: user.email, tenantIds: [...user.tenantIds] });
  });

  app.post('/tokens', async (c) => {
    const body = await readBody(c.req.raw, tokensBody);
    if (body instanceof Response) return body;
    const user = state.userByEmail(body.email ?? 'demo@sandbox.test');
    if (!user) return problem('unknown user', 404);
    const clientId = body.clientId ?? SANDBOX_CLIENT_ID;
    if (!findClient(clientId)) return problem(`unknown clientId ${clientId}`);
    const scope = (body.scope ?? EXTENSION_SCOPE).split(/\s+/).filter((s) => s.length > 0);
    const allowed: readonly string[] = ALLOWED_SCOPES;
    if (scope.some((s) => !allowed.includes(s))) return problem('scope not allowed for this app');
    const tenantIds = (body.tenantIds ?? [...user.tenantIds]).map((id) => id.toLowerCase());
    if (tenantIds.some((id) => !user.tenantIds.has(id)))
      return problem('the user cannot access every tenantId given');
    const authEventId = state.ids.guid();
    const connections = connect(ctx, user.userId, clientId, tenantIds, authEventId);
    const grant = createGrant(ctx, user, clientId, scope, authEventId);
    return c.json({
      ...issueTokens(ctx, grant),
      xero_userid: user.userId,
      authEventId,
      connections: connections.map((connection) => connectionJson(ctx, connection)),
    });
  });

  app.get('/orgs/:tenantId/bank-transactions', (c) => {
    const data = org(c.req.param('tenantId'));
    if (!data) return problem('unknown tenantId', 404);
    return c.json(data.transactions.map((t) => groundTruth(data, t)));
  });

  app.get('/orgs/:tenantId/bank-transactions/:id', (c) => {
    const data = org(c.req.param('tenantId'));
    const transaction = data?.transactionsById.get(c.req.param('id').toLowerCase());
    if (!data || !transaction) return problem('unknown tenantId or bank transaction', 404);
    return c.json(groundTruth(data, transaction));
  });

  app.post('/orgs/:tenantId/bank-transactions', async (c) => {
    const data = org(c.req.param('tenantId'));
    if (!data) return problem('unknown tenantId', 404);
    const body = await readBody(c.req.raw, createBankTransactionBody);
    if (body instanceof Response) return body;
    const outcome = createBankTransaction(ctx, data, body);
    return outcome.ok
      ? c.json(groundTruth(data, outcome.transaction), 201)
      : problem(outcome.messages.join(' '));
  });

  app.patch('/orgs/:tenantId/bank-transactions/:id', async (c) => {
    const data = org(c.req.param('tenantId'));
    const transaction = data?.transactionsById.get(c.req.param('id').toLowerCase());
    if (!data || !transaction) return problem('unknown tenantId or bank transaction', 404);
    const body = await readBody(c.req.raw, editBankTransactionBody);
    if (body instanceof Response) return body;
    const outcome = editBankTransaction(ctx, data, transaction, body);
    return outcome.ok ? c.json(groundTruth(data, outcome.transaction)) : problem(outcome.messages.join(' '));
  });

  for (const [method, status] of [
    ['delete', 'DELETED'],
    ['void', 'VOIDED'],
  ] as const) {
    const handler = (tenantId: string, id: string): Response => {
      const data = org(tenantId);
      const transaction = data?.transactionsById.get(id.toLowerCase());
      if (!data || !transaction) return problem('unknown tenantId or bank transaction', 404);
      const outcome = setStatus(ctx, data, transaction, status);
      return outcome.ok
        ? Response.json(groundTruth(data, outcome.transaction))
        : problem(outcome.messages.join(' '));
    };
    if (method === 'delete')
      app.delete('/orgs/:tenantId/bank-transactions/:id', (c) =>
        handler(c.req.param('tenantId'), c.req.param('id')),
      );
    else
      app.post('/orgs/:tenantId/bank-transactions/:id/void', (c) =>
        handler(c.req.param('tenantId'), c.req.param('id')),
      );
  }

  app.get('/connections', (c) =>
    c.json(
      [...state.connections.values()].map((connection) => ({
        ...connectionJson(ctx, connection),
        userId: connection.userId,
        clientId: connection.clientId,
      })),
    ),
  );

  app.delete('/connections/:id', (c) => {
    const removed = state.connections.delete(c.req.param('id').toLowerCase());
    return removed ? c.body(null, 204) : problem('unknown connection', 404);
  });

  app.get('/grants', (c) =>
    c.json(
      [...state.grants.values()].map((grant) => ({
        grantId: grant.grantId,
        userId: grant.userId,
        clientId: grant.clientId,
        scope: grant.scope.join(' '),
        authEventId: grant.authEventId,
        revoked: grant.revoked,
        refreshTokenIssuedAt: grant.current ? new Date(grant.current.issuedAt).toISOString() : null,
      })),
    ),
  );

  app.post('/grants/revoke', async (c) => {
    const body = await readBody(c.req.raw, revokeGrantsBody);
    if (body instanceof Response) return body;
    const user = state.userByEmail(body.email);
    if (!user) return problem('unknown user', 404);
    const grants = [...state.grants.values()].filter(
      (grant) =>
        grant.userId === user.userId &&
        (!body.clientId || grant.clientId === body.clientId) &&
        !grant.revoked,
    );
    for (const grant of grants) revokeGrant(ctx, grant);
    // Disconnecting the app in Xero also removes connections that have no live grant.
    for (const [id, connection] of state.connections) {
      if (connection.userId === user.userId && (!body.clientId || connection.clientId === body.clientId)) {
        state.connections.delete(id);
      }
    }
    return c.json({ revoked: grants.length });
  });

  app.get('/clock', (c) => c.json({ now: clock.now(), iso: new Date(clock.now()).toISOString() }));
  app.post('/clock', async (c) => {
    const body = await readBody(c.req.raw, clockBody);
    if (body instanceof Response) return body;
    if ('advanceMs' in body) clock.advance(body.advanceMs);
    else clock.set(typeof body.set === 'number' ? body.set : Date.parse(body.set));
    return c.json({ now: clock.now(), iso: new Date(clock.now()).toISOString() });
  });

  app.get('/limits', (c) => c.json(state.limits));
  app.put('/limits', async (c) => {
    const body = await readBody(c.req.raw, limitsBody);
    if (body instanceof Response) return body;
    state.limits = { ...state.limits, ...body };
    return c.json(state.limits);
  });

  app.get('/pages', (c) => c.json(state.pages));
  app.put('/pages', async (c) => {
    const body = await readBody(c.req.raw, pagesBody);
    if (body instanceof Response) return body;
    state.pages = { ...body };
    return c.json(state.pages);
  });

  app.get('/faults', (c) => c.json(state.faults));
  app.post('/faults', async (c) => {
    const body = await readBody(c.req.raw, faultBody);
    if (body instanceof Response) return body;
    const { count, ...rest } = body;
    const fault: Fault = {
      id: state.ids.guid(),
      ...rest,
      ...(rest.tenantId ? { tenantId: rest.tenantId.toLowerCase() } : {}),
      ...(count !== undefined ? { remaining: count } : {}),
    };
    state.faults.push(fault);
    return c.json(fault, 201);
  });
  app.delete('/faults', (c) => {
    state.faults = [];
    return c.body(null, 204);
  });

  app.get('/requests', (c) => c.json({ stats: state.requestStats, recent: state.requestLog.slice(-200) }));
  app.delete('/requests', (c) => {
    state.clearRequestLog();
    return c.body(null, 204);
  });

  return app;
}
