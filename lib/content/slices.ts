import { yieldToPage } from '../platform/yield';
import { onPageIdle } from './after-load';

/**
 * Work on Xero's main thread in short slices: items queue up, and each slice handles as many as fit
 * in `budgetMs`, then gives the page back its thread (input, rendering) before the next slice. Work
 * never starts inside the task that queued it: a MutationObserver callback runs at the end of the
 * page's own task, and our work belongs in tasks of its own.
 */
export interface SliceOptions {
  /** How long one slice may run; 1,000 rows cost several slices on a slow machine, one on a fast one. */
  budgetMs: number;
  /**
   * Items handled between two readings of the clock (default 4): in a content script reading it
   * costs about as much as mounting a badge, and a few cheap items more do not break the budget.
   */
  itemsPerClockReading?: number;
  /** After each slice: e.g. send the ids found in it in one lookup. */
  onSliceEnd?: () => void;
  /** Runs each slice (all its items, then `onSliceEnd`), e.g. with the DOM watcher disconnected. */
  around?: (slice: () => void) => void;
  signal: AbortSignal;
  now?: () => number;
  /** Resolves in a later task. */
  yieldToPage?: () => Promise<void>;
}

export interface SlicedQueue<T> {
  push(item: T): void;
  readonly size: number;
}

/**
 * Resolves when the page is idle (at most `timeoutMs` later), for work that may wait behind Xero's
 * own work and the reader's scrolling; a timer where the browser has no idle callbacks.
 */
export function whenIdle(timeoutMs = 500): Promise<void> {
  return new Promise((resolve) => onPageIdle(resolve, timeoutMs, 50));
}

export function createSlicedQueue<T>(handle: (item: T) => void, options: SliceOptions): SlicedQueue<T> {
  const {
    budgetMs,
    itemsPerClockReading = 4,
    onSliceEnd,
    around = (slice) => slice(),
    signal,
    now = () => performance.now(),
    yieldToPage: pause = yieldToPage,
  } = options;
  let items: T[] = [];
  let next = 0;
  let running = false;

  const run = async () => {
    running = true;
    try {
      while (next < items.length && !signal.aborted) {
        await pause();
        if (signal.aborted) break;
        around(() => {
          const started = now();
          let handled = 0;
          // At least one item per slice, so a slow item cannot stall the queue. The clock is read
          // every few items: reading it costs about as much as mounting a badge.
          do {
            try {
              handle(items[next++] as T);
            } catch (error) {
              // One bad row must not stop the rows after it.
              console.warn('[Client Hub]', error);
            }
          } while (
            next < items.length &&
            (++handled % itemsPerClockReading !== 0 || now() - started < budgetMs)
          );
          if (next === items.length) {
            items = [];
            next = 0;
          }
          onSliceEnd?.();
        });
      }
    } finally {
      running = false;
    }
  };

  return {
    push(item) {
      if (signal.aborted) return;
      items.push(item);
      if (!running) void run();
    },
    get size() {
      return items.length - next;
    },
  };
}
