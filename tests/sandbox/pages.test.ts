import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OrganisationData } from '../../sandbox/data/model.ts';
import { HOSTILE_TEXT } from '../../sandbox/data/text.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, control, mint, start } from './helpers.ts';

let sandbox: Sandbox;
let first: OrganisationData;
let second: OrganisationData;

beforeAll(async () => {
  sandbox = await start({ scale: 1500 });
  const [a, b] = sandbox.state.organisations;
  if (!a || !b) throw new Error('the sandbox needs two organisations');
  first = a;
  second = b;
});
afterAll(async () => {
  await sandbox.close();
});

const page = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${sandbox.url}${path}`, { redirect: 'manual', ...init });
  return { response, html: await response.text() };
};
const chequeAccountOf = (org: OrganisationData) => {
  const account = org.accounts.find((a) => a.bankAccountType === 'BANK');
  if (!account) throw new Error('no bank account');
  return account;
};
const transactionLinks = (html: string) =>
  [...html.matchAll(/href="\/Bank\/ViewTransaction\.aspx\?bankTransactionID=([0-9a-f-]+)"/g)].map(
    (m) => m[1],
  );
/** The rows of `#bankTransactionList`, as HTML. */
const rowsOf = (html: string) => {
  const body = /<tbody id="bankTransactionList">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0]);
};

describe('Xero-like web pages', () => {
  test('the bank accounts list links each bank account to its transactions and reconcile, under the XeroV2 header', async () => {
    const { response, html } = await page(`/Bank/BankAccounts.aspx?tenant=${first.organisation.tenantId}`);
    expect(response.status).toBe(200);
    expect(html).toContain('<nav id="wac-top-panel"');
    expect(html).toContain(`<span class="x-nav--tenant-menu-button-text">${first.organisation.name}</span>`);
    expect(html).toContain('data-automationid="bankWidget"');
    expect(html).toContain(`/Bank/BankTransactions.aspx?accountID=${chequeAccountOf(first).accountId}`);
    expect(html).toContain(`/BankRec/BankRec.aspx?accountID=${chequeAccountOf(first).accountId}`);
  });

  test('the account transactions list is Xero’s legacy table with a pager of up to 200 rows', async () => {
    const account = chequeAccountOf(first);
    const at = `/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${first.organisation.tenantId}`;
    const small = await page(at);
    expect(small.html).toContain('<table id="bankTransactions"');
    expect(small.html).toContain('<tbody id="bankTransactionList">');
    expect(small.html).toContain('id="bankTransactionsPager"');
    expect(rowsOf(small.html)).toHaveLength(50);
    expect(transactionLinks(small.html)).toHaveLength(50);
    const second = await page(`${at}&page=2`);
    const firstIds = new Set(transactionLinks(small.html));
    expect(transactionLinks(second.html).some((id) => firstIds.has(id))).toBe(false);
    expect(transactionLinks((await page(`${at}&pageSize=200`)).html)).toHaveLength(200);
    // Xero offers 25, 50, 100 and 200 per page; anything else is the default.
    expect(transactionLinks((await page(`${at}&pageSize=500`)).html)).toHaveLength(50);
  });

  test('search reloads the page with the matching rows only, or the empty row', async () => {
    const account = chequeAccountOf(first);
    const at = `/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${first.organisation.tenantId}`;
    const { html } = await page(at);
    expect(html).toMatch(/<form id="searchForm" method="get" action="\/Bank\/BankTransactions\.aspx"/);
    const found = await page(`${at}&search=${encodeURIComponent('INV-')}`);
    const cells = rowsOf(found.html);
    expect(cells.length).toBeGreaterThan(0);
    for (const row of cells) expect(row).toContain('INV-');
    const none = await page(`${at}&search=no-such-words-anywhere`);
    expect(rowsOf(none.html)).toEqual([expect.stringContaining('id="bankTransactionListEmptyRow"')]);
    expect(transactionLinks(none.html)).toHaveLength(0);
  });

  test('payment and transfer rows link with ids that are not bank transactions; the API answers 404 for them', async () => {
    const account = chequeAccountOf(first);
    const { html } = await page(
      `/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${first.organisation.tenantId}&pageSize=200`,
    );
    const rows = rowsOf(html);
    const payment = rows.find((row) => row.includes('Payment: '));
    const transfer = rows.find((row) => row.includes('Bank Transfer'));
    const spend = rows.find((row) => row.includes('Spend Money'));
    if (!payment || !transfer || !spend)
      throw new Error('the list needs payments, transfers and Spend Money');
    const [paymentId] = transactionLinks(payment);
    const [transferId] = transactionLinks(transfer);
    const [spendId] = transactionLinks(spend);
    expect(first.transactionsById.has(paymentId ?? '')).toBe(false);
    expect(first.transactionsById.has(transferId ?? '')).toBe(false);
    expect(first.transactionsById.get(spendId ?? '')?.type).toBe('SPEND');

    const tokens = await mint(sandbox, { tenantIds: [first.organisation.tenantId] });
    const read = (id: string | undefined) =>
      api(sandbox, tokens.access_token, first.organisation.tenantId, `BankTransactions/${id}`);
    expect((await read(paymentId)).status).toBe(404);
    expect((await read(transferId)).status).toBe(404);
    expect((await read(spendId)).status).toBe(200);
    // Their own pages exist, reached through the same parameter.
    const view = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${paymentId}&tenant=${first.organisation.tenantId}`,
    );
    expect(view.response.status).toBe(200);
    expect(view.html).toContain('Payment');
  });

  test('rows=N (sandbox only, for benches) renders N distinct rows on one page', async () => {
    const account = chequeAccountOf(first);
    const big = await page(
      `/Bank/BankTransactions.aspx?accountID=${account.accountId}&rows=1000&tenant=${first.organisation.tenantId}`,
    );
    const bigIds = transactionLinks(big.html);
    expect(bigIds).toHaveLength(1000);
    expect(new Set(bigIds).size).toBe(1000);
  });

  test('short codes come from Xero’s alphabet; the first organisation’s has "!" and "-" after the first "!"', async () => {
    const codes = sandbox.state.organisations.map((o) => o.organisation.shortCode);
    for (const code of codes) expect(code).toMatch(/^![A-Za-z0-9!-]{5}$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(first.organisation.shortCode.slice(1)).toMatch(/!/);
    expect(first.organisation.shortCode.slice(1)).toMatch(/-/);
    // Such a code works in URLs as it is, and chooses the organisation.
    const shell = await page(`/app/${first.organisation.shortCode}/bank`);
    expect(shell.response.status).toBe(200);
    expect(shell.html).toContain(first.organisation.name);
    const byCode = await page(
      `/Bank/BankAccounts.aspx?tenant=${encodeURIComponent(first.organisation.shortCode)}`,
    );
    expect(byCode.html).toContain(`>${first.organisation.name}</span>`);
  });

  test('XeroV2 nav links carry the short code; the page’s own code is the most frequent one', async () => {
    const { html } = await page(`/Bank/BankAccounts.aspx?tenant=${second.organisation.tenantId}`);
    const codes = [...html.matchAll(/href="\/app\/(![^/"?#]+)/g)].map((m) => m[1]);
    const count = (code: string) => codes.filter((c) => c === code).length;
    expect(count(second.organisation.shortCode)).toBeGreaterThanOrEqual(4);
    expect(count(first.organisation.shortCode)).toBe(1);
  });

  test('header variants by ?header= or the control API: narrow (abbreviated), no name, xnav, xrh', async () => {
    const at = `/Bank/BankAccounts.aspx?tenant=${first.organisation.tenantId}`;
    const nameSpan = /<span class="x-nav--tenant-menu-button-text">([^<]*)<\/span>/;
    const narrow = await page(`${at}&header=narrow`);
    const abbreviated = nameSpan.exec(narrow.html)?.[1];
    expect(abbreviated).toBe('HLC');
    expect(first.organisation.name).toBe('Harbour Lane Cafe');
    expect(narrow.html).toContain(`href="/app/${first.organisation.shortCode}/homepage"`);
    const noName = await page(`${at}&header=no-name`);
    expect(noName.html).toContain('<nav id="wac-top-panel"');
    expect(noName.html).not.toMatch(nameSpan);
    const xnav = await page(`${at}&header=xnav`);
    expect(xnav.html).toContain(`<span class="xnav-appbutton--text">${first.organisation.name}</span>`);
    expect(xnav.html).not.toContain('wac-top-panel');
    expect(xnav.html).not.toContain('href="/app/!');
    const xrh = await page(`${at}&header=xrh`);
    expect(xrh.html).toContain('<span class="xrh-appbutton--text" data-automationid="xrh-appbutton-text">');
    expect(xrh.html).not.toContain('href="/app/!');

    expect((await control(sandbox, 'PUT', '/pages', { header: 'sideways' })).status).toBe(400);
    expect((await control(sandbox, 'PUT', '/pages', { header: 'xrh' })).status).toBe(200);
    expect((await page(at)).html).toContain('xrh-appbutton--text');
    // ?header= still wins for one page.
    expect((await page(`${at}&header=xerov2`)).html).toContain('wac-top-panel');
    await control(sandbox, 'PUT', '/pages', { header: 'xerov2' });
    expect((await page(at)).html).toContain('wac-top-panel');
  });

  test('reconcile lists unreconciled statement lines, drawn by the page’s script, hostile text kept inert', async () => {
    const account = chequeAccountOf(first);
    const { response, html } = await page(
      `/BankRec/BankRec.aspx?accountID=${account.accountId}&tenant=${first.organisation.tenantId}&redrawMs=1000`,
    );
    expect(response.status).toBe(200);
    expect(html).toContain('<div id="statementLines"');
    const script = html.slice(html.indexOf('<script>'));
    // The data is JSON inside the script; nothing in it can end the element early.
    expect(script.indexOf('</script>')).toBe(script.lastIndexOf('</script>'));
    const ids = [...script.matchAll(/"id":"([0-9a-f-]{36})"/g)].map((m) => m[1] ?? '');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(first.transactionsById.get(id)?.isReconciled).toBe(false);
    expect(script).toContain('const every = 1000;');
    expect(
      (await page(`/BankRec/BankRec.aspx?accountID=nope&tenant=${first.organisation.tenantId}`)).response
        .status,
    ).toBe(404);
  });

  test('a single transaction page shows it; an unknown one is a 404', async () => {
    const t = first.transactions.find((x) => x.status === 'AUTHORISED');
    if (!t) throw new Error('no transaction');
    const { response, html } = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${t.bankTransactionId}&tenant=${first.organisation.tenantId}`,
    );
    expect(response.status).toBe(200);
    expect(html).toContain('<h1 class="xui-pageheading--title">');
    const old = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${t.bankTransactionId}&tenant=${first.organisation.tenantId}&header=xrh`,
    );
    expect(old.html).toContain('id="transaction-title"');
    const bare = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${t.bankTransactionId}&tenant=${first.organisation.tenantId}&heading=0`,
    );
    expect(bare.html).not.toContain('xui-pageheading--title');
    const missing = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=nope&tenant=${first.organisation.tenantId}`,
    );
    expect(missing.response.status).toBe(404);
  });

  test('hostile contact names are escaped, never markup', async () => {
    const t = first.transactions.find(
      (x) => HOSTILE_TEXT.includes(x.contact.name) && x.contact.name.includes('<'),
    );
    if (!t) throw new Error('the seed has no hostile contact');
    const { html } = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${t.bankTransactionId}&tenant=${first.organisation.tenantId}`,
    );
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;');
  });

  test('the organisation switcher sets the session cookie and redirects only within the sandbox', async () => {
    const code = second.organisation.shortCode;
    const switched = await page(
      `/organisationlogin/default.aspx?shortcode=${encodeURIComponent(code)}&redirecturl=/Bank/BankAccounts.aspx`,
    );
    expect(switched.response.status).toBe(302);
    expect(switched.response.headers.get('location')).toBe('/Bank/BankAccounts.aspx');
    const cookie = switched.response.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toContain(second.organisation.tenantId);
    const { html } = await page('/Bank/BankAccounts.aspx', { headers: { cookie } });
    expect(html).toContain(`<span class="x-nav--tenant-menu-button-text">${second.organisation.name}</span>`);

    const away = await page(
      `/organisationlogin/default.aspx?shortcode=${encodeURIComponent(code)}&redirecturl=https://evil.test/`,
    );
    expect(away.response.headers.get('location')).toBe('/Bank/BankAccounts.aspx');
    const list = await page('/organisationlogin/default.aspx');
    expect(list.html).toContain(first.organisation.name);
    expect(list.html).toContain(second.organisation.name);
  });

  test('/app/!{ShortCode}/… is a script-rendered shell: the rows arrive as JSON, not in the HTML', async () => {
    const base = `/app/${second.organisation.shortCode}`;
    expect(base).toMatch(/^\/app\/!/);
    const shell = await page(`${base}/bank`);
    expect(shell.response.status).toBe(200);
    expect(shell.html).toContain(second.organisation.name);
    expect(shell.html).toContain('id="app-root"');
    expect(transactionLinks(shell.html)).toHaveLength(0);
    expect(shell.response.headers.get('set-cookie')).toContain(second.organisation.tenantId);

    const accounts = (await (await fetch(`${sandbox.url}${base}/data/bank-accounts`)).json()) as {
      accounts: { accountId: string }[];
    };
    expect(accounts.accounts.map((a) => a.accountId)).toContain(chequeAccountOf(second).accountId);
    const rows = (await (
      await fetch(
        `${sandbox.url}${base}/data/bank-transactions?accountID=${chequeAccountOf(second).accountId}&rows=1200`,
      )
    ).json()) as { transactions: { bankTransactionId: string }[] };
    expect(rows.transactions).toHaveLength(1200);
    expect((await page('/app/!nope/bank')).response.status).toBe(404);
  });
});
