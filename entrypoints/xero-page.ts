// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { startClientHubInXero } from '@/lib/content';
import { createContentLifetime } from '@/lib/content/lifetime';
import { contentRuntime, extensionAlive } from '@/lib/content/runtime';
import { keepLive } from '@/lib/hub/live-port';

// The content script, injected by the background into a Xero page's frame once the page has loaded,
// when the page's start script asks (entrypoints/xero-start.ts says why). An unlisted script, not a
// WXT content script: WXT's content-script context (which stops itself on a DOM event named after
// the extension's id, which a page can send too, and dispatches such an event on start) has no part
// in it. Its lifetime (createContentLifetime) hears the browser's trusted events only and dispatches
// nothing.
export default defineUnlistedScript({
  main() {
    // Once per page: a second injection into this frame (a start script asked twice) adds nothing.
    const started = globalThis as { clientHubStarted?: boolean };
    if (started.clientHubStarted) return;
    started.clientHubStarted = true;
    const navigation = (globalThis as { navigation?: EventTarget }).navigation;
    const lifetime = createContentLifetime({
      extensionAlive,
      navigation: typeof navigation?.addEventListener === 'function' ? navigation : undefined,
    });
    // Badges show the firm's status within seconds of a colleague's change (the hub, when there is
    // one). This script runs once the page has loaded (the start script waited), so connecting now
    // never wakes the background while Xero is loading.
    const runtime = contentRuntime();
    if (runtime) keepLive((info) => runtime.connect(info), { alive: extensionAlive });
    startClientHubInXero(lifetime);
  },
});
