import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OrganisationData } from '../../sandbox/data/model.ts';
import { HOSTILE_TEXT } from '../../sandbox/data/text.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { start } from './helpers.ts';

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

describe('Xero-like web pages', () => {
  test('the bank accounts list links each bank account to its transactions, under the organisation name', async () => {
    const { response, html } = await page(`/Bank/BankAccounts.aspx?tenant=${first.organisation.tenantId}`);
    expect(response.status).toBe(200);
    expect(html).toContain(`<span class="xrh-appbutton--text" data-automationid="xrh-appbutton-text">`);
    expect(html).toContain(first.organisation.name);
    expect(html).toContain(`/Bank/BankTransactions.aspx?accountID=${chequeAccountOf(first).accountId}`);
  });

  test('an account’s transactions list links rows to their transaction pages; rows= renders 1,000 rows', async () => {
    const account = chequeAccountOf(first);
    const small = await page(
      `/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${first.organisation.tenantId}`,
    );
    expect(transactionLinks(small.html)).toHaveLength(50);
    const ids = transactionLinks(small.html);
    for (const id of ids) expect(first.transactionsById.get(id ?? '')?.status).toBe('AUTHORISED');
    const big = await page(
      `/Bank/BankTransactions.aspx?accountID=${account.accountId}&rows=1000&tenant=${first.organisation.tenantId}`,
    );
    const bigIds = transactionLinks(big.html);
    expect(bigIds).toHaveLength(1000);
    expect(new Set(bigIds).size).toBe(1000);
  });

  test('a single transaction page shows it; an unknown one is a 404', async () => {
    const t = first.transactions.find((x) => x.status === 'AUTHORISED');
    if (!t) throw new Error('no transaction');
    const { response, html } = await page(
      `/Bank/ViewTransaction.aspx?bankTransactionID=${t.bankTransactionId}&tenant=${first.organisation.tenantId}`,
    );
    expect(response.status).toBe(200);
    expect(html).toContain('id="transaction-title"');
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
    expect(html).toContain(second.organisation.name);
    expect(html).not.toContain(first.organisation.name);

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
