import type { Connection as StoredConnection } from '../db/records';

/**
 * A Xero company a page may show: one this browser connected, or one of the firm's that a colleague
 * syncs (its name and short code from the firm's server). Only what tells them apart.
 */
export type Connection = Pick<StoredConnection, 'tenantId' | 'tenantName' | 'organisation'>;

/**
 * Which connected Xero company a page shows, from what the page carries, strongest signal first:
 * 1. the short code in the URL (`/app/!0X0!!/…`): Xero's own routing, never wrong;
 * 2. the short code in the page's own navigation links (the most frequent one): legacy `.aspx` pages
 *    have no code in their URL, but XeroV2's top panel links to `/app/!{code}/…`;
 * 3. the organisation's name in the header, only when it is not abbreviated ("DCG");
 * 4. which connected company knows the page's transaction ids (synced or pushed).
 * A weaker signal that points at another connected company makes the page uncertain: no badges
 * rather than badges for the wrong company. Pure: what the ids are known by comes in as a function.
 */

export interface PageSignals {
  url: string;
  /** From the URL (the content script reads it; the URL is read here again as a fallback). */
  shortCode?: string | undefined;
  navigationShortCode?: string | undefined;
  organisationName?: string | undefined;
  nameAbbreviated?: boolean | undefined;
  bankTransactionIds?: readonly string[] | undefined;
}

export type PageVerdict =
  | { kind: 'connected'; tenantId: string; by: 'url' | 'navigation' | 'name' | 'transactions' }
  /** The page shows a Xero company that is not connected. */
  | { kind: 'not-connected' }
  /** Not sure which company: `reason` says why, in the Admin's words. */
  | { kind: 'uncertain'; reason: string };

const SHORT_CODE_IN_URL = /\/app\/(![^/?#]+)(?:[/?#]|$)/;

const nameOf = (c: Connection) => (c.organisation?.name ?? c.tenantName).replace(/\s+/g, ' ').trim();
const codeOf = (c: Connection) => c.organisation?.shortCode?.replace(/^!/, '');
const bare = (code: string) => code.replace(/^!/, '');

/** "Demo Company (Global)" → "DCG": what Xero's narrow header shows instead of the name. */
export function initialsOf(name: string): string {
  return (name.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => word.charAt(0).toUpperCase()).join('');
}

/** Connections whose name is this one: exact first, else ignoring case and spacing. */
export function byName(connections: readonly Connection[], name: string): Connection[] {
  const wanted = name.replace(/\s+/g, ' ').trim();
  const exact = connections.filter((c) => nameOf(c) === wanted);
  if (exact.length > 0) return exact;
  const folded = wanted.toLocaleLowerCase();
  return connections.filter((c) => nameOf(c).toLocaleLowerCase() === folded);
}

const UNCERTAIN_PREFIX = 'Client Hub shows no badges on this page:';

export async function decideOrganisation(
  connections: readonly Connection[],
  page: PageSignals,
  knownBy: (tenantId: string, ids: readonly string[]) => Promise<boolean>,
): Promise<PageVerdict> {
  const urlCode = page.shortCode ?? SHORT_CODE_IN_URL.exec(page.url)?.[1];
  const name = page.organisationName?.replace(/\s+/g, ' ').trim() || undefined;
  const abbreviated =
    name !== undefined &&
    (page.nameAbbreviated === true ||
      // The header's text is some connected company's initials but not that company's name.
      (byName(connections, name).length === 0 && connections.some((c) => initialsOf(nameOf(c)) === name)));
  const ids = page.bankTransactionIds ?? [];

  /** Connections whose code is unknown might still be the page's company. */
  const withoutCode = connections.filter((c) => !codeOf(c));
  const byCode = (code: string) => connections.filter((c) => codeOf(c) === bare(code));

  // Which companies know the page's transactions: asked once, only when needed.
  let knowing: Connection[] | undefined;
  const whoKnows = async (among: readonly Connection[]) => {
    if (ids.length === 0) return [];
    knowing ??= (
      await Promise.all(connections.map(async (c) => ((await knownBy(c.tenantId, ids)) ? c : null)))
    ).filter((c): c is Connection => c !== null);
    return knowing.filter((c) => among.includes(c));
  };

  /** A weaker signal naming another connected company: the page is not certain. */
  const contradiction = async (chosen: Connection, skip: 'navigation' | 'name'): Promise<string | null> => {
    const navCode = page.navigationShortCode;
    if (skip !== 'navigation' && navCode && !byCode(navCode).includes(chosen) && byCode(navCode).length > 0)
      return `${UNCERTAIN_PREFIX} its address and its menu point to different Xero organisations.`;
    if (skip !== 'name' && name && !abbreviated) {
      const named = byName(connections, name);
      if (named.length > 0 && !named.includes(chosen))
        return `${UNCERTAIN_PREFIX} the organisation named in Xero's header (“${name}”) is not the one its links point to.`;
    }
    const others = (await whoKnows(connections)).filter((c) => c !== chosen);
    if (others.length > 0 && !(await whoKnows([chosen])).includes(chosen))
      return `${UNCERTAIN_PREFIX} its transactions belong to another connected organisation than the one it names.`;
    return null;
  };
  const connected = async (
    chosen: Connection,
    by: 'url' | 'navigation' | 'name' | 'transactions',
  ): Promise<PageVerdict> => {
    const conflict =
      by === 'url' ? null : await contradiction(chosen, by === 'navigation' ? 'navigation' : 'name');
    return conflict
      ? { kind: 'uncertain', reason: conflict }
      : { kind: 'connected', tenantId: chosen.tenantId, by };
  };

  // 1, else 2: a short code names exactly one organisation. The URL's is Xero's own routing, so when
  // it is there the links are not asked.
  const code = urlCode ?? page.navigationShortCode;
  if (code) {
    const matches = byCode(code);
    if (matches.length === 1 && matches[0]) return connected(matches[0], urlCode ? 'url' : 'navigation');
    // No connection has this code: the page is another organisation, unless one of ours has no code
    // on record (connected before codes were kept); then the name or the ids may still tell.
    if (withoutCode.length === 0) return { kind: 'not-connected' };
  }
  // Only companies without a known code can still be the page's, once a code said "not these".
  const codeSeen = Boolean(code);
  const candidates = codeSeen ? withoutCode : connections;

  // 3: the name, unless abbreviated.
  if (name && !abbreviated) {
    const named = byName(candidates, name);
    if (named.length === 1 && named[0]) return connected(named[0], 'name');
    if (named.length > 1) {
      // Two connected companies with the same name: the one that knows the page's transactions.
      const knowers = await whoKnows(named);
      if (knowers.length === 1 && knowers[0]) return connected(knowers[0], 'transactions');
      return {
        kind: 'uncertain',
        reason: `${UNCERTAIN_PREFIX} two connected organisations are named “${name}” and nothing else on the page tells them apart.`,
      };
    }
    if (byName(connections, name).length === 0 && !codeSeen) return { kind: 'not-connected' };
  }

  // 4: the transactions on the page.
  const knowers = await whoKnows(candidates);
  if (knowers.length === 1 && knowers[0]) return connected(knowers[0], 'transactions');
  if (knowers.length > 1)
    return {
      kind: 'uncertain',
      reason: `${UNCERTAIN_PREFIX} its transactions are known to more than one connected organisation.`,
    };
  if (codeSeen) return { kind: 'not-connected' };
  if (abbreviated)
    return {
      kind: 'uncertain',
      reason: `${UNCERTAIN_PREFIX} Xero shows the organisation's name shortened (“${name}”) and no short code, so Client Hub cannot tell which organisation this is. A wider window shows the full name.`,
    };
  return {
    kind: 'uncertain',
    reason: `${UNCERTAIN_PREFIX} it shows neither the organisation's short code nor its name, so Client Hub cannot tell which organisation this is.`,
  };
}
