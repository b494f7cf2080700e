import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { SandboxContext } from '../context.ts';
import type { OrganisationData } from '../data/model.ts';
import {
  accountTransactions,
  appShellPage,
  bankAccountsOf,
  bankAccountsPage,
  bankTransactionsPage,
  notFoundPage,
  organisationSwitcherPage,
  viewTransactionPage,
} from './html.ts';

/** The cookie that stands for Xero's session: which organisation the pages show. */
export const ORG_COOKIE = 'xero_sandbox_org';
export const DEFAULT_ROWS = 50;
export const MAX_ROWS = 5000;

const rowsParam = z.coerce.number().int().min(1).max(MAX_ROWS).catch(DEFAULT_ROWS);
/** `/Bank/…` or `/app/…` only: a redirect never leaves the sandbox. */
const redirectParam = z
  .string()
  .regex(/^\/(Bank|app)\/[^\\]*$/)
  .catch('/Bank/BankAccounts.aspx');

/**
 * Xero-like web pages for the content script (see sandbox/README.md "Web pages"). Which organisation
 * a page shows: `?tenant=` (tenantId or short code), else the session cookie set by the organisation
 * switcher (`/organisationlogin/default.aspx?shortcode=!…`), else the first organisation. `/app/!{code}/…`
 * pages take the organisation from the URL, as Xero does.
 */
export function webAppPages(ctx: SandboxContext): Hono {
  const app = new Hono();
  const { state } = ctx;

  const byKey = (key: string | undefined): OrganisationData | undefined => {
    if (!key) return undefined;
    const wanted = key.replace(/^!/, '').toLowerCase();
    return state.organisations.find(
      (o) =>
        o.organisation.tenantId === wanted ||
        o.organisation.shortCode.replace(/^!/, '').toLowerCase() === wanted,
    );
  };
  const current = (c: Context): OrganisationData | undefined =>
    byKey(c.req.query('tenant')) ?? byKey(getCookie(c, ORG_COOKIE)) ?? state.organisations[0];
  const html = (c: Context, body: string, status: 200 | 404 = 200) =>
    c.html(body, status, { 'cache-control': 'no-store' });
  const rowsOf = (c: Context) => rowsParam.parse(c.req.query('rows'));

  app.get('/organisationlogin/default.aspx', (c) => {
    const chosen = byKey(c.req.query('shortcode'));
    const org = current(c);
    if (!org) return c.text('The sandbox has no organisations', 404);
    if (!chosen) return html(c, organisationSwitcherPage(state.organisations, org));
    setCookie(c, ORG_COOKIE, chosen.organisation.tenantId, { path: '/', sameSite: 'Lax', httpOnly: true });
    return c.redirect(redirectParam.parse(c.req.query('redirecturl')), 302);
  });

  app.get('/Bank/BankAccounts.aspx', (c) => {
    const org = current(c);
    return org ? html(c, bankAccountsPage(org)) : c.text('No organisation', 404);
  });

  app.get('/Bank/BankTransactions.aspx', (c) => {
    const org = current(c);
    if (!org) return c.text('No organisation', 404);
    const accountId = (c.req.query('accountID') ?? '').toLowerCase();
    if (!org.accountsById.has(accountId)) return html(c, notFoundPage(org, 'No such bank account.'), 404);
    return html(c, bankTransactionsPage(org, accountId, rowsOf(c)));
  });

  app.get('/Bank/ViewTransaction.aspx', (c) => {
    const org = current(c);
    if (!org) return c.text('No organisation', 404);
    const id = (c.req.query('bankTransactionID') ?? '').toLowerCase();
    const transaction = org.transactionsById.get(id);
    if (!transaction) return html(c, notFoundPage(org, 'This transaction could not be found.'), 404);
    return html(c, viewTransactionPage(org, transaction));
  });

  // Data for the script-rendered pages (Xero's newer screens fetch theirs the same way).
  app.get('/app/:code/data/bank-accounts', (c) => {
    const org = byKey(c.req.param('code'));
    if (!org) return c.json({ error: 'unknown organisation' }, 404);
    return c.json({
      accounts: bankAccountsOf(org).map((a) => ({ accountId: a.accountId, name: a.name, code: a.code })),
    });
  });

  app.get('/app/:code/data/bank-transactions', (c) => {
    const org = byKey(c.req.param('code'));
    const accountId = (c.req.query('accountID') ?? '').toLowerCase();
    const account = org?.accountsById.get(accountId);
    if (!org || !account) return c.json({ error: 'unknown organisation or account' }, 404);
    return c.json({
      accountName: account.name,
      transactions: accountTransactions(org, accountId, rowsOf(c)).map((t) => ({
        bankTransactionId: t.bankTransactionId,
        date: new Date(t.date).toISOString().slice(0, 10),
        contactName: t.contact.name,
        reference: t.reference,
        amount: t.lineItems.reduce((sum, line) => sum + line.lineAmount, 0).toFixed(2),
      })),
    });
  });

  app.get('/app/:code/*', (c) => {
    const code = c.req.param('code');
    const org = code.startsWith('!') ? byKey(code) : undefined;
    if (!org) return c.text('Page not found', 404);
    setCookie(c, ORG_COOKIE, org.organisation.tenantId, { path: '/', sameSite: 'Lax', httpOnly: true });
    return html(c, appShellPage(org));
  });

  return app;
}
