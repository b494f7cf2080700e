import { afterPageLoad } from '@/lib/content/after-load';
import { contentRuntime } from '@/lib/content/runtime';
import { START_PAGE_SCRIPT } from '@/lib/messaging/page-start';

/**
 * The only script of ours a Xero page loads by itself (manifest, document_start, see
 * lib/config/manifest.ts): a few hundred bytes that wait for the page's load event, then ask the
 * background to inject the content script (entrypoints/xero-page.ts) into this frame.
 * Why: Chromium evaluates a declared content script, and holds the page's load event for one at
 * document_idle, before the page has loaded; compiling and evaluating ours (about 12 ms) made a
 * 100-row list's load event 1.17x later. Injected after the load event, none of it is Xero's.
 * No polyfill, no WXT runtime, no schema: the browser's own namespace, and a message the background
 * checks (who sent it is the browser's word: the sender's tab, frame and URL).
 */
export default defineUnlistedScript(() => {
  const runtime = contentRuntime();
  if (!runtime?.id) return;
  const never = new AbortController().signal;
  afterPageLoad(() => {
    // The extension may have been reloaded meanwhile (this copy is orphaned: sending throws or
    // rejects); the next page load asks again.
    try {
      runtime.sendMessage(START_PAGE_SCRIPT)?.catch?.(() => undefined);
    } catch {}
  }, never);
});
