// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { startClientHubInXero } from '@/lib/content';
import { afterPageLoad } from '@/lib/content/after-load';
import { createContentLifetime } from '@/lib/content/lifetime';
import { keepLive } from '@/lib/hub/live-port';

// WXT's content-script context is not used: it stops itself when the page dispatches a DOM event
// named after the extension's id (a page knows our public id), and re-runs on another such event.
// Ours (createContentLifetime) listens to the browser's trusted events only and dispatches nothing.
// WXT still dispatches its start event on `document` before main() runs; its name holds the id,
// so only a page that already knows the id can hear it, and hearing it switches nothing off.
// Not in the manifest: the background injects it into a Xero page once the page has loaded, when the
// page's start script asks (entrypoints/xero-start.ts says why). The start script's matches are set
// per build in wxt.config.ts (go.xero.com, plus the sandbox's pages in sandbox builds).
export default defineContentScript({
  matches: ['https://go.xero.com/*'],
  registration: 'runtime',
  // WXT would also post the extension's id to the page's window, for any script there to read.
  noScriptStartedPostMessage: true,
  // No CSS is injected into Xero's page: ours is bundled and goes into our shadow roots only.
  main() {
    // Once per page: a second injection into this frame (a start script asked twice) adds nothing.
    const started = globalThis as { clientHubStarted?: boolean };
    if (started.clientHubStarted) return;
    started.clientHubStarted = true;
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
