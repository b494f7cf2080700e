import { Hono } from 'hono';
import { findClient } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { BankTransaction, OrganisationData } from '../data/model.ts';
import { totalsOf } from '../data/model.ts';
import { applyBankTransactionUpdate } from './bank-transaction-update.ts';
import type { ApiEnv } from './env.ts';
import { notFound, queryParseException, validationException } from './errors.ts';
import { modifiedSince, parseModifiedSince } from './modified-since.ts';
import { requireScope } from './pipeline.ts';
import { compileOrder, compileWhere, QueryParseError, type WhereFields } from './where.ts';
import { bankTransactionUpdateBody, firstBankTransaction } from './xero-input.ts';
import { bankTransactionJson, envelope } from './xero-json.ts';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
/** Without `order`, the sandbox lists oldest change first (documented in the README). */
const DEFAULT_ORDER = 'UpdatedDateUTC ASC';

export function bankTransactionFields(data: OrganisationData): WhereFields<BankTransaction> {
  const bankAccount = (t: BankTransaction) => data.accountsById.get(t.bankAccountId);
  return {
    BankTransactionID: { type: 'guid', get: (t) => t.bankTransactionId },
    Type: { type: 'string', get: (t) => t.type },
    Status: { type: 'string', get: (t) => t.status },
    Date: { type: 'date', get: (t) => t.date },
    UpdatedDateUTC: { type: 'date', get: (t) => t.updatedAt },
    Reference: { type: 'string', get: (t) => t.reference },
    IsReconciled: { type: 'boolean', get: (t) => t.isReconciled },
    HasAttachments: {
      type: 'boolean',
      get: (t) => (data.attachments.get(t.bankTransactionId)?.length ?? 0) > 0,
    },
    LineAmountTypes: { type: 'string', get: (t) => t.lineAmountTypes },
    CurrencyCode: { type: 'string', get: (t) => t.currencyCode },
    SubTotal: { type: 'number', get: (t) => totalsOf(t).subTotal },
    TotalTax: { type: 'number', get: (t) => totalsOf(t).totalTax },
    Total: { type: 'number', get: (t) => totalsOf(t).total },
    'BankAccount.AccountID': { type: 'guid', get: (t) => t.bankAccountId },
    'BankAccount.Code': { type: 'string', get: (t) => bankAccount(t)?.code ?? null },
    'BankAccount.Name': { type: 'string', get: (t) => bankAccount(t)?.name ?? null },
    'Contact.ContactID': { type: 'guid', get: (t) => t.contact.contactId },
    'Contact.Name': { type: 'string', get: (t) => t.contact.name },
  };
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** Spend and Receive Money (scope accounting.banktransactions[.read]). */
export function bankTransactionsRoutes(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/BankTransactions', requireScope('accounting.banktransactions', 'read'), (c) => {
    const data = c.get('organisation');
    const fields = bankTransactionFields(data);
    const cutOff = parseModifiedSince(c.req.header('if-modified-since'));
    let items = data.transactions.filter((t) => modifiedSince(t.updatedAt, cutOff));
    try {
      const where = c.req.query('where');
      if (where) items = items.filter(compileWhere(where, fields, 'BankTransaction'));
      const compare = compileOrder(
        c.req.query('order') || DEFAULT_ORDER,
        fields,
        'BankTransaction',
        (t) => t.bankTransactionId,
      );
      items = [...items].sort(compare);
    } catch (error) {
      if (error instanceof QueryParseError) return queryParseException(error.message);
      throw error;
    }
    const pageParam = c.req.query('page');
    if (pageParam === undefined) {
      return c.json(
        envelope(ctx, { BankTransactions: items.map((t) => bankTransactionJson(data, t, false)) }),
      );
    }
    const page = Math.max(1, positiveInt(pageParam) ?? 1);
    const pageSize = Math.min(
      MAX_PAGE_SIZE,
      Math.max(1, positiveInt(c.req.query('pageSize')) ?? DEFAULT_PAGE_SIZE),
    );
    const itemCount = items.length;
    const pageItems = items.slice((page - 1) * pageSize, page * pageSize);
    return c.json(
      envelope(ctx, {
        pagination: { page, pageSize, pageCount: Math.ceil(itemCount / pageSize), itemCount },
        BankTransactions: pageItems.map((t) => bankTransactionJson(data, t, true)),
      }),
    );
  });

  app.get('/BankTransactions/:id', requireScope('accounting.banktransactions', 'read'), (c) => {
    const data = c.get('organisation');
    const transaction = data.transactionsById.get(c.req.param('id').toLowerCase());
    if (!transaction) return notFound();
    return c.json(envelope(ctx, { BankTransactions: [bankTransactionJson(data, transaction, true)] }));
  });

  app.post('/BankTransactions/:id', requireScope('accounting.banktransactions', 'write'), async (c) => {
    const data = c.get('organisation');
    const id = c.req.param('id').toLowerCase();
    const transaction = data.transactionsById.get(id);
    if (!transaction) return notFound();
    const locked = data.organisation.periodLockDate;
    if (locked && new Date(transaction.date).toISOString().slice(0, 10) <= locked) {
      return validationException(
        [`The document date cannot be on or before the period lock date (${locked}).`],
        id,
      );
    }
    const parsed = bankTransactionUpdateBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return validationException(['The request body is not a valid BankTransaction.'], id);
    const outcome = applyBankTransactionUpdate(
      data,
      transaction,
      firstBankTransaction(parsed.data),
      ctx.state.ids,
      ctx.clock.now(),
    );
    if (!outcome.ok) return validationException(outcome.messages, id);
    const appName = findClient(c.get('principal').clientId)?.appName ?? 'Xero API';
    const history = data.history.get(id) ?? [];
    history.push({
      changes: 'Updated',
      details: `Received through the Xero API from ${appName}`,
      user: appName,
      at: ctx.clock.now(),
    });
    data.history.set(id, history);
    return c.json(
      envelope(ctx, { BankTransactions: [bankTransactionJson(data, outcome.transaction, true)] }),
    );
  });

  return app;
}
