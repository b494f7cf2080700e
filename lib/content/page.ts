import { askBackground, onTasksChanged } from './messages';
import { waitFor } from './observe';
import { createTaskStore, type TaskStore } from './task-store';
import {
  bankTransactionIdOfLink,
  HEADER_SELECTORS,
  looksAbbreviated,
  navigationShortCodeIn,
  ORGANISATION_NAME_SELECTORS,
  organisationNameIn,
  SHORT_CODE_LINK_SELECTOR,
  shortCodeOf,
  TRANSACTION_LINK_SELECTOR,
} from './xero-pages';

/** Which connected Xero company this page shows, and what the user may see about it. */
export interface PageOrganisation {
  /** null: not a connected Xero company, or not certain which one: no badges. */
  store: TaskStore | null;
  isAdmin: boolean;
  /** Not certain which organisation the page shows: why (Admins see it in a quiet hint). */
  uncertain?: string | undefined;
}

/** How long a page without any header signal is given to draw one (Xero draws its header by script). */
const HEADER_WAIT_MS = 3000;

/** One page view (until the next in-app navigation): shared by every feature that runs on it. */
export interface PageView {
  url: URL;
  organisation(): Promise<PageOrganisation>;
}

const NOT_CONNECTED: PageOrganisation = { store: null, isAdmin: false };

async function resolveOrganisation(url: URL, signal: AbortSignal): Promise<PageOrganisation> {
  const shortCode = shortCodeOf(url);
  const read = () => ({
    name: organisationNameIn(document),
    navigationShortCode: shortCode ? undefined : navigationShortCodeIn(document),
  });
  let { name, navigationShortCode } = read();
  if (!shortCode && !name && !navigationShortCode) {
    // Xero draws its header by script: give it a moment before deciding from the transactions alone.
    await waitFor([...ORGANISATION_NAME_SELECTORS, ...HEADER_SELECTORS, SHORT_CODE_LINK_SELECTOR].join(','), {
      signal,
      timeoutMs: HEADER_WAIT_MS,
    });
    ({ name, navigationShortCode } = read());
  }
  if (signal.aborted) return NOT_CONNECTED;
  // The first rows are enough: `document.links` stops there, a query would collect all 1,000 first.
  const sample: string[] = [];
  for (const link of document.links) {
    if (sample.length === 20) break;
    if (!link.matches(TRANSACTION_LINK_SELECTOR)) continue;
    const id = bankTransactionIdOfLink(link.getAttribute('href') ?? '', url.href);
    if (id) sample.push(id);
  }
  if (!shortCode && !name && !navigationShortCode && sample.length === 0) return NOT_CONNECTED;
  const context = await askBackground({
    type: 'xero.pageContext',
    url: url.href.slice(0, 4096),
    ...(name ? { organisationName: name, nameAbbreviated: looksAbbreviated(name) } : {}),
    ...(shortCode ? { shortCode } : {}),
    ...(navigationShortCode && navigationShortCode.length <= 32 ? { navigationShortCode } : {}),
    ...(sample.length > 0 ? { bankTransactionIds: sample } : {}),
  }).catch(() => null);
  if (!context?.tenantId || signal.aborted)
    return { store: null, isAdmin: context?.isAdmin ?? false, uncertain: context?.uncertain };
  const store = createTaskStore(context.tenantId, askBackground);
  // Status changes made elsewhere (a sync, the Client Tasks page, another tab) reach this page.
  onTasksChanged((message) => {
    if (message.tenantId === null || message.tenantId === store.tenantId) void store.refresh();
  }, signal);
  return { store, isAdmin: context.isAdmin };
}

export function createPageView(url: URL, signal: AbortSignal): PageView {
  let organisation: Promise<PageOrganisation> | undefined;
  return {
    url,
    organisation: () => {
      organisation ??= resolveOrganisation(url, signal);
      return organisation;
    },
  };
}
