/**
 * Gathers items and sends them in batches, at most one batch every `everyMs`: the first batch goes at
 * once, later ones wait for the interval. A message to the background costs about as much as drawing
 * a dozen badges, so rows drawn while the reader scrolls are looked up a few times a second, not once
 * a frame.
 */
export interface ThrottledBatchOptions {
  everyMs: number;
  signal: AbortSignal;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => () => void;
}

export function createThrottledBatch<T>(
  send: (items: T[]) => void,
  {
    everyMs,
    signal,
    now = () => performance.now(),
    setTimer = (run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    },
  }: ThrottledBatchOptions,
): { add(items: readonly T[]): void } {
  let waiting: T[] = [];
  let lastSent = Number.NEGATIVE_INFINITY;
  let cancel: (() => void) | undefined;
  const flush = () => {
    cancel = undefined;
    if (signal.aborted || waiting.length === 0) return;
    lastSent = now();
    const items = waiting;
    waiting = [];
    send(items);
  };
  signal.addEventListener('abort', () => cancel?.(), { once: true });
  return {
    add(items) {
      if (signal.aborted || items.length === 0) return;
      waiting.push(...items);
      if (cancel) return;
      const wait = lastSent + everyMs - now();
      if (wait <= 0) flush();
      else cancel = setTimer(flush, wait);
    },
  };
}
