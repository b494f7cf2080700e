import { browser } from 'wxt/browser';

// Matches are set per build in wxt.config.ts (go.xero.com, plus the sandbox's pages in sandbox builds).
export default defineContentScript({
  matches: ['https://go.xero.com/*'],
  runAt: 'document_idle',
  main() {
    // The badges arrive with the "Push to Client Hub" feature; for now the script only marks that it ran.
    document.documentElement.dataset.clientHub = browser.runtime.getManifest().version;
  },
});
