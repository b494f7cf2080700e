import type { BankTransaction, OrganisationData } from '../data/model.ts';
import { totalsOf } from '../data/model.ts';
import { escapeHtml } from '../identity/pages.ts';
import { type Frame, layout } from './chrome.ts';
import type { LedgerRow } from './ledger.ts';

/**
 * Xero-shaped web pages inside the frame of chrome.ts: the legacy bank pages (account transactions as
 * Xero's legacy table, reconcile), and the shell of a script-rendered `/app/!{ShortCode}/…` page. Every
 * value goes through escapeHtml: contact names and descriptions are hostile on purpose. No page loads
 * anything from another origin.
 */

export function bankAccountsOf(org: OrganisationData) {
  return org.accounts.filter((account) => account.bankAccountType && account.status === 'ACTIVE');
}

const money = (value: number) => value.toFixed(2);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Account cards, as `[data-automationid="bankWidget"]` on Xero's Bank accounts page. */
export function bankAccountsPage(frame: Frame): string {
  const { org } = frame;
  const cards = bankAccountsOf(org)
    .map((account) => {
      const count = org.transactions.filter((t) => t.bankAccountId === account.accountId).length;
      const id = escapeHtml(account.accountId);
      return `<section data-automationid="bankWidget"><h2><a href="/Bank/BankTransactions.aspx?accountID=${id}">${escapeHtml(account.name)}</a></h2><p>${escapeHtml(account.code)} · ${count} transactions · <a href="/BankRec/BankRec.aspx?accountID=${id}">Reconcile</a></p></section>`;
    })
    .join('\n');
  return layout(
    frame,
    'Bank accounts',
    `<div class="xui-pageheading"><h1>Bank accounts</h1></div>\n${cards}`,
  );
}

export interface ListView {
  accountId: string;
  rows: LedgerRow[];
  /** 1-based; with `pageSize` and `total`, what the pager shows. */
  page: number;
  pageSize: number;
  total: number;
  search: string;
}

/** Xero's pager offers these page sizes; 200 is the most one page shows. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;

function ledgerRowHtml(row: LedgerRow): string {
  const id = escapeHtml(row.linkId);
  const amount = money(row.amount);
  return `<tr id="row-${id}"><td class="checkbox"><input type="checkbox" name="selected" value="${id}" aria-label="Select"></td><td class="date">${day(row.date)}</td><td class="who"><a href="/Bank/ViewTransaction.aspx?bankTransactionID=${id}">${escapeHtml(row.contactName)}</a></td><td>${escapeHtml(row.reference)}</td><td class="amount">${row.spent ? amount : ''}</td><td class="amount">${row.spent ? '' : amount}</td><td>${row.isReconciled ? 'Reconciled' : ''}</td><td>${escapeHtml(row.source)}</td></tr>`;
}

function pagerHtml(view: ListView): string {
  if (view.total <= view.rows.length && view.page === 1) return '';
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const link = (page: number, size = view.pageSize) =>
    `/Bank/BankTransactions.aspx?accountID=${escapeHtml(view.accountId)}&amp;page=${page}&amp;pageSize=${size}${view.search ? `&amp;search=${escapeHtml(encodeURIComponent(view.search))}` : ''}`;
  const numbers = Array.from({ length: Math.min(pages, 10) }, (_, i) => i + 1)
    .map((n) => `<a href="${link(n)}"${n === view.page ? ' aria-current="page"' : ''}>${n}</a>`)
    .join('');
  const sizes = PAGE_SIZES.map(
    (size) => `<a href="${link(1, size)}"${size === view.pageSize ? ' aria-current="true"' : ''}>${size}</a>`,
  ).join('');
  const first = (view.page - 1) * view.pageSize + 1;
  return `<div class="pager" id="bankTransactionsPager"><span>Showing items ${first}-${first + view.rows.length - 1} of ${view.total}</span><span>Page ${numbers}</span><span>Show ${sizes} per page</span></div>`;
}

/**
 * Account transactions, as Xero's legacy table: `table#bankTransactions`, rows `#bankTransactionList > tr`,
 * `#bankTransactionListEmptyRow` when nothing matches, a pager, and search by a full page load.
 */
export function bankTransactionsPage(frame: Frame, view: ListView): string {
  const account = frame.org.accountsById.get(view.accountId);
  const rows =
    view.rows.length > 0
      ? view.rows.map(ledgerRowHtml).join('\n')
      : '<tr id="bankTransactionListEmptyRow"><td colspan="8">There are no items to display.</td></tr>';
  return layout(
    frame,
    'Account transactions',
    `<div class="xui-pageheading"><h1>Account Transactions</h1><h2>${escapeHtml(account?.name ?? 'Bank account')}</h2></div>
<form id="searchForm" method="get" action="/Bank/BankTransactions.aspx" role="search">
<input type="hidden" name="accountID" value="${escapeHtml(view.accountId)}">
<label>Search <input type="search" name="search" value="${escapeHtml(view.search)}"></label>
<button type="submit">Search</button>
</form>
${pagerHtml(view)}
<table id="bankTransactions" class="standard"><thead><tr><th class="checkbox"><input type="checkbox" aria-label="Select all"></th><th class="date">Date</th><th class="who">Description</th><th>Reference</th><th class="amount">Spent</th><th class="amount">Received</th><th>Reconciled</th><th>Source</th></tr></thead>
<tbody id="bankTransactionList">${rows}</tbody></table>
${pagerHtml(view)}`,
  );
}

const TYPE_TITLES: Record<string, string> = {
  SPEND: 'Spend Money',
  RECEIVE: 'Receive Money',
  'SPEND-TRANSFER': 'Transfer',
  'RECEIVE-TRANSFER': 'Transfer',
  'SPEND-PREPAYMENT': 'Prepayment',
  'RECEIVE-PREPAYMENT': 'Prepayment',
  'SPEND-OVERPAYMENT': 'Overpayment',
  'RECEIVE-OVERPAYMENT': 'Overpayment',
};

/**
 * A page heading: the older headers sat above `<h1 id="transaction-title">`; on XeroV2 pages the
 * heading's markup is unknown, so the sandbox uses a plain `h1` in `.xui-pageheading`. `heading:
 * false` leaves it out (the content script must then dock its panel, not drop it).
 */
function headingHtml(frame: Frame, text: string, heading: boolean): string {
  if (!heading) return '';
  const modern = frame.header !== 'xrh' && frame.header !== 'xnav';
  return modern
    ? `<div class="xui-pageheading"><h1 class="xui-pageheading--title">${escapeHtml(text)}</h1></div>`
    : `<h1 id="transaction-title">${escapeHtml(text)}</h1>`;
}

export function viewTransactionPage(frame: Frame, t: BankTransaction, heading = true): string {
  const { org } = frame;
  const account = org.accountsById.get(t.bankAccountId);
  const { subTotal, totalTax, total } = totalsOf(t);
  const title = TYPE_TITLES[t.type] ?? 'Bank transaction';
  const lines = t.lineItems
    .map((line) => {
      const coded = org.accountsById.get(line.accountId);
      return `<tr><td>${escapeHtml(line.description)}</td><td>${escapeHtml(coded ? `${coded.code} - ${coded.name}` : '')}</td><td class="amount">${money(line.lineAmount)}</td></tr>`;
    })
    .join('\n');
  return layout(
    frame,
    title,
    `${headingHtml(frame, title, heading)}
<dl>
<dt>To / From</dt><dd data-automationid="contact-name">${escapeHtml(t.contact.name)}</dd>
<dt>Date</dt><dd>${day(t.date)}</dd>
<dt>Reference</dt><dd>${escapeHtml(t.reference)}</dd>
<dt>Bank account</dt><dd><a href="/Bank/BankTransactions.aspx?accountID=${escapeHtml(t.bankAccountId)}">${escapeHtml(account?.name ?? '')}</a></dd>
<dt>Status</dt><dd>${escapeHtml(t.status)}${t.isReconciled ? ', reconciled' : ''}</dd>
</dl>
<table><thead><tr><th>Description</th><th>Account</th><th class="amount">Amount</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><td></td><td>Subtotal</td><td class="amount">${money(subTotal)}</td></tr><tr><td></td><td>Tax</td><td class="amount">${money(totalTax)}</td></tr><tr><td></td><th>Total</th><td class="amount">${money(total)}</td></tr></tfoot></table>`,
  );
}

/** A payment's or transfer's page, reached with its id in `bankTransactionID=` as Xero's links do. */
export function viewLedgerRowPage(frame: Frame, row: LedgerRow, heading = true): string {
  const title = row.kind === 'payment' ? 'Payment' : 'Bank Transfer';
  return layout(
    frame,
    title,
    `${headingHtml(frame, title, heading)}
<dl>
<dt>${row.kind === 'payment' ? 'Paid to / from' : 'Transfer'}</dt><dd>${escapeHtml(row.contactName)}</dd>
<dt>Date</dt><dd>${day(row.date)}</dd>
<dt>Reference</dt><dd>${escapeHtml(row.reference)}</dd>
<dt>Amount</dt><dd>${money(row.amount)}</dd>
</dl>`,
  );
}

export function notFoundPage(frame: Frame, what: string): string {
  return layout(frame, 'Page not found', `<h1>Page not found</h1><p>${escapeHtml(what)}</p>`);
}

export function organisationSwitcherPage(frame: Frame): string {
  const items = frame.orgs
    .map(
      (o) =>
        `<li><a href="/organisationlogin/default.aspx?shortcode=${escapeHtml(o.organisation.shortCode)}&amp;redirecturl=/Bank/BankAccounts.aspx">${escapeHtml(o.organisation.name)}</a></li>`,
    )
    .join('\n');
  return layout(frame, 'Change organisation', `<h1>Change organisation</h1><ul>${items}</ul>`);
}

/** JSON inside a <script>: hostile text cannot close the element or open a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Reconcile (`/BankRec/BankRec.aspx?accountID=…`): statement lines `#statementLines .line`, each with
 * Xero's suggested match (a link to the bank transaction). Xero redraws these rows as the bookkeeper
 * works; the page redraws every line every `redrawMs` (default 3 s), replacing its children, so
 * anything a script inserted into a row disappears, as it would on Xero.
 */
export function reconcilePage(
  frame: Frame,
  accountId: string,
  lines: BankTransaction[],
  redrawMs: number,
): string {
  const account = frame.org.accountsById.get(accountId);
  const data = lines.map((t) => ({
    id: t.bankTransactionId,
    date: day(t.date),
    payee: t.contact.name,
    reference: t.reference,
    amount: money(totalsOf(t).total),
    spent: t.type.startsWith('SPEND'),
  }));
  const script = `<script>
(() => {
  const lines = ${scriptJson(data)};
  const every = ${Math.max(200, Math.floor(redrawMs))};
  const root = document.getElementById('statementLines');
  const el = (tag, text, attrs) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  };
  let redraws = 0;
  function draw() {
    const rows = lines.map((line) => {
      const row = el('div', undefined, { class: 'line', 'data-line-id': line.id });
      const statement = el('div', undefined, { class: 'statement' });
      statement.append(el('span', line.date), ' ', el('strong', line.payee), ' ', el('span', line.reference));
      const amount = el('div', (line.spent ? '-' : '') + line.amount, { class: 'amount' });
      const match = el('div', undefined, { class: 'match' });
      match.append('Match: ', el('a', line.payee, { href: '/Bank/ViewTransaction.aspx?bankTransactionID=' + line.id }));
      row.append(statement, amount, match);
      return row;
    });
    root.replaceChildren(...rows);
    root.dataset.redraws = String(++redraws);
  }
  draw();
  setInterval(draw, every);
})();
</script>`;
  return layout(
    frame,
    'Reconcile',
    `<div class="xui-pageheading"><h1>Reconcile</h1><h2>${escapeHtml(account?.name ?? 'Bank account')}</h2></div>
<div id="statementLines" aria-label="Statement lines"></div>`,
    script,
  );
}

/**
 * The shell of a newer Xero screen: nothing but a mount point until the script has fetched its data.
 * Links inside are followed with history.pushState, so the page changes without a reload.
 */
export function appShellPage(frame: Frame): string {
  // Xero's short codes start with "!" already: `/app/!EYJ4f/…`.
  const base = `/app/${frame.org.organisation.shortCode}`;
  const script = `<script>
(() => {
  const base = ${scriptJson(base)};
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
  return layout({ ...frame, shell: true }, 'Bank', '<div id="app-root"></div>', script);
}
