import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { mountPanel } from '@/components/badge/panel';
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
  async init(signal, page, ctx) {
    const id = bankTransactionIdOf(page.url);
    const { store } = await page.organisation();
    if (!store || !id || signal.aborted) return;
    const anchor =
      transactionTitleIn(document) ?? (await waitFor(TRANSACTION_TITLE_SELECTORS.join(','), { signal }));
    if (!anchor || signal.aborted) return;
    const ui = await createShadowRootUi(ctx, {
      name: 'client-hub-panel',
      position: 'inline',
      anchor,
      append: 'after',
      onMount(container) {
        const view = mountPanel(container, store.get(id), {
          onPush: () => void store.push(id),
          onOpenTask: (taskId) => void store.open(taskId).catch(() => undefined),
        });
        return store.subscribe(id, (state) => view.update(state));
      },
      onRemove(unsubscribe) {
        unsubscribe?.();
      },
    });
    if (signal.aborted) return;
    ui.mount();
    signal.addEventListener('abort', () => ui.remove(), { once: true });
    await store.load([id], { includeActivity: true });
  },
};
