// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { startClientHubInXero } from '@/lib/content';

// Matches are set per build in wxt.config.ts (go.xero.com, plus the sandbox's pages in sandbox builds).
export default defineContentScript({
  matches: ['https://go.xero.com/*'],
  runAt: 'document_idle',
  // No CSS is injected into Xero's page: ours is bundled and goes into our shadow roots only.
  main(ctx) {
    // Marks that the script ran (the smoke test checks it); carries nothing but the version.
    document.documentElement.dataset.clientHub = browser.runtime.getManifest().version;
    startClientHubInXero(ctx);
  },
});
