import type { WxtBrowser } from 'wxt/browser';

/**
 * The browser's own extension runtime, for the script injected into Xero's pages: promise-based in
 * Firefox (`browser`) and in Chromium (`chrome`, Manifest V3), for the few calls the page needs
 * (sendMessage, onMessage, connect, id). The content script does not load webextension-polyfill:
 * evaluating it and wrapping Chromium's `chrome` in it cost about 3 ms of the main thread on every
 * Xero page (profiled on the 1,000-row list), for nothing these calls need. The start script uses it
 * too (entrypoints/xero-start.ts: this module imports a type alone, so that script stays tiny). Read
 * on every use: after the extension reloads, an orphaned script finds no runtime id.
 */
export type ContentRuntime = Pick<WxtBrowser['runtime'], 'id' | 'sendMessage' | 'onMessage' | 'connect'>;

interface ExtensionGlobals {
  browser?: { runtime?: ContentRuntime };
  chrome?: { runtime?: ContentRuntime };
}

export function contentRuntime(): ContentRuntime | undefined {
  const globals = globalThis as ExtensionGlobals;
  return globals.browser?.runtime ?? globals.chrome?.runtime;
}

/** Whether this script's extension is still there (not reloaded or removed since it started). */
export const extensionAlive = (): boolean => contentRuntime()?.id !== undefined;
