// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { startClientHubInXero } from '@/lib/content';
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
  runAt: 'document_idle',
  // WXT would also post the extension's id to the page's window, for any script there to read.
  noScriptStartedPostMessage: true,
  // No CSS is injected into Xero's page: ours is bundled and goes into our shadow roots only.
  main() {
    // Badges show the firm's status within seconds of a colleague's change (the hub, when there is one).
    keepLive((info) => browser.runtime.connect(info), { alive: () => browser.runtime?.id !== undefined });
    const navigation = (globalThis as { navigation?: EventTarget }).navigation;
    startClientHubInXero(
      createContentLifetime({
        extensionAlive: () => browser.runtime?.id !== undefined,
        navigation: typeof navigation?.addEventListener === 'function' ? navigation : undefined,
      }),
    );
  },
});
