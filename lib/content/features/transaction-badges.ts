import { createBadges, type DrawnBadge, type MountedRow } from '@/components/badge/badges';
import { LOOKUP_BATCH_MAX } from '../../messaging/page-contract';
import { yieldToPage } from '../../platform/yield';
import type { PageFeature } from '../features';
import { askBackground } from '../messages';
import { observe, type Watcher } from '../observe';
import { createSlicedQueue, whenIdle } from '../slices';
import {
  bankTransactionIdOfLink,
  isInRedrawnRows,
  pageKindOf,
  TRANSACTION_LINK_SELECTOR,
} from '../xero-pages';

/** One slice of our work stays far below a 50 ms long task, even on a slow, busy machine. */
const SLICE_BUDGET_MS = 8;
/**
 * Mounting rows' hosts is sliced more coarsely: the page renders between slices, and every rendering
 * after hosts went into the table lays out all of Xero's table again (far more than a slice of ours),
 * so 1,000 rows (about 10 ms of our work on a quiet machine) go in one slice, not several.
 */
const MOUNT_SLICE_BUDGET_MS = 30;
/**
 * Drawing is sliced coarsely too: every rendering after badges were drawn walks the whole page to
 * pre-paint it, so a few hundred badges go in one slice, not a few dozen.
 */
const DRAW_SLICE_BUDGET_MS = 16;
/**
 * The first rows' statuses are asked for on their own, in a small message answered at once: the top
 * of the list, which the reader sees first. The other rows follow in messages of the most one lookup
 * takes (each costs about as much as drawing a dozen badges).
 */
const FIRST_LOOKUP_ROWS = 60;

/**
 * "Push to Client Hub" beside every transaction link: the account transactions list, the
 * script-rendered /app pages, anywhere Xero links to a bank transaction.
 * Test by hand: http://127.0.0.1:4560/Bank/BankTransactions.aspx?accountID=… (see sandbox/README.md).
 *
 * Links found are queued (nothing runs inside the page's own task); each row that links to a
 * transaction gets its empty, fixed-size host in time-boxed slices, and its status is asked for
 * with its neighbours' (the first rows on their own, then a few hundred a message). As answers come,
 * the badges are drawn in slices (the first rows' at once, the others in idle time), each once, with
 * its status: every badge is drawn ahead of the reader, so scrolling costs nothing of ours and
 * changes nothing on the page. Drawn badges whose status changed are redrawn in slices too, so no
 * reply becomes one long task.
 */
export const transactionBadges: PageFeature = {
  id: 'transaction-badges',
  include: () => true,
  async init(signal, page) {
    const { store } = await page.organisation();
    if (!store || signal.aborted) return;
    /** Drawn badges by transaction, for their status changes. */
    const viewsOf = new Map<string, DrawnBadge[]>();
    const base = page.url.href;
    const badges = createBadges(
      {
        // This page view's address (in-app navigation starts a new view): read once, not per row.
        transactionOf: (link) => bankTransactionIdOfLink(link.getAttribute('href') ?? '', base),
        stateOf: (id) => store.get(id),
        push: (id) => void store.push(id),
        openTask: (taskId) => void store.open(taskId).catch(() => undefined),
        suggestionFor: async (taskId) =>
          (await askBackground({ type: 'suggestions.forTask', taskId })).suggestion,
      },
      signal,
    );
    // Status changes redraw badges in slices, so no reply becomes one long task.
    const toRedraw = new Set<string>();
    const redraw = createSlicedQueue<string>(
      (id) => {
        toRedraw.delete(id);
        const state = store.get(id);
        for (const view of viewsOf.get(id) ?? []) view.update(state);
      },
      { budgetMs: SLICE_BUDGET_MS, signal },
    );
    const unsubscribe = store.subscribeAll((id) => {
      if (!viewsOf.has(id) || toRedraw.has(id)) return;
      toRedraw.add(id);
      redraw.push(id);
    });
    signal.addEventListener('abort', unsubscribe, { once: true });

    /** The first lookup was answered: its rows are drawn without waiting for the page to be idle. */
    let drawSoon = false;
    // Badges are drawn once their statuses are answered: never inside the page's load.
    const draw = createSlicedQueue<MountedRow>(
      (row) => {
        const view = badges.draw(row);
        if (!view) return;
        const list = viewsOf.get(view.bankTransactionId);
        if (list) list.push(view);
        else viewsOf.set(view.bankTransactionId, [view]);
      },
      {
        budgetMs: DRAW_SLICE_BUDGET_MS,
        itemsPerClockReading: 16,
        signal,
        // The top of the list is drawn as soon as its statuses are in; the rest when the page is idle.
        yieldToPage: () => {
          if (!drawSoon) return whenIdle();
          drawSoon = false;
          return yieldToPage();
        },
      },
    );
    let asking: MountedRow[] = [];
    let firstAsked = false;
    const ask = () => {
      if (asking.length === 0) return;
      const rows = asking;
      asking = [];
      const first = !firstAsked;
      firstAsked = true;
      // A failed lookup still resolves: its rows are drawn saying so.
      void store.load(rows.map((row) => row.bankTransactionId)).then(() => {
        if (first) drawSoon = true;
        for (const row of rows) draw.push(row);
      });
    };

    let watcher: Watcher | undefined;
    const mount = createSlicedQueue<HTMLAnchorElement>(
      (link) => {
        if (!link.isConnected) return;
        const row = badges.mount(link);
        if (!row) return;
        asking.push(row);
        if (asking.length >= (firstAsked ? LOOKUP_BATCH_MAX : FIRST_LOOKUP_ROWS)) ask();
      },
      {
        budgetMs: MOUNT_SLICE_BUDGET_MS,
        // Mounting a row costs a few microseconds, reading the clock in a content script about as much.
        itemsPerClockReading: 32,
        signal,
        onSliceEnd: ask,
        // Our badges are not news to the DOM watcher: it is disconnected while a slice adds them.
        around: (slice) => (watcher ? watcher.quietly(slice) : slice()),
      },
    );
    // Reconcile's statement lines are redrawn by Xero: nothing of ours goes into them.
    const onReconcile = pageKindOf(page.url) === 'reconcile';
    watcher = observe(
      TRANSACTION_LINK_SELECTOR,
      (element) => {
        if (element instanceof HTMLAnchorElement && !(onReconcile && isInRedrawnRows(element)))
          mount.push(element);
      },
      { signal },
    );
  },
};
