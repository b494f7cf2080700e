import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { Account } from '../data/model.ts';
import type { ApiEnv } from './env.ts';
import { queryParseException } from './errors.ts';
import { modifiedSince, parseModifiedSince } from './modified-since.ts';
import { requireScope } from './pipeline.ts';
import { compileOrder, compileWhere, QueryParseError, type WhereFields } from './where.ts';
import { accountJson, envelope, organisationJson } from './xero-json.ts';

const ACCOUNT_FIELDS: WhereFields<Account> = {
  AccountID: { type: 'guid', get: (a) => a.accountId },
  Code: { type: 'string', get: (a) => a.code },
  Name: { type: 'string', get: (a) => a.name },
  Type: { type: 'string', get: (a) => a.type },
  Class: { type: 'string', get: (a) => a.accountClass },
  Status: { type: 'string', get: (a) => a.status },
  TaxType: { type: 'string', get: (a) => a.taxType },
  Description: { type: 'string', get: (a) => a.description ?? null },
  BankAccountType: { type: 'string', get: (a) => a.bankAccountType ?? '' },
  BankAccountNumber: { type: 'string', get: (a) => a.bankAccountNumber ?? null },
  CurrencyCode: { type: 'string', get: (a) => a.currencyCode ?? null },
  SystemAccount: { type: 'string', get: (a) => a.systemAccount ?? null },
  EnablePaymentsToAccount: { type: 'boolean', get: (a) => a.enablePaymentsToAccount },
  ShowInExpenseClaims: { type: 'boolean', get: (a) => a.showInExpenseClaims },
  UpdatedDateUTC: { type: 'date', get: (a) => a.updatedAt },
};

/** Organisation and chart of accounts (scope accounting.settings[.read]). */
export function settingsRoutes(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  // Per route, not `use('*')`: this app is mounted at '/' beside the other Accounting API modules.
  const settingsRead = requireScope('accounting.settings', 'read');

  app.get('/Organisation', settingsRead, (c) =>
    c.json(envelope(ctx, { Organisations: [organisationJson(c.get('organisation'))] })),
  );

  app.get('/Accounts', settingsRead, (c) => {
    const data = c.get('organisation');
    const cutOff = parseModifiedSince(c.req.header('if-modified-since'));
    let accounts = data.accounts.filter((account) => modifiedSince(account.updatedAt, cutOff));
    try {
      const where = c.req.query('where');
      if (where) {
        const predicate = compileWhere(where, ACCOUNT_FIELDS, 'Account');
        accounts = accounts.filter(predicate);
      }
      const order = c.req.query('order');
      // Xero lists accounts by Code unless told otherwise.
      const compare = compileOrder(order || 'Code ASC', ACCOUNT_FIELDS, 'Account', (a) => a.accountId);
      accounts = [...accounts].sort(compare);
    } catch (error) {
      if (error instanceof QueryParseError) return queryParseException(error.message);
      throw error;
    }
    return c.json(envelope(ctx, { Accounts: accounts.map(accountJson) }));
  });

  app.get('/Accounts/:accountId', settingsRead, (c) => {
    const account = c.get('organisation').accountsById.get(c.req.param('accountId').toLowerCase());
    if (!account) return c.text("The resource you're looking for cannot be found", 404);
    return c.json(envelope(ctx, { Accounts: [accountJson(account)] }));
  });

  return app;
}
