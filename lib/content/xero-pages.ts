/**
 * Every assumption Client Hub makes about Xero's pages lives here, with where it was seen. Xero's DOM
 * is undocumented and changes (its header has changed three times), so transactions are found from
 * what is stable: link targets and URLs carrying `bankTransactionID`; the organisation from several
 * signals (lib/background/page-organisation.ts decides), never from one class name alone.
 *
 * Evidence: nothing here was seen live by us. It comes from public code of extensions and automation
 * that were checked against live Xero in 2025-2026 (dartmass/xero-power, thoopring/powerbar-for-xero,
 * timbermonson/EmpowerUtils, XeroAPI/xero-mcp-server's deep links). The sandbox imitates each shape
 * (sandbox/pages/chrome.ts, `?header=`). How to check these on live Xero: README "Xero's pages".
 */

export type XeroPageKind =
  | 'bank-accounts'
  | 'account-transactions'
  | 'transaction'
  | 'reconcile'
  | 'app'
  | 'other';

/**
 * Page kinds by path. Seen on:
 * - https://go.xero.com/Bank/BankAccounts.aspx (legacy, current in 2026)
 * - https://go.xero.com/Bank/BankTransactions.aspx?accountID=… (legacy table `table#bankTransactions`)
 * - https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID=… (a PaymentID for payments!)
 * - https://go.xero.com/BankRec/BankRec.aspx?accountID=… (reconcile: note the /BankRec/ folder)
 * - https://go.xero.com/app/!xxxxx/… (the app shell; short codes may hold "!" and "-": `/app/!0X0!!/…`)
 */
const PAGE_PATHS: readonly [XeroPageKind, RegExp][] = [
  ['bank-accounts', /^\/Bank\/BankAccounts\.aspx$/i],
  ['account-transactions', /^\/Bank\/BankTransactions\.aspx$/i],
  ['transaction', /^\/Bank\/ViewTransaction\.aspx$/i],
  ['reconcile', /^\/BankRec\/BankRec\.aspx$/i],
  ['app', /^\/app\/![^/?#]+(\/|$)/],
];

/**
 * A short code: "!" then anything up to "/", "?" or "#". Real ones: `!0X0!!` (Demo Company), `!G4KH-`,
 * `!-jCNg`, `!!MbJQ`: "!" and "-" may follow the first "!", so no narrower character class.
 */
const SHORT_CODE_IN_APP_PATH = /^\/app\/(![^/?#]+)(?:[/?#]|$)/;

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
 * The organisation's name in the header, newest header first:
 * - XeroV2 (2026): `button.x-nav--tenant-menu-button .x-nav--tenant-menu-button-text` in
 *   `nav#wac-top-panel` (legacy pages) or `#shell-nav` (app shell); live-checked 2026-08 by
 *   dartmass/xero-power. Abbreviated on narrow windows ("Demo Company (Global)" → "DCG").
 * - xnav (until 2025-09): `.xnav-appbutton--body .xnav-appbutton--text` (EmpowerUtils, test suites).
 * - xrh (older): `.xrh-appbutton--text`.
 */
export const ORGANISATION_NAME_SELECTORS = [
  '.x-nav--tenant-menu-button-text',
  '.xnav-appbutton--text',
  '.xrh-appbutton--text',
  '[data-automationid="xrh-appbutton-text"]',
] as const;

/**
 * Xero's own navigation: the panel is never placed inside it, and its links carry the short code.
 * `nav#wac-top-panel` (legacy pages, 2026, "ID is stable" per xero-power), `#shell-nav` (app shell),
 * `.xnav-header` and `.xrh-header` (older headers), and any landmark of the kind (a `<header>` only
 * as the page's banner: one inside the content may hold the page's own heading).
 */
export const NAVIGATION_SELECTORS = [
  '#wac-top-panel',
  '#shell-nav',
  '.xnav-header',
  '.xrh-header',
  'nav',
  'body > header',
  '[role="navigation"]',
  '[role="banner"]',
] as const;
const NAVIGATION = NAVIGATION_SELECTORS.join(',');

/** Xero's top bar: where the nav links with the short code are looked for first. */
export const HEADER_SELECTORS = ['#wac-top-panel', '#shell-nav', '.xnav-header', '.xrh-header'] as const;

/**
 * Links carrying the organisation's short code: `a[href*="/app/!"]` in the XeroV2 top panel, on legacy
 * `.aspx` pages too (live-checked 2026-08 by dartmass/xero-power: "old URLs pick it up from
 * /app/!xxxxx/ links in the DOM"). The menu of organisations may link to others: count, take the most
 * frequent.
 */
export const SHORT_CODE_LINK_SELECTOR = 'a[href*="/app/!"]';

/**
 * Reconcile's statement lines, which Xero redraws as the bookkeeper works: nothing of ours goes
 * inside them (it would vanish or break Xero's matching UI). Seen: `#statementLines .line` on
 * /BankRec/BankRec.aspx (powerbar-for-xero, xero-power's reconcile features).
 */
export const RECONCILE_ROWS_SELECTOR = '#statementLines';

/**
 * Where the single-transaction panel goes: after the page's heading in the main content. The
 * heading's markup on XeroV2 pages is unknown (not in any public source), so: our sandbox's id, then
 * a heading in the content area, then any `h1` outside the navigation. When none is found the panel
 * docks at a fixed position instead of disappearing.
 */
export const TRANSACTION_TITLE_SELECTORS = [
  '#transaction-title',
  '#page-content h1',
  '[role="main"] h1',
  'main h1',
  'h1',
] as const;

export function pageKindOf(url: URL): XeroPageKind {
  for (const [kind, pattern] of PAGE_PATHS) if (pattern.test(url.pathname)) return kind;
  return 'other';
}

/** `!xxxxx` from `/app/!xxxxx/…`; the organisation is in the URL itself on newer screens. */
export function shortCodeOf(url: URL): string | undefined {
  return SHORT_CODE_IN_APP_PATH.exec(url.pathname)?.[1];
}

/** The short code in a link target (`/app/!0X0!!/homepage`, absolute or relative), or undefined. */
export function shortCodeOfHref(href: string): string | undefined {
  const at = href.indexOf('/app/!');
  if (at < 0) return undefined;
  return SHORT_CODE_IN_APP_PATH.exec(href.slice(at))?.[1];
}

/**
 * The most frequent short code among link targets: the page's own organisation is linked from every
 * menu item, others at most once each (the organisation menu). A tie is no answer.
 */
export function mostFrequentShortCode(hrefs: Iterable<string>): string | undefined {
  const counts = new Map<string, number>();
  for (const href of hrefs) {
    const code = shortCodeOfHref(href);
    if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  let tied = false;
  for (const [code, count] of counts) {
    if (count > bestCount) {
      best = code;
      bestCount = count;
      tied = false;
    } else if (count === bestCount) tied = true;
  }
  return tied ? undefined : best;
}

/** The short code the page's own navigation links carry (header first, else the whole page). */
export function navigationShortCodeIn(root: ParentNode): string | undefined {
  const hrefsIn = (scope: ParentNode) =>
    Array.from(scope.querySelectorAll(SHORT_CODE_LINK_SELECTOR), (link) => link.getAttribute('href') ?? '');
  for (const selector of HEADER_SELECTORS) {
    const header = root.querySelector(selector);
    const code = header ? mostFrequentShortCode(hrefsIn(header)) : undefined;
    if (code) return code;
  }
  return mostFrequentShortCode(hrefsIn(root));
}

/**
 * A name the narrow XeroV2 header abbreviated ("Demo Company (Global)" → "DCG"): one short run of
 * capitals and digits. Such a name never identifies an organisation (another may have the same
 * initials, or be called "DCG").
 */
export function looksAbbreviated(name: string): boolean {
  const trimmed = name.trim();
  // Length first: the Unicode pattern costs a millisecond to compile, and most names are longer.
  return trimmed.length <= 10 && /^[\p{Lu}\p{N}&]{1,5}$/u.test(trimmed);
}

/** Inside Xero's navigation (or our own elements within it)? */
export function isInNavigation(element: Element): boolean {
  return element.closest(NAVIGATION) !== null;
}

/** Inside reconcile's statement lines, which Xero redraws? */
export function isInRedrawnRows(element: Element): boolean {
  return element.closest(RECONCILE_ROWS_SELECTOR) !== null;
}

/** The bank transaction a URL points to, lower-cased, or null. */
export function bankTransactionIdOf(url: URL): string | null {
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === TRANSACTION_PARAM && GUID.test(value)) return value.toLowerCase();
  }
  return null;
}

/**
 * `bankTransactionID=<guid>` as a whole parameter of the query, matched in a lower-cased href: a
 * query before any fragment, no parameter before it percent-encoded (a `%` could spell the name
 * another way), the id ending the parameter. Lower-cased first: the same pattern with the `i` flag
 * took about 1.4× as long on 1,000 links (4.1 against 5.9 ms with reading the attribute, in a
 * content script's world).
 */
const TRANSACTION_IN_PLAIN_HREF =
  /^[^?#]*\?(?:[^&#%]*&)*?banktransactionid=([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?:[&#]|$)/;

/**
 * A link's transaction, resolving relative hrefs against the page. Pages have 1,000+ of these, so a
 * plain href is read with one pattern; anything else (percent-encoding, no match) goes through URL
 * parsing, which gives the same answer for any href that parses, only slower.
 */
export function bankTransactionIdOfLink(href: string, base: string): string | null {
  const found = TRANSACTION_IN_PLAIN_HREF.exec(href.toLowerCase());
  if (found?.[1]) return found[1];
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

/** The page's heading in the main content, never one inside the navigation; null when there is none. */
export function transactionTitleIn(root: ParentNode): Element | null {
  for (const selector of TRANSACTION_TITLE_SELECTORS) {
    for (const found of root.querySelectorAll(selector)) if (!isInNavigation(found)) return found;
  }
  return null;
}
