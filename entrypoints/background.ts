// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { webLocks } from '@/lib/auth/token-manager';
import { startBackground } from '@/lib/background/main';
import { sessionSignInStore } from '@/lib/background/session-store';
import { xeroConfig } from '@/lib/config/current';
import { contentScriptMatches, PAGE_SCRIPT_FILE } from '@/lib/config/manifest';
import { ClientHubDb } from '@/lib/db/database';
import { managedStorageReader, webAuthFlowLauncher } from '@/lib/platform/browser-differences';

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
    launchWebAuthFlow: webAuthFlowLauncher(browser.identity),
    pendingSignIns: sessionSignInStore(browser.storage.session),
    readManagedStorage: managedStorageReader(browser.storage.managed),
    alarms: browser.alarms,
    alarmsClear: (name) => browser.alarms.clear(name),
    onBrowserStart: (listener) => browser.runtime.onStartup.addListener(listener),
    setBadge: (text, title) => {
      void browser.action.setBadgeText({ text });
      void browser.action.setTitle({ title: text ? `Client Hub: ${title}` : 'Client Hub' });
      void browser.action.setBadgeBackgroundColor({ color: '#0b6bcb' });
    },
    tabs: {
      query: (query) => browser.tabs.query(query),
      sendMessage: (tabId, message) => browser.tabs.sendMessage(tabId, message),
      create: (properties) => browser.tabs.create(properties),
    },
    xeroTabMatches: contentScriptMatches(xeroConfig),
    extensionUrl: (path) => browser.runtime.getURL(path as '/tasks.html'),
    onMessage: browser.runtime.onMessage,
    hasOriginPermission: (origin) => browser.permissions.contains({ origins: [`${origin}/*`] }),
    onConnect: (listener) => browser.runtime.onConnect.addListener(listener),
    injectPageScript: async ({ tabId, frameId, documentId }) => {
      await browser.scripting.executeScript({
        // The document that asked where the browser names it (Chrome), else its frame (Firefox).
        target: documentId ? { tabId, documentIds: [documentId] } : { tabId, frameIds: [frameId] },
        files: [PAGE_SCRIPT_FILE],
        injectImmediately: true,
      });
    },
  });
});
