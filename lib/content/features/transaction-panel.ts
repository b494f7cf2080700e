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

/**
 * The single-transaction page: a compact panel under the title with the task's status and latest
 * activity. Test by hand: http://127.0.0.1:4560/Bank/ViewTransaction.aspx?bankTransactionID=…
 */
export const transactionPanel: PageFeature = {
  id: 'transaction-panel',
  include: (url) => pageKindOf(url) === 'transaction' && bankTransactionIdOf(url) !== null,
  async init(signal, page) {
    const id = bankTransactionIdOf(page.url);
    const { store } = await page.organisation();
    if (!store || !id || signal.aborted) return;
    const anchor =
      transactionTitleIn(document) ?? (await waitFor(TRANSACTION_TITLE_SELECTORS.join(','), { signal }));
    if (!anchor || signal.aborted) return;
    const { host, root } = shadowHost('client-hub-panel', css);
    const view = mountPanel(root, store.get(id), {
      onPush: () => void store.push(id),
      onOpenTask: (taskId) => void store.open(taskId).catch(() => undefined),
    });
    const unsubscribe = store.subscribe(id, (state) => view.update(state));
    anchor.after(host);
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
