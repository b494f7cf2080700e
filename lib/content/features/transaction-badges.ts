import { createBadges, type DrawnBadge, type MountedRow } from '@/components/badge/badges';
import { LOOKUP_BATCH_MAX } from '../../messaging/page-contract';
import { createThrottledBatch } from '../batch';
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
/** Badges are drawn a screen ahead of the reader, so a status can wait this long unseen. */
const LOOKUP_EVERY_MS = 150;
/**
 * Rows whose statuses are looked up ahead in one message (the most one lookup takes). Once the first
 * screen's statuses are in, every other row's status is looked up ahead in a few messages, in idle
 * time (each costs about as much as drawing a dozen badges), so a badge scrolled into view is drawn
 * once, with its status, with no message and no redraw.
 */
const READ_AHEAD_BATCH = LOOKUP_BATCH_MAX;
/**
 * The read-ahead starts once the first screen's statuses are answered, or this long after the first
 * row was mounted when no badge was drawn (the list is off screen): it is never part of the page's load.
 */
const READ_AHEAD_AFTER_MS = 1000;

/**
 * "Push to Client Hub" beside every transaction link: the account transactions list, the
 * script-rendered /app pages, anywhere Xero links to a bank transaction.
 * Test by hand: http://127.0.0.1:4560/Bank/BankTransactions.aspx?accountID=… (see sandbox/README.md).
 *
 * Links found are queued (nothing runs inside the page's own task); every row's empty, fixed-size host
 * is mounted in time-boxed slices. Badges are drawn as their rows come near the screen; once the first
 * screen's statuses are answered, the other rows' links are read and their statuses looked up ahead,
 * a few hundred rows per message, in idle time. Badges are drawn already with their status when it is known (rows drawn before their answer came are looked up
 * together, at most a few times a second). Drawn badges whose status changed are redrawn in slices
 * too, so no reply becomes one long task.
 */
export const transactionBadges: PageFeature = {
  id: 'transaction-badges',
  include: () => true,
  async init(signal, page) {
    const { store } = await page.organisation();
    if (!store || signal.aborted) return;
    // Statuses are looked up for the rows drawn (not all 1,000 at load), a few times a second at most.
    let startReadAhead: (() => void) | undefined;
    const lookups = createThrottledBatch<string>(
      (ids) => {
        const answered = store.load(ids);
        // The first screen's statuses come first, on their own; reading ahead waits for them.
        if (startReadAhead) void answered.then(startReadAhead);
      },
      { everyMs: LOOKUP_EVERY_MS, signal },
    );
    /** Drawn badges by transaction: undrawn rows read the store when they are drawn. */
    const viewsOf = new Map<string, DrawnBadge[]>();
    const base = page.url.href;
    const badges = createBadges(
      {
        // This page view's address (in-app navigation starts a new view): read once, not per row.
        transactionOf: (link) => bankTransactionIdOfLink(link.getAttribute('href') ?? '', base),
        stateOf: (id) => store.get(id),
        drawn: (views) => {
          for (const view of views) {
            const list = viewsOf.get(view.bankTransactionId);
            if (list) list.push(view);
            else viewsOf.set(view.bankTransactionId, [view]);
          }
          // Rows read ahead are drawn with their answer already in: nothing to ask.
          const unknown: string[] = [];
          for (const view of views)
            if (store.get(view.bankTransactionId).kind === 'loading') unknown.push(view.bankTransactionId);
          lookups.add(unknown);
        },
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

    // Rows' statuses, looked up ahead of drawing: in idle time, after the first screen's are answered.
    let ahead: string[] = [];
    const sendAhead = () => {
      if (ahead.length === 0) return;
      void store.load(ahead);
      ahead = [];
    };
    const readAhead = createSlicedQueue<MountedRow>(
      (row) => {
        const id = row.readAhead();
        if (id) ahead.push(id);
        if (ahead.length >= READ_AHEAD_BATCH) sendAhead();
      },
      { budgetMs: SLICE_BUDGET_MS, signal, onSliceEnd: sendAhead, yieldToPage: whenIdle },
    );
    /** Rows mounted before the read-ahead started. */
    let waiting: MountedRow[] | undefined = [];
    let fallback: ReturnType<typeof setTimeout> | undefined;
    startReadAhead = () => {
      const rows = waiting;
      if (!rows || signal.aborted) return;
      waiting = undefined;
      clearTimeout(fallback);
      for (const row of rows) readAhead.push(row);
    };
    signal.addEventListener('abort', () => clearTimeout(fallback), { once: true });
    const readLater = (row: MountedRow) => {
      if (waiting) {
        fallback ??= setTimeout(startReadAhead, READ_AHEAD_AFTER_MS);
        waiting.push(row);
      } else readAhead.push(row);
    };

    let watcher: Watcher | undefined;
    // Mounting only adds each row's empty host: what the row links to is read when it is drawn.
    const mount = createSlicedQueue<HTMLAnchorElement>(
      (link) => {
        if (link.isConnected) readLater(badges.mount(link));
      },
      {
        budgetMs: MOUNT_SLICE_BUDGET_MS,
        // Mounting a row costs a few microseconds, reading the clock in a content script about as much.
        itemsPerClockReading: 32,
        signal,
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
