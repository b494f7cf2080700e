/**
 * Every assumption Client Hub makes about Xero's pages lives here, with where it was seen. Xero's DOM
 * is undocumented and changes, so transactions are found from what is stable: link targets and URLs
 * carrying `bankTransactionID`. Class names are used only for the organisation name in the header,
 * and a page that lacks it still works through the short code in `/app/!{ShortCode}/…` URLs.
 *
 * "Seen on" lists Xero URLs (as documented in ../shared/XERO-API-NOTES.md) and the sandbox pages that
 * imitate them (sandbox/pages/). Test by hand: the sandbox URLs in sandbox/README.md "Web pages".
 */

export type XeroPageKind = 'bank-accounts' | 'account-transactions' | 'transaction' | 'app' | 'other';

/**
 * Page kinds by path. Seen on:
 * - https://go.xero.com/Bank/BankAccounts.aspx
 * - https://go.xero.com/Bank/BankTransactions.aspx?accountID=…
 * - https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID=…
 * - https://go.xero.com/app/!xxxxx/… (newer, script-rendered screens)
 * - sandbox: the same paths on http://127.0.0.1:4560
 */
const PAGE_PATHS: readonly [XeroPageKind, RegExp][] = [
  ['bank-accounts', /^\/Bank\/BankAccounts\.aspx$/i],
  ['account-transactions', /^\/Bank\/BankTransactions\.aspx$/i],
  ['transaction', /^\/Bank\/ViewTransaction\.aspx$/i],
  ['app', /^\/app\/![^/?#]+(\/|$)/],
];

/** Xero ids are GUIDs; we send them lower-cased, as the sync stores them. */
const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/** The query parameter naming a bank transaction, in any letter case Xero writes it. */
const TRANSACTION_PARAM = 'banktransactionid';

/**
 * Links to a bank transaction. Seen on: the account transactions list (each row's description links to
 * ViewTransaction.aspx), reconcile and statement lines, search results; sandbox: BankTransactions.aspx
 * rows and /app/!{ShortCode}/bank/account/… rows.
 */
export const TRANSACTION_LINK_SELECTOR = 'a[href*="banktransactionid=" i]';

/**
 * The organisation's name in the header's app button (Xero's "xrh" header). Seen on: the sandbox's
 * every page. NOT yet checked against live go.xero.com: if Xero renames it, /app/!{ShortCode} pages
 * still work by URL, legacy pages show no badges until this list is updated.
 */
export const ORGANISATION_NAME_SELECTORS = [
  '.x-nav--tenant-menu-button-text',
  '.xnav-appbutton--text',
  '.xrh-appbutton--text',
  '[data-automationid="xrh-appbutton-text"]',
] as const;

/**
 * Where the single-transaction panel goes: after the page's title. Seen on: ViewTransaction.aspx
 * ("Spend Money" / "Receive Money" heading); sandbox: `#transaction-title`.
 */
export const TRANSACTION_TITLE_SELECTORS = ['#transaction-title', 'main h1', 'h1'] as const;

export function pageKindOf(url: URL): XeroPageKind {
  for (const [kind, pattern] of PAGE_PATHS) if (pattern.test(url.pathname)) return kind;
  return 'other';
}

/** `!xxxxx` from `/app/!xxxxx/…`; the organisation is in the URL itself on newer screens. */
export function shortCodeOf(url: URL): string | undefined {
  return /^\/app\/(![^/?#]+)(?:\/|$)/.exec(url.pathname)?.[1];
}

/** The bank transaction a URL points to, lower-cased, or null. */
export function bankTransactionIdOf(url: URL): string | null {
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === TRANSACTION_PARAM && GUID.test(value)) return value.toLowerCase();
  }
  return null;
}

/** `bankTransactionID=<guid>` as a whole parameter of a plain (not percent-encoded) query. */
const TRANSACTION_PARAM_IN_QUERY =
  /(?:^|&)banktransactionid=([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?=&|$)/i;

/**
 * A link's transaction, resolving relative hrefs against the page. Pages have 1,000+ of these, so a
 * plain query is read as text; anything else (percent-encoding, no match) goes through URL parsing,
 * which gives the same answer for any href that parses, only slower.
 */
export function bankTransactionIdOfLink(href: string, base: string): string | null {
  const queryStart = href.indexOf('?');
  if (queryStart >= 0) {
    const hash = href.indexOf('#', queryStart);
    const query = href.slice(queryStart + 1, hash < 0 ? undefined : hash);
    const found = query.includes('%') ? null : TRANSACTION_PARAM_IN_QUERY.exec(query);
    if (found?.[1] && !href.slice(0, queryStart).includes('#')) return found[1].toLowerCase();
  }
  try {
    return bankTransactionIdOf(new URL(href, base));
  } catch {
    return null;
  }
}

/** The organisation name in the header, whitespace-collapsed, or undefined when not rendered yet. */
export function organisationNameIn(root: ParentNode): string | undefined {
  for (const selector of ORGANISATION_NAME_SELECTORS) {
    const text = root.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim();
    if (text) return text.slice(0, 255);
  }
  return undefined;
}

export function transactionTitleIn(root: ParentNode): Element | null {
  for (const selector of TRANSACTION_TITLE_SELECTORS) {
    const found = root.querySelector(selector);
    if (found) return found;
  }
  return null;
}
