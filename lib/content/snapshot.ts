/**
 * "Report a page problem": the structure of a Xero page, for a firm that sees no badges to send us,
 * with nothing the page says. Kept: tag names, ids, classes, `data-automationid`, roles, the shape
 * of link targets, and aria labels made only of Xero's interface words. Replaced: GUIDs, short codes,
 * numbers and any other word. Never read: text nodes, values, titles, alt texts, placeholders, other
 * attributes. Our own elements (client-hub-…) show as their tag only.
 */

export interface SnapshotOptions {
  /** Lines at most (a 200-row table folds to a few rows anyway). */
  maxLines?: number;
  maxDepth?: number;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const IS_GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Xero short codes: `!` then anything up to a separator (`!0X0!!`, `!G4KH-`, `!-jCNg`). */
const SHORT_CODE = /![^/?#&\s]+/g;
const DIGITS = /\d+/g;
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'link', 'meta', 'head']);
/** Elements whose children are drawing, not structure. */
const LEAVES = new Set(['svg', 'canvas', 'iframe', 'img', 'video', 'audio', 'picture']);
/** The same-looking siblings shown in full before the rest are counted. */
const REPEATS_SHOWN = 3;

/**
 * Words of Xero's interface an aria label may keep; any other word (a contact's or company's name, a
 * number) becomes `…`. A name made only of these words would show: they are common UI words.
 */
export const UI_WORDS: ReadonlySet<string> = new Set(
  `a about account accounts accounting actions activity add all amount an and app apps attach attachments back
  bank bill bills business by cancel close collapse contacts create dashboard date delete description
  details discuss edit expand export file files filter find for from go help hide home import in invoice
  invoices item items last main match menu more navigation new next notifications of on open options
  or organisation organisations page pages payment payments payroll previous print profile projects
  purchases receipt received reconcile reconciled reference reports reporting sales save search select
  settings show sort spent statement statements switch tax the to toggle transaction transactions
  transfer transfers upload user view with xero your`.split(/\s+/),
);

/** An id, class or automation id with its data taken out: `row-{guid}`, `org-{n}`. */
export function redactToken(value: string): string {
  return value.replace(GUID, '{guid}').replace(SHORT_CODE, '!{code}').replace(DIGITS, '{n}').slice(0, 80);
}

/** An aria label with every word that is not an interface word replaced. */
export function redactLabel(label: string): string {
  const words: string[] = [];
  for (const part of label.trim().split(/\s+/)) {
    const word = part.replace(/[^\p{L}]/gu, '').toLowerCase();
    const kept = word !== '' && UI_WORDS.has(word) && !/\d/.test(part) ? part : '…';
    if (kept !== '…' || words.at(-1) !== '…') words.push(kept);
  }
  return words.join(' ').slice(0, 80);
}

/**
 * A link's target as a shape: same-site path segments kept when they are plain words (Bank,
 * ViewTransaction.aspx), ids and anything else replaced; query parameter names kept, values replaced.
 */
export function linkShape(href: string, base: string): string {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return '{invalid}';
  }
  if (url.protocol === 'javascript:') return 'javascript:';
  if (url.protocol === 'mailto:' || url.protocol === 'tel:') return `${url.protocol}{address}`;
  const here = new URL(base);
  const site =
    url.origin === here.origin
      ? ''
      : /(^|\.)xero\.com$/i.test(url.hostname)
        ? `${url.protocol}//${url.hostname}`
        : '{other-site}';
  const path = url.pathname
    .split('/')
    .map((segment) => {
      if (segment === '') return '';
      const decoded = safeDecode(segment);
      if (decoded.startsWith('!')) return '!{code}';
      if (IS_GUID.test(decoded)) return decoded.replace(GUID, '{guid}');
      return /^[A-Za-z][A-Za-z._-]{0,40}$/.test(decoded) ? decoded : '{id}';
    })
    .join('/');
  const query = [...url.searchParams.keys()]
    .filter((key) => /^[A-Za-z][A-Za-z0-9_.-]{0,40}$/.test(key))
    .map((key) => `${key}={${valueKind(url.searchParams.get(key) ?? '')}}`)
    .join('&');
  return `${site}${path}${query ? `?${query}` : ''}${url.hash ? '#{fragment}' : ''}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function valueKind(value: string): string {
  if (IS_GUID.test(value) && value.length === 36) return 'guid';
  if (value.startsWith('!')) return 'code';
  if (/^\d+$/.test(value)) return 'n';
  if (value.startsWith('/')) return 'path';
  return value === '' ? 'empty' : 'text';
}

/** One element as a line: `tag#id.class[attr=…]`. */
function describe(element: Element, base: string): string {
  const tag = element.localName;
  if (tag.startsWith('client-hub-')) return `${tag} (Client Hub)`;
  let line = tag;
  if (element.id) line += `#${redactToken(element.id)}`;
  for (const name of element.classList) line += `.${redactToken(name)}`;
  const attributes: string[] = [];
  const automation = element.getAttribute('data-automationid');
  if (automation) attributes.push(`data-automationid=${redactToken(automation)}`);
  const role = element.getAttribute('role');
  if (role) attributes.push(`role=${redactToken(role)}`);
  const label = element.getAttribute('aria-label');
  if (label) attributes.push(`aria-label=${redactLabel(label)}`);
  if (element.hasAttribute('aria-labelledby')) attributes.push('aria-labelledby');
  const type = element.getAttribute('type');
  if (type && /^[a-z-]{1,20}$/i.test(type)) attributes.push(`type=${type}`);
  const href = element.getAttribute('href');
  if (href !== null && (tag === 'a' || tag === 'area')) attributes.push(`href=${linkShape(href, base)}`);
  const action = element.getAttribute('action');
  if (action !== null && tag === 'form') attributes.push(`action=${linkShape(action, base)}`);
  if (attributes.length > 0) line += `[${attributes.join(' ')}]`;
  return line;
}

/** The page's structure as indented lines, repeated siblings folded. */
export function structureOf(root: Element, base: string, options: SnapshotOptions = {}): string[] {
  const maxLines = options.maxLines ?? 4000;
  const maxDepth = options.maxDepth ?? 60;
  const lines: string[] = [];
  const walk = (element: Element, depth: number) => {
    if (lines.length >= maxLines) return;
    const line = describe(element, base);
    lines.push(`${'  '.repeat(depth)}${line}`);
    if (element.localName.startsWith('client-hub-') || LEAVES.has(element.localName)) return;
    if (depth >= maxDepth) {
      if (element.children.length > 0) lines.push(`${'  '.repeat(depth + 1)}… (deeper)`);
      return;
    }
    let previous = '';
    let run = 0;
    const flush = () => {
      if (run > REPEATS_SHOWN)
        lines.push(`${'  '.repeat(depth + 1)}… ${run - REPEATS_SHOWN} more ${previous}`);
    };
    for (const child of element.children) {
      if (SKIPPED.has(child.localName)) continue;
      const signature = describe(child, base);
      if (signature === previous) run++;
      else {
        flush();
        previous = signature;
        run = 1;
      }
      if (run <= REPEATS_SHOWN) walk(child, depth + 1);
    }
    flush();
  };
  walk(root, 0);
  if (lines.length >= maxLines) lines.push(`… (cut at ${maxLines} lines)`);
  return lines;
}

/** What our content script concluded about the page (no names: which signals were there, not their values). */
export interface PageConclusions {
  pageKind: string;
  shortCodeInAddress: boolean;
  shortCodesInLinks: number;
  organisationNameFound: boolean;
  connectedCompany: 'matched' | 'none' | 'unknown';
  isAdmin: boolean;
  transactionLinks: number;
  badges: number;
}

export function pageReport(
  document: Document,
  address: string,
  conclusions: PageConclusions,
  options?: SnapshotOptions,
): string {
  return [
    'Client Hub page report (structure only: no text, names or amounts from the page)',
    `page: ${linkShape(address, address)}`,
    `conclusions: ${JSON.stringify(conclusions)}`,
    '',
    ...structureOf(document.documentElement, address, options),
  ].join('\n');
}
