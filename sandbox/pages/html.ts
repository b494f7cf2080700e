import type { BankTransaction, OrganisationData } from '../data/model.ts';
import { totalsOf } from '../data/model.ts';
import { escapeHtml } from '../identity/pages.ts';

/**
 * Xero-shaped web pages: the header (organisation name in the app button), the legacy bank pages and
 * the shell of a script-rendered `/app/!{ShortCode}/…` page. Every value goes through escapeHtml:
 * contact names and descriptions are hostile on purpose. No page loads anything from another origin.
 */

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;background:#f5f7f9;color:#1e3145}
.xrh-header{display:flex;align-items:center;gap:1rem;background:#0b2a3d;color:#fff;padding:.5rem 1rem;height:48px}
.xrh-appbutton{background:none;border:0;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.xrh-header nav a{color:#cfe3f1;margin-right:1rem;text-decoration:none}
main{padding:1rem 2rem}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e1e6eb;overflow:hidden}
th{font-size:.8rem;color:#56697a}
td.amount,th.amount{text-align:right;width:8rem}
td.date,th.date{width:7rem}
td.who{width:44%}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.4rem;background:#fff;padding:1rem}
`;

export function escapeText(value: string): string {
  return escapeHtml(value);
}

export function layout(org: OrganisationData, title: string, body: string, script = ''): string {
  const name = org.organisation.name;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(name)} – Xero</title>
<style>${STYLE}</style>
</head>
<body>
<header class="xrh-header" data-automationid="xero-header">
<button class="xrh-appbutton" type="button" aria-haspopup="true" onclick="location.href='/organisationlogin/default.aspx'"><span class="xrh-appbutton--text" data-automationid="xrh-appbutton-text">${escapeHtml(name)}</span></button>
<nav aria-label="Main"><a href="/Bank/BankAccounts.aspx">Bank accounts</a><a href="/app/${escapeHtml(org.organisation.shortCode)}/bank">Bank (new)</a></nav>
</header>
<main id="content">${body}</main>
${script}
</body>
</html>`;
}

export function bankAccountsOf(org: OrganisationData) {
  return org.accounts.filter((account) => account.bankAccountType && account.status === 'ACTIVE');
}

const money = (value: number) => value.toFixed(2);

export function bankAccountsPage(org: OrganisationData): string {
  const rows = bankAccountsOf(org)
    .map((account) => {
      const count = org.transactions.filter((t) => t.bankAccountId === account.accountId).length;
      return `<tr><td><a href="/Bank/BankTransactions.aspx?accountID=${escapeHtml(account.accountId)}">${escapeHtml(account.name)}</a></td><td>${escapeHtml(account.code)}</td><td class="amount">${count}</td></tr>`;
    })
    .join('\n');
  return layout(
    org,
    'Bank accounts',
    `<h1>Bank accounts</h1>
<table><thead><tr><th>Account</th><th>Code</th><th class="amount">Transactions</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

/** Newest first, as Xero lists them; deleted and voided ones are not listed. */
export function accountTransactions(
  org: OrganisationData,
  accountId: string,
  rows: number,
): BankTransaction[] {
  const listed = (t: BankTransaction) => t.status === 'AUTHORISED';
  const byDate = (a: BankTransaction, b: BankTransaction) =>
    b.date - a.date || a.bankTransactionId.localeCompare(b.bankTransactionId);
  const own = org.transactions.filter((t) => t.bankAccountId === accountId && listed(t)).sort(byDate);
  if (own.length >= rows) return own.slice(0, rows);
  // A row count above what the account has is filled from the organisation's other accounts.
  const others = org.transactions.filter((t) => t.bankAccountId !== accountId && listed(t)).sort(byDate);
  return [...own, ...others].slice(0, rows);
}

export function transactionRowsHtml(transactions: BankTransaction[]): string {
  return transactions
    .map((t) => {
      const { total } = totalsOf(t);
      const spent = t.type.startsWith('SPEND') ? money(total) : '';
      const received = t.type.startsWith('RECEIVE') ? money(total) : '';
      const date = new Date(t.date).toISOString().slice(0, 10);
      return `<tr><td class="date">${date}</td><td class="who"><a href="/Bank/ViewTransaction.aspx?bankTransactionID=${escapeHtml(t.bankTransactionId)}">${escapeHtml(t.contact.name)}</a></td><td>${escapeHtml(t.reference)}</td><td class="amount">${spent}</td><td class="amount">${received}</td></tr>`;
    })
    .join('\n');
}

export function bankTransactionsPage(org: OrganisationData, accountId: string, rows: number): string {
  const account = org.accountsById.get(accountId);
  const transactions = accountTransactions(org, accountId, rows);
  return layout(
    org,
    'Account transactions',
    `<h1>${escapeHtml(account?.name ?? 'Bank account')}</h1>
<h2>Account transactions</h2>
<table id="bank-transactions"><thead><tr><th class="date">Date</th><th>Description</th><th>Reference</th><th class="amount">Spent</th><th class="amount">Received</th></tr></thead>
<tbody>${transactionRowsHtml(transactions)}</tbody></table>`,
  );
}

const TYPE_TITLES: Record<string, string> = {
  SPEND: 'Spend Money',
  RECEIVE: 'Receive Money',
  'SPEND-TRANSFER': 'Transfer',
  'RECEIVE-TRANSFER': 'Transfer',
};

export function viewTransactionPage(org: OrganisationData, t: BankTransaction): string {
  const account = org.accountsById.get(t.bankAccountId);
  const { subTotal, totalTax, total } = totalsOf(t);
  const lines = t.lineItems
    .map((line) => {
      const coded = org.accountsById.get(line.accountId);
      return `<tr><td>${escapeHtml(line.description)}</td><td>${escapeHtml(coded ? `${coded.code} - ${coded.name}` : '')}</td><td class="amount">${money(line.lineAmount)}</td></tr>`;
    })
    .join('\n');
  return layout(
    org,
    TYPE_TITLES[t.type] ?? 'Bank transaction',
    `<h1 id="transaction-title">${escapeHtml(TYPE_TITLES[t.type] ?? 'Bank transaction')}</h1>
<dl>
<dt>To / From</dt><dd data-automationid="contact-name">${escapeHtml(t.contact.name)}</dd>
<dt>Date</dt><dd>${new Date(t.date).toISOString().slice(0, 10)}</dd>
<dt>Reference</dt><dd>${escapeHtml(t.reference)}</dd>
<dt>Bank account</dt><dd><a href="/Bank/BankTransactions.aspx?accountID=${escapeHtml(t.bankAccountId)}">${escapeHtml(account?.name ?? '')}</a></dd>
<dt>Status</dt><dd>${escapeHtml(t.status)}${t.isReconciled ? ', reconciled' : ''}</dd>
</dl>
<table><thead><tr><th>Description</th><th>Account</th><th class="amount">Amount</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><td></td><td>Subtotal</td><td class="amount">${money(subTotal)}</td></tr><tr><td></td><td>Tax</td><td class="amount">${money(totalTax)}</td></tr><tr><td></td><th>Total</th><td class="amount">${money(total)}</td></tr></tfoot></table>`,
  );
}

export function notFoundPage(org: OrganisationData, what: string): string {
  return layout(org, 'Page not found', `<h1>Page not found</h1><p>${escapeHtml(what)}</p>`);
}

export function organisationSwitcherPage(orgs: OrganisationData[], current: OrganisationData): string {
  const items = orgs
    .map(
      (o) =>
        `<li><a href="/organisationlogin/default.aspx?shortcode=${escapeHtml(o.organisation.shortCode)}&amp;redirecturl=/Bank/BankAccounts.aspx">${escapeHtml(o.organisation.name)}</a></li>`,
    )
    .join('\n');
  return layout(current, 'Change organisation', `<h1>Change organisation</h1><ul>${items}</ul>`);
}

/**
 * The shell of a newer Xero screen: nothing but a mount point until the script has fetched its data.
 * Links inside are followed with history.pushState, so the page changes without a reload.
 */
export function appShellPage(org: OrganisationData): string {
  // Xero's short codes start with "!" already: `/app/!EYJ4f/…`.
  const base = `/app/${org.organisation.shortCode}`;
  const script = `<script>
(() => {
  const base = ${JSON.stringify(base)};
  const root = document.getElementById('app-root');
  const el = (tag, text, attrs) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  };
  const delay = Number(new URLSearchParams(location.search).get('renderDelay') ?? 150);
  let generation = 0;
  async function render() {
    const mine = ++generation;
    root.replaceChildren(el('p', 'Loading…', { role: 'status' }));
    const path = location.pathname.slice(base.length);
    const account = /^\\/bank\\/account\\/([^/]+)$/.exec(path);
    const url = account
      ? base + '/data/bank-transactions?accountID=' + encodeURIComponent(account[1]) + '&rows=' + (new URLSearchParams(location.search).get('rows') ?? '50')
      : base + '/data/bank-accounts';
    const [data] = await Promise.all([fetch(url).then((r) => r.json()), new Promise((r) => setTimeout(r, delay))]);
    if (mine !== generation) return;
    if (account) {
      const table = el('table', undefined, { 'data-testid': 'app-transactions' });
      const body = el('tbody');
      for (const t of data.transactions) {
        const row = el('tr');
        row.append(el('td', t.date, { class: 'date' }));
        const who = el('td', undefined, { class: 'who' });
        who.append(el('a', t.contactName, { href: '/Bank/ViewTransaction.aspx?bankTransactionID=' + encodeURIComponent(t.bankTransactionId) }));
        row.append(who, el('td', t.reference), el('td', t.amount, { class: 'amount' }));
        body.append(row);
      }
      table.append(body);
      root.replaceChildren(el('h1', data.accountName), el('a', 'All bank accounts', { href: base + '/bank', 'data-nav': '' }), table);
    } else {
      const list = el('ul', undefined, { 'data-testid': 'app-accounts' });
      for (const a of data.accounts) {
        const item = el('li');
        item.append(el('a', a.name, { href: base + '/bank/account/' + a.accountId, 'data-nav': '' }));
        list.append(item);
      }
      root.replaceChildren(el('h1', 'Bank accounts'), list);
    }
  }
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-nav]') : null;
    if (!link) return;
    event.preventDefault();
    history.pushState(null, '', link.getAttribute('href') + location.search);
    render();
  });
  addEventListener('popstate', render);
  render();
})();
</script>`;
  return layout(org, 'Bank', '<div id="app-root"></div>', script);
}
