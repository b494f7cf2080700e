import { GECKO_ID } from '../config/sandbox-build';
import { SIGN_IN_CANCELLED_MESSAGE } from '../errors/classify';
import { FailureError } from '../xero/failure-error';

/**
 * Everything that differs between Chrome and Firefox, in one place, each with its reason. The rest
 * of the code is the same in both browsers. Pure: the browser's name and API objects come in as
 * parameters, so wxt.config.ts (Node) and the background can both use it.
 *
 * Differences we do not branch on, because the browser or WXT already takes care of them:
 * - Background: Chrome runs a service worker (`background.service_worker`); Firefox MV3 runs an event
 *   page (`background.scripts`). WXT emits the right key. Both unload when idle, so state lives in
 *   storage and IndexedDB, and the schedule in `alarms`. Web Locks (`navigator.locks`), IndexedDB and
 *   `storage.session` exist in both (Firefox event page checked by tests/e2e-firefox).
 * - OAuth redirect URI: `identity.getRedirectURL()` gives `https://<extension-id>.chromiumapp.org/` in
 *   Chrome and `https://<sha1 of the add-on id>.extensions.allizom.org/` in Firefox. We always ask the
 *   browser; the options page shows the answer for the Xero app registration.
 * - `runtime.id` is the extension id in Chrome and the add-on (gecko) id in Firefox; messages'
 *   `sender.id` uses the same value, so the background's sender check works unchanged.
 * - Replying to messages with a promise: only with the webextension polyfill in Chrome, which the
 *   `@wxt-dev/webextension-polyfill` module gives every entrypoint.
 * - Extension pages and the background share one origin, so one IndexedDB, in both (`moz-extension://`
 *   in Firefox; tests/e2e-firefox reads tasks the event page wrote from the options page).
 * - A content script's fetch of an extension file would need the file web-accessible to the page's
 *   origin in both browsers; ours fetches none (its CSS is bundled, components/badge/shadow.ts), so the
 *   manifests list nothing web-accessible.
 * - Constructable stylesheets: Firefox ESR 153 adopts a sheet a content script built into that
 *   script's shadow roots, as Chrome does (checked by tests/e2e-firefox/tasks.test.ts).
 */

export type TargetBrowser = 'chrome' | 'firefox';

/** WXT's browser name to ours: every Chromium browser (chrome, edge, …) builds like Chrome. */
export function targetBrowser(wxtBrowser: string): TargetBrowser {
  return wxtBrowser === 'firefox' ? 'firefox' : 'chrome';
}

/**
 * Firefox 140 (an ESR) is the first with `data_collection_permissions`, which AMO requires of new
 * add-ons. It also grants MV3 `host_permissions` at install (since 127) and has `storage.session`
 * (since 115) and Web Locks in extension pages.
 */
export const FIREFOX_MIN_VERSION = '140.0';
/** Firefox for Android reads `data_collection_permissions` only from 142 (web-ext lint says so). */
export const FIREFOX_ANDROID_MIN_VERSION = '142.0';

export interface BrowserManifestKeys {
  key?: string;
  storage?: { managed_schema: string };
  browser_specific_settings?: {
    gecko: {
      id: string;
      strict_min_version: string;
      data_collection_permissions: { required: string[] };
    };
    gecko_android: { strict_min_version: string };
  };
}

/** Manifest keys only one browser understands. */
export function browserManifestKeys(
  browser: TargetBrowser,
  options: { sandbox: boolean; sandboxManifestKey: string },
): BrowserManifestKeys {
  if (browser === 'chrome') {
    return {
      // Chromium derives the extension id, and so the OAuth redirect URI, from this public key. Only
      // the sandbox build pins it; the Web Store assigns the production id. Firefox rejects `key`.
      ...(options.sandbox ? { key: options.sandboxManifestKey } : {}),
      // Chrome reads firm policy through this schema. Firefox reads managed storage from its
      // enterprise policies (policies.json `3rdparty`) and has no `managed_schema` key.
      storage: { managed_schema: 'managed-schema.json' },
    };
  }
  return {
    browser_specific_settings: {
      gecko: {
        // Firefox MV3 needs an explicit id for storage and identity, and the id fixes the redirect URI.
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        // Transaction data goes only to Xero, at the user's request; nothing to us or third parties.
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
    },
  };
}

/**
 * Managed storage when the firm has set no policy: Chrome resolves with `{}`, Firefox rejects
 * ("Managed storage manifest not found"). Both mean "nothing is fixed", so both read as `{}`.
 */
export function managedStorageReader(area: { get(): Promise<unknown> }): () => Promise<unknown> {
  return async () => {
    try {
      return await area.get();
    } catch {
      return {};
    }
  };
}

/**
 * What `identity.launchWebAuthFlow` rejects with when the user closes the sign-in window: Chrome
 * "The user did not approve access.", Firefox "User cancelled or denied access.".
 */
export const SIGN_IN_WINDOW_CLOSED = SIGN_IN_CANCELLED_MESSAGE;

interface IdentityApi {
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
}

/**
 * Runs Xero sign-in in the browser's sign-in window and returns the URL it redirected to. A closed
 * window becomes the same "sign-in cancelled" failure in both browsers.
 */
export function webAuthFlowLauncher(identity: IdentityApi): (url: string) => Promise<string> {
  return async (url) => {
    let redirected: string | undefined;
    try {
      redirected = await identity.launchWebAuthFlow({ url, interactive: true });
    } catch (error) {
      if (error instanceof Error && SIGN_IN_WINDOW_CLOSED.test(error.message))
        throw new FailureError({ kind: 'sign-in', reason: 'cancelled' });
      throw error;
    }
    // Chrome has resolved with undefined instead of rejecting when the window closes.
    if (!redirected) throw new FailureError({ kind: 'sign-in', reason: 'cancelled' });
    return redirected;
  };
}
