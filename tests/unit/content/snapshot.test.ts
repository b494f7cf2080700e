// @vitest-environment happy-dom
import { expect, test } from 'vitest';
import { linkShape, pageReport, redactLabel, redactToken } from '@/lib/content/snapshot';

const BASE = 'https://go.xero.com/Bank/BankTransactions.aspx?accountID=8f2c1b9e-1d4a-4f6b-9a57-3c1e2d4f5a6b';
const CONCLUSIONS = {
  pageKind: 'account-transactions',
  shortCodeInAddress: false,
  shortCodesInLinks: 1,
  organisationNameFound: true,
  connectedCompany: 'none' as const,
  isAdmin: true,
  transactionLinks: 3,
  badges: 0,
};

/** A page like Xero's account transactions list, full of names, amounts and references. */
const PAGE = `
<nav id="wac-top-panel" aria-label="Main navigation">
  <button class="x-nav--tenant-menu-button" aria-label="Harbour Lane Cafe organisation menu" title="Harbour Lane Cafe">
    <span class="x-nav--tenant-menu-button-text">Harbour Lane Cafe</span>
  </button>
  <a href="/app/!G4KH-/homepage" data-automationid="nav-home">Home</a>
  <a href="https://harbourlanecafe.example.com/about">Our website</a>
  <a href="mailto:owner@harbourlanecafe.example.com">Email Ngaio Te Rangi</a>
  <a href="/organisationlogin/default.aspx?shortcode=!-jCNg&amp;redirecturl=/Bank/ViewTransaction.aspx?bankTransactionID=3a1b2c3d-1111-4222-8333-944455566677">Jones &amp; Daughters Trust</a>
</nav>
<div id="page-content">
  <h1>Account Transactions <small>Business Cheque Account</small></h1>
  <form id="searchForm" action="/Bank/BankTransactions.aspx"><input name="search" value="Kiwi Fresh Produce" placeholder="Search Bayside"></form>
  <table id="bankTransactions" class="standard">
    <tbody id="bankTransactionList">
      <tr id="row-0a1b2c3d-1111-4222-8333-944455566677"><td><input type="checkbox" aria-label="Select Bayside Dairy 45.84"></td><td>2026-11-24</td>
        <td class="who"><a href="/Bank/ViewTransaction.aspx?bankTransactionID=0a1b2c3d-1111-4222-8333-944455566677">Bayside Dairy Limited</a></td>
        <td>INV-1425</td><td class="amount">45.84</td></tr>
      <tr id="row-1a1b2c3d-1111-4222-8333-944455566677"><td><input type="checkbox" aria-label="Select Marine Supplies 1,166.82"></td><td>2026-11-23</td>
        <td class="who"><a href="/Bank/ViewTransaction.aspx?bankTransactionID=1a1b2c3d-1111-4222-8333-944455566677">Marine Supplies Ōtaki</a></td>
        <td>BILL-8431</td><td class="amount">1,166.82</td></tr>
      <tr id="row-2a1b2c3d-1111-4222-8333-944455566677"><td><input type="checkbox" aria-label="Select Event Hire Co 2037.81"></td><td>2026-11-22</td>
        <td class="who"><a href="/Bank/ViewTransaction.aspx?bankTransactionID=2a1b2c3d-1111-4222-8333-944455566677">Event Hire Co</a></td>
        <td>مخبز الأصدقاء</td><td class="amount">2037.81</td></tr>
      <tr id="row-3a1b2c3d-1111-4222-8333-944455566677"><td><input type="checkbox" aria-label="Select Jones &amp; Daughters"></td><td>2026-11-21</td>
        <td class="who"><a href="/organisationlogin/default.aspx?shortcode=!-jCNg&amp;redirecturl=/Bank/ViewTransaction.aspx?bankTransactionID=3a1b2c3d-1111-4222-8333-944455566677">Jones &amp; Daughters</a></td>
        <td>Rent for October</td><td class="amount">3,187.85</td></tr>
      <tr id="row-4a1b2c3d-1111-4222-8333-944455566677"><td><img alt="Receipt from Kiwi Fresh Produce" src="/r/7.png"></td><td>2026-11-20</td>
        <td class="who"><a href="#" title="Airline Partners">Airline Partners</a></td><td></td><td class="amount">76.77</td></tr>
    </tbody>
  </table>
  <client-hub-badge></client-hub-badge>
  <script>var secret = "Kiwi Fresh Produce 99.99";</script>
</div>`;

function textNodes(root: Node): string[] {
  const found: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim();
    if (text) found.push(text);
  }
  return found;
}

test('the report keeps the page’s structure and leaks no text node, name, amount or value', () => {
  document.body.innerHTML = PAGE;
  const report = pageReport(document, BASE, CONCLUSIONS);
  const texts = textNodes(document.body);
  expect(texts.length).toBeGreaterThan(20);
  const leaks: string[] = [];
  for (const text of texts) {
    if (report.includes(text)) leaks.push(text);
    // Every word of it too, bar the interface words an aria label may keep ("Home" is one).
    for (const word of text.split(/[\s,]+/)) {
      if (word.length < 3 || ['Home', 'Account', 'Transactions', 'for'].includes(word)) continue;
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`(^|[^\\p{L}])${escaped}([^\\p{L}]|$)`, 'u').test(report)) leaks.push(word);
    }
  }
  expect(leaks).toEqual([]);
  // Attribute values that carry data: values, titles, alt texts, placeholders, outside sites.
  for (const secret of [
    'Kiwi',
    'Bayside',
    'harbourlanecafe',
    'Ngaio',
    'Airline',
    '45.84',
    '1,166.82',
    'G4KH',
    'jCNg',
  ])
    expect(report).not.toContain(secret);
  expect(report).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

  // What the next fix needs: the structure, ids, automation ids, labels' interface words, link shapes.
  expect(report).toContain('nav#wac-top-panel[aria-label=Main navigation]');
  expect(report).toContain('button.x-nav--tenant-menu-button[aria-label=… organisation menu]');
  expect(report).toContain('span.x-nav--tenant-menu-button-text');
  expect(report).toContain('a[data-automationid=nav-home href=/app/!{code}/homepage]');
  expect(report).toContain('a[href={other-site}/about]');
  expect(report).toContain('a[href=mailto:{address}]');
  expect(report).toContain('form#searchForm[action=/Bank/BankTransactions.aspx]');
  expect(report).toContain('table#bankTransactions.standard');
  expect(report).toContain('tbody#bankTransactionList');
  expect(report).toContain('tr#row-{guid}');
  expect(report).toContain('a[href=/Bank/ViewTransaction.aspx?bankTransactionID={guid}]');
  expect(report).toContain('a[href=/organisationlogin/default.aspx?shortcode={code}&redirecturl={path}]');
  expect(report).toContain('input[aria-label=Select … type=checkbox]');
  expect(report).toContain('client-hub-badge (Client Hub)');
  expect(report).toContain('"connectedCompany":"none"');
  expect(report).not.toContain('script');
  // Five rows of the same shape: three shown, the rest counted.
  expect(report).toContain('… 2 more tr#row-{guid}');
});

test('tokens, labels and links are redacted to their shapes', () => {
  expect(redactToken('row-0a1b2c3d-1111-4222-8333-944455566677')).toBe('row-{guid}');
  expect(redactToken('org!0X0!!-menu')).toBe('org!{code}');
  expect(redactToken('item-42')).toBe('item-{n}');
  expect(redactLabel('Select all')).toBe('Select all');
  expect(redactLabel('Open Harbour Lane Cafe menu')).toBe('Open … menu');
  expect(redactLabel('Amount 1,166.82')).toBe('Amount …');
  expect(redactLabel('Search 2026')).toBe('Search …');
  const base = 'https://go.xero.com/Bank/BankAccounts.aspx';
  expect(linkShape('/app/!0X0!!/bank?x=1#top', base)).toBe('/app/!{code}/bank?x={n}#{fragment}');
  expect(linkShape('https://central.xero.com/s/help', base)).toBe('https://central.xero.com/s/help');
  expect(linkShape('https://acme.example/Harbour', base)).toBe('{other-site}/Harbour');
  expect(linkShape('/Contacts/View/Harbour%20Lane%20Cafe', base)).toBe('/Contacts/View/{id}');
  expect(linkShape('javascript:void(0)', base)).toBe('javascript:');
});

test('a huge page is cut to a bounded report', () => {
  document.body.innerHTML = `<div>${'<section><p>x</p></section><article><p>y</p></article>'.repeat(50)}</div>`;
  const report = pageReport(document, BASE, CONCLUSIONS, { maxLines: 40 });
  expect(report.split('\n').length).toBeLessThan(50);
  expect(report).toContain('cut at 40 lines');
});
