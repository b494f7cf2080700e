import { browser } from 'wxt/browser';
import { startBackground } from '@/lib/background/main';
import { xeroConfig } from '@/lib/config/current';

export default defineBackground(() => {
  startBackground({
    extensionId: browser.runtime.id,
    version: browser.runtime.getManifest().version,
    xero: xeroConfig,
    now: Date.now,
    onMessage: browser.runtime.onMessage,
  });
});
