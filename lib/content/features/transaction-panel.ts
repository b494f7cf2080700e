import { mountPanel } from '@/components/badge/panel';
import css from '@/components/badge/panel.css?inline';
import { shadowHost } from '@/components/badge/shadow';
import type { PageFeature } from '../features';
import { waitFor } from '../observe';
import {
  bankTransactionIdOf,
  pageKindOf,
  TRANSACTION_TITLE_SELECTORS,
  transactionTitleIn,
} from '../xero-pages';

/** How long the page may take to draw its heading before the panel docks instead. */
const HEADING_WAIT_MS = 3000;
/** Docked: bottom right, above Xero's content, out of the way of its navigation. */
const DOCKED_STYLE =
  'position:fixed;right:16px;bottom:16px;z-index:2147483000;width:360px;max-width:calc(100vw - 32px);';

/**
 * The single-transaction page: a compact panel under the page's heading in the main content (never
 * inside Xero's navigation) with the task's status and latest activity. When the page has no heading
 * we recognise, the panel docks at the bottom right rather than disappearing.
 * Test by hand: http://127.0.0.1:4560/Bank/ViewTransaction.aspx?bankTransactionID=…[&heading=0]
 */
export const transactionPanel: PageFeature = {
  id: 'transaction-panel',
  include: (url) => pageKindOf(url) === 'transaction' && bankTransactionIdOf(url) !== null,
  async init(signal, page) {
    const id = bankTransactionIdOf(page.url);
    const { store } = await page.organisation();
    if (!store || !id || signal.aborted) return;
    let anchor = transactionTitleIn(document);
    if (!anchor) {
      await waitFor(TRANSACTION_TITLE_SELECTORS.join(','), { signal, timeoutMs: HEADING_WAIT_MS });
      // The first heading drawn may be the navigation's: choose again among all of them.
      anchor = transactionTitleIn(document);
    }
    if (signal.aborted) return;
    const { host, root } = shadowHost('client-hub-panel', css);
    const view = mountPanel(root, store.get(id), {
      onPush: () => void store.push(id),
      onOpenTask: (taskId) => void store.open(taskId).catch(() => undefined),
    });
    const unsubscribe = store.subscribe(id, (state) => view.update(state));
    if (anchor) anchor.after(host);
    else {
      host.dataset.docked = '';
      host.style.cssText += DOCKED_STYLE;
      document.body.append(host);
    }
    signal.addEventListener(
      'abort',
      () => {
        unsubscribe();
        host.remove();
      },
      { once: true },
    );
    await store.load([id], { includeActivity: true });
  },
};
