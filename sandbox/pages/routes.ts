import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { SandboxContext } from '../context.ts';
import type { OrganisationData } from '../data/model.ts';
import { type Frame, HEADER_VARIANTS } from './chrome.ts';
import {
  appShellPage,
  bankAccountsOf,
  bankAccountsPage,
  bankTransactionsPage,
  notFoundPage,
  organisationSwitcherPage,
  PAGE_SIZES,
  reconcilePage,
  viewLedgerRowPage,
  viewTransactionPage,
} from './html.ts';
import { ledgerOf, ledgerRowById, ledgerWithRows } from './ledger.ts';

/** The cookie that stands for Xero's session: which organisation the pages show. */
export const ORG_COOKIE = 'xero_sandbox_org';
export const DEFAULT_ROWS = 50;
export const MAX_ROWS = 5000;

const rowsParam = z.coerce.number().int().min(1).max(MAX_ROWS).optional().catch(undefined);
const pageParam = z.coerce.number().int().min(1).catch(1);
const pageSizeParam = z.coerce
  .number()
  .refine((size) => (PAGE_SIZES as readonly number[]).includes(size))
  .catch(DEFAULT_ROWS);
const headerParam = z.enum(HEADER_VARIANTS).optional().catch(undefined);
const redrawParam = z.coerce.number().int().min(200).max(60_000).catch(3000);
/** Reconcile shows this many statement lines at most. */
const RECONCILE_LINES = 25;
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

  // Short codes are case-sensitive and may hold "!" and "-" after the first "!" (`!0X0!!`, `!G4KH-`).
  const byKey = (key: string | undefined): OrganisationData | undefined => {
    if (!key) return undefined;
    const code = key.startsWith('!') ? key : `!${key}`;
    const tenantId = key.toLowerCase();
    return state.organisations.find(
      (o) => o.organisation.tenantId === tenantId || o.organisation.shortCode === code,
    );
  };
  const current = (c: Context): OrganisationData | undefined =>
    byKey(c.req.query('tenant')) ?? byKey(getCookie(c, ORG_COOKIE)) ?? state.organisations[0];
  const html = (c: Context, body: string, status: 200 | 404 = 200) =>
    c.html(body, status, { 'cache-control': 'no-store' });
  /** `?header=` wins for one page; else what the control API set (`PUT /__sandbox/pages`). */
  const frameOf = (c: Context, org: OrganisationData): Frame => ({
    org,
    orgs: state.organisations,
    header: headerParam.parse(c.req.query('header')) ?? state.pages.header,
  });
  const withHeading = (c: Context) => c.req.query('heading') !== '0';

  app.get('/organisationlogin/default.aspx', (c) => {
    const chosen = byKey(c.req.query('shortcode'));
    const org = current(c);
    if (!org) return c.text('The sandbox has no organisations', 404);
    if (!chosen) return html(c, organisationSwitcherPage(frameOf(c, org)));
    setCookie(c, ORG_COOKIE, chosen.organisation.tenantId, { path: '/', sameSite: 'Lax', httpOnly: true });
    return c.redirect(redirectParam.parse(c.req.query('redirecturl')), 302);
  });

  app.get('/Bank/BankAccounts.aspx', (c) => {
    const org = current(c);
    return org ? html(c, bankAccountsPage(frameOf(c, org))) : c.text('No organisation', 404);
  });

  app.get('/Bank/BankTransactions.aspx', (c) => {
    const org = current(c);
    if (!org) return c.text('No organisation', 404);
    const frame = frameOf(c, org);
    const accountId = (c.req.query('accountID') ?? '').toLowerCase();
    if (!org.accountsById.has(accountId)) return html(c, notFoundPage(frame, 'No such bank account.'), 404);
    const search = (c.req.query('search') ?? '').slice(0, 200);
    // `rows=N` (sandbox only, for benches): N rows on one page, beyond Xero's 200.
    const rows = rowsParam.parse(c.req.query('rows'));
    if (rows !== undefined) {
      const listed = ledgerWithRows(org, accountId, rows);
      return html(
        c,
        bankTransactionsPage(frame, {
          accountId,
          rows: listed,
          page: 1,
          pageSize: rows,
          total: listed.length,
          search,
        }),
      );
    }
    const all = ledgerOf(org, accountId, search);
    const pageSize = pageSizeParam.parse(c.req.query('pageSize'));
    const lastPage = Math.max(1, Math.ceil(all.length / pageSize));
    const page = Math.min(pageParam.parse(c.req.query('page')), lastPage);
    const listed = all.slice((page - 1) * pageSize, page * pageSize);
    return html(
      c,
      bankTransactionsPage(frame, { accountId, rows: listed, page, pageSize, total: all.length, search }),
    );
  });

  app.get('/Bank/ViewTransaction.aspx', (c) => {
    const org = current(c);
    if (!org) return c.text('No organisation', 404);
    const frame = frameOf(c, org);
    const id = (c.req.query('bankTransactionID') ?? '').toLowerCase();
    const transaction = org.transactionsById.get(id);
    if (transaction) return html(c, viewTransactionPage(frame, transaction, withHeading(c)));
    // Xero's links put a PaymentID or a BankTransferID in the same parameter.
    const row = ledgerRowById(org, id);
    if (row) return html(c, viewLedgerRowPage(frame, row, withHeading(c)));
    return html(c, notFoundPage(frame, 'This transaction could not be found.'), 404);
  });

  app.get('/BankRec/BankRec.aspx', (c) => {
    const org = current(c);
    if (!org) return c.text('No organisation', 404);
    const frame = frameOf(c, org);
    const accountId = (c.req.query('accountID') ?? '').toLowerCase();
    if (!org.accountsById.has(accountId)) return html(c, notFoundPage(frame, 'No such bank account.'), 404);
    const lines = org.transactions
      .filter((t) => t.bankAccountId === accountId && t.status === 'AUTHORISED' && !t.isReconciled)
      .sort((a, b) => b.date - a.date)
      .slice(0, RECONCILE_LINES);
    return html(c, reconcilePage(frame, accountId, lines, redrawParam.parse(c.req.query('redrawMs'))));
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
      transactions: ledgerWithRows(org, accountId, rowsParam.parse(c.req.query('rows')) ?? DEFAULT_ROWS).map(
        (row) => ({
          bankTransactionId: row.linkId,
          date: new Date(row.date).toISOString().slice(0, 10),
          contactName: row.contactName,
          reference: row.reference,
          amount: row.amount.toFixed(2),
        }),
      ),
    });
  });

  app.get('/app/:code/*', (c) => {
    const code = c.req.param('code');
    const org = code.startsWith('!') ? byKey(code) : undefined;
    if (!org) return c.text('Page not found', 404);
    setCookie(c, ORG_COOKIE, org.organisation.tenantId, { path: '/', sameSite: 'Lax', httpOnly: true });
    return html(c, appShellPage(frameOf(c, org)));
  });

  return app;
}
