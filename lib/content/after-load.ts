/*
 * No imports: this module is part of the script every Xero page loads at document_start
 * (entrypoints/xero-start.ts), which must stay a few hundred bytes.
 */

/**
 * Starts at the latest this long after the page's HTML was parsed (DOMContentLoaded), for a page whose
 * load never ends.
 */
const LOAD_WAIT_CAP_MS = 3_000;

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
    // After the load event's own task, not inside it: its other listeners (Xero's) run first.
    if (!signal.aborted) setTimeout(start, 0);
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
