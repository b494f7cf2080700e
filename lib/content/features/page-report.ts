import { type PageReportReply, pageReportRequestSchema } from '../../messaging/page-report';
import { check } from '../../messaging/standard-schema';
import type { PageFeature } from '../features';
import { contentRuntime } from '../runtime';
import type { PageConclusions } from '../snapshot';
import { pageReport } from '../snapshot';
import { organisationNameIn, pageKindOf, shortCodeOf, TRANSACTION_LINK_SELECTOR } from '../xero-pages';

/** How long the report waits for the organisation to be worked out before saying "unknown". */
const CONCLUSION_WAIT_MS = 2_000;

/**
 * Answers the popup's "Report a page problem" on any Xero page: the page's structure with nothing it
 * says (lib/content/snapshot.ts), and what this script concluded. Only our extension may ask (the
 * popup); the report goes back to it, never into the page.
 */
export const pageReportFeature: PageFeature = {
  id: 'page-report',
  include: () => true,
  init(signal, page) {
    const conclusions = async (): Promise<PageConclusions> => {
      const codes = new Set<string>();
      for (const link of document.links) {
        const code = /\/app\/(![^/?#]+)/.exec(link.pathname)?.[1];
        if (code) codes.add(code);
      }
      const organisation = await Promise.race([
        page.organisation(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), CONCLUSION_WAIT_MS)),
      ]);
      return {
        pageKind: pageKindOf(page.url),
        shortCodeInAddress: shortCodeOf(page.url) !== undefined,
        shortCodesInLinks: codes.size,
        organisationNameFound: organisationNameIn(document) !== undefined,
        connectedCompany: organisation === null ? 'unknown' : organisation.store ? 'matched' : 'none',
        isAdmin: organisation?.isAdmin ?? false,
        transactionLinks: document.querySelectorAll(TRANSACTION_LINK_SELECTOR).length,
        badges: document.getElementsByTagName('client-hub-badge').length,
      };
    };
    const runtime = contentRuntime();
    if (!runtime) return;
    // Answered through sendResponse (and `true`: the answer comes later), which both browsers' own
    // runtimes support; a returned promise is not in every Chromium this runs on.
    const onMessage = (
      message: unknown,
      sender: { id?: string | undefined; tab?: unknown },
      sendResponse: (reply: PageReportReply) => void,
    ) => {
      // From our own extension's pages only (the popup has no tab); another tab's script cannot ask.
      if (sender.id !== runtime.id || sender.tab !== undefined) return undefined;
      if (!check(pageReportRequestSchema, message).success) return undefined;
      void conclusions().then((found) =>
        sendResponse({ report: pageReport(document, location.href, found) }),
      );
      return true;
    };
    runtime.onMessage.addListener(onMessage);
    signal.addEventListener('abort', () => runtime.onMessage.removeListener(onMessage), { once: true });
  },
};
