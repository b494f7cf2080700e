import { type BadgeHost, mountBadge } from '@/components/badge/mount';
import type { PageFeature } from '../features';
import { observe } from '../observe';
import { bankTransactionIdOfLink, TRANSACTION_LINK_SELECTOR } from '../xero-pages';

/** Rows handled per task: keeps each piece of work well under 50 ms, even on 1,000-row pages. */
const ROWS_PER_CHUNK = 50;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * "Push to Client Hub" beside every transaction link: the account transactions list, the
 * script-rendered /app pages, anywhere Xero links to a bank transaction.
 * Test by hand: http://127.0.0.1:4560/Bank/BankTransactions.aspx?accountID=… (see sandbox/README.md).
 */
export const transactionBadges: PageFeature = {
  id: 'transaction-badges',
  include: () => true,
  async init(signal, page) {
    const { store } = await page.organisation();
    if (!store || signal.aborted) return;
    const hosts: BadgeHost[] = [];
    const unsubscribes: (() => void)[] = [];
    signal.addEventListener(
      'abort',
      () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
        for (const host of hosts) host.remove();
      },
      { once: true },
    );

    const queue: HTMLAnchorElement[] = [];
    let draining = false;
    const drain = async () => {
      draining = true;
      while (queue.length > 0 && !signal.aborted) {
        const chunk = queue.splice(0, ROWS_PER_CHUNK);
        const ids: string[] = [];
        for (const link of chunk) {
          const id = bankTransactionIdOfLink(link.getAttribute('href') ?? '', location.href);
          if (!id || !link.isConnected) continue;
          const host = mountBadge(link);
          const props = (state = store.get(id)) => ({
            state,
            onPush: () => void store.push(id),
            onOpenTask: (taskId: string) => void store.open(taskId).catch(() => undefined),
          });
          unsubscribes.push(store.subscribe(id, (state) => host.update(props(state))));
          host.update(props());
          hosts.push(host);
          ids.push(id);
        }
        // One request per chunk of rows; the reply renders the chunk's badges.
        void store.load(ids);
        await nextTask();
      }
      draining = false;
    };
    observe(
      TRANSACTION_LINK_SELECTOR,
      (element) => {
        if (!(element instanceof HTMLAnchorElement)) return;
        queue.push(element);
        if (!draining) void drain();
      },
      { signal },
    );
  },
};
