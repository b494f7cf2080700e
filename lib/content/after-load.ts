/*
 * No imports: this module is part of the script every Xero page loads at document_start
 * (entrypoints/xero-start.ts), which must stay a few hundred bytes.
 */

/**
 * Starts at the latest this long after the page's HTML was parsed (DOMContentLoaded), for a page whose
 * load never ends.
 */
const LOAD_WAIT_CAP_MS = 3_000;

/** How long after the load event we wait at most for the page to be idle. */
const IDLE_WAIT_CAP_MS = 1_000;

type IdleCallback = (run: () => void, options: { timeout: number }) => void;

/** The browser's requestIdleCallback (called on the window, as it must be), if it has one. */
const browserIdle = (): IdleCallback | undefined =>
  typeof requestIdleCallback === 'function'
    ? (run, options) => requestIdleCallback(() => run(), options)
    : undefined;

/**
 * Calls `run` when the page is next idle, at most `timeoutMs` later, never inside the current task;
 * where the browser has no idle callbacks, after a timer of `fallbackMs`.
 */
export function onPageIdle(run: () => void, timeoutMs: number, fallbackMs = 0, idle = browserIdle()): void {
  if (idle) idle(run, { timeout: timeoutMs });
  else setTimeout(run, fallbackMs);
}

/**
 * Runs `start` when the page is next idle (at most a second later), never inside the current task
 * (the load event's other listeners, Xero's, run first). Right after a big page loads, V8 is often
 * still marking the page's heap, and whichever script allocates next does that marking in its own
 * task: started at once, our start-up did 3.5-17 ms of it in 6 of 13 loads of the 1,000-row list;
 * started when idle, in none of 13 (the page's garbage collection ran in its own idle time).
 * Firefox's content scripts have requestIdleCallback too.
 */
export function whenPageIdle(start: () => void, signal: AbortSignal, idle = browserIdle()): void {
  onPageIdle(
    () => {
      if (!signal.aborted) start();
    },
    IDLE_WAIT_CAP_MS,
    0,
    idle,
  );
}

/**
 * Runs `start` once the page's own load event is over (at once when it is), so nothing of ours runs
 * before Xero's load event (see entrypoints/xero-start.ts). Capped, so a page with a resource that
 * never finishes loading still gets its badges.
 */
export function afterPageLoad(start: () => void, signal: AbortSignal): void {
  if (document.readyState === 'complete') {
    start();
    return;
  }
  const stop = new AbortController();
  const listening = { signal: AbortSignal.any([signal, stop.signal]) };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const go = () => {
    stop.abort();
    clearTimeout(timer);
    whenPageIdle(start, signal);
  };
  const startCap = () => {
    if (!stop.signal.aborted) timer = setTimeout(go, LOAD_WAIT_CAP_MS);
  };
  if (document.readyState === 'loading')
    document.addEventListener(
      'DOMContentLoaded',
      (event) => {
        if (event.isTrusted) startCap();
      },
      { ...listening, once: true },
    );
  else startCap();
  window.addEventListener(
    'load',
    (event) => {
      if (event.isTrusted) go();
    },
    listening,
  );
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
}
