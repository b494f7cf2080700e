import { browser } from 'wxt/browser';
import { webLocks } from '@/lib/auth/token-manager';
import { startBackground } from '@/lib/background/main';
import { sessionSignInStore } from '@/lib/background/session-store';
import { xeroConfig } from '@/lib/config/current';
import { ClientHubDb } from '@/lib/db/database';

export default defineBackground(() => {
  startBackground({
    extensionId: browser.runtime.id,
    version: browser.runtime.getManifest().version,
    xero: xeroConfig,
    db: new ClientHubDb(),
    now: Date.now,
    fetch: (input, init) => fetch(input, init),
    withLock: webLocks,
    newId: () => crypto.randomUUID(),
    redirectUri: browser.identity.getRedirectURL(),
    launchWebAuthFlow: async (url) => {
      const redirected = await browser.identity.launchWebAuthFlow({ url, interactive: true });
      if (!redirected) throw new Error('The user did not approve access.');
      return redirected;
    },
    pendingSignIns: sessionSignInStore(browser.storage.session),
    readManagedStorage: () => browser.storage.managed.get(),
    alarms: browser.alarms,
    onMessage: browser.runtime.onMessage,
  });
});
