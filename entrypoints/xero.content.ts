// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { startClientHubInXero } from '@/lib/content';
import { afterPageLoad } from '@/lib/content/features';
import { createContentLifetime } from '@/lib/content/lifetime';
import { keepLive } from '@/lib/hub/live-port';

// WXT's content-script context is not used: it stops itself when the page dispatches a DOM event
// named after the extension's id (a page knows our public id), and re-runs on another such event.
// Ours (createContentLifetime) listens to the browser's trusted events only and dispatches nothing.
// WXT still dispatches its start event on `document` before main() runs; its name holds the id,
// so only a page that already knows the id can hear it, and hearing it switches nothing off.
// Matches are set per build in wxt.config.ts (go.xero.com, plus the sandbox's pages in sandbox builds).
export default defineContentScript({
  matches: ['https://go.xero.com/*'],
  // document_start, not document_idle: Chromium holds a page's load event for a document_idle
  // script (it runs before the load event, after the first paint), so even an empty one made the
  // 100-row list's load event later by a frame. At document_start the script is only evaluated;
  // everything it does waits for the page's load event (afterPageLoad).
  runAt: 'document_start',
  // WXT would also post the extension's id to the page's window, for any script there to read.
  noScriptStartedPostMessage: true,
  // No CSS is injected into Xero's page: ours is bundled and goes into our shadow roots only.
  main() {
    const navigation = (globalThis as { navigation?: EventTarget }).navigation;
    const lifetime = createContentLifetime({
      extensionAlive: () => browser.runtime?.id !== undefined,
      navigation: typeof navigation?.addEventListener === 'function' ? navigation : undefined,
    });
    // Badges show the firm's status within seconds of a colleague's change (the hub, when there is
    // one). Connected after the page's load, so the background does not wake while Xero is loading.
    afterPageLoad(
      () =>
        keepLive((info) => browser.runtime.connect(info), { alive: () => browser.runtime?.id !== undefined }),
      lifetime.signal,
    );
    startClientHubInXero(lifetime);
  },
});
