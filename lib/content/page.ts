import { askBackground, onTasksChanged } from './messages';
import { waitFor } from './observe';
import { createTaskStore, type TaskStore } from './task-store';
import {
  bankTransactionIdOfLink,
  ORGANISATION_NAME_SELECTORS,
  organisationNameIn,
  shortCodeOf,
  TRANSACTION_LINK_SELECTOR,
} from './xero-pages';

/** Which connected Xero company this page shows, and what the user may see about it. */
export interface PageOrganisation {
  /** null: not a connected Xero company (or not recognisable): no badges. */
  store: TaskStore | null;
  isAdmin: boolean;
}

/** One page view (until the next in-app navigation): shared by every feature that runs on it. */
export interface PageView {
  url: URL;
  organisation(): Promise<PageOrganisation>;
}

const NOT_CONNECTED: PageOrganisation = { store: null, isAdmin: false };

async function resolveOrganisation(url: URL, signal: AbortSignal): Promise<PageOrganisation> {
  const shortCode = shortCodeOf(url);
  let organisationName = organisationNameIn(document);
  if (!shortCode && !organisationName) {
    // Xero draws its header by script: give it time before deciding the page is not Xero's.
    await waitFor(ORGANISATION_NAME_SELECTORS.join(','), { signal });
    organisationName = organisationNameIn(document);
  }
  if (signal.aborted || (!shortCode && !organisationName)) return NOT_CONNECTED;
  // The first rows are enough: `document.links` stops there, a query would collect all 1,000 first.
  const sample: string[] = [];
  for (const link of document.links) {
    if (sample.length === 20) break;
    if (!link.matches(TRANSACTION_LINK_SELECTOR)) continue;
    const id = bankTransactionIdOfLink(link.getAttribute('href') ?? '', url.href);
    if (id) sample.push(id);
  }
  const context = await askBackground({
    type: 'xero.pageContext',
    url: url.href.slice(0, 4096),
    ...(organisationName ? { organisationName } : {}),
    ...(shortCode ? { shortCode } : {}),
    ...(sample.length > 0 ? { bankTransactionIds: sample } : {}),
  }).catch(() => null);
  if (!context?.tenantId || signal.aborted) return { store: null, isAdmin: context?.isAdmin ?? false };
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
