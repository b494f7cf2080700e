import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO_ID } from '../lib/config/sandbox-build';

/** Debian's Firefox ESR (`apt-get install -y firefox-esr`), or FIREFOX_PATH. */
export function findFirefox(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) {
    throw new Error(
      'Firefox is not installed. Install it with: apt-get install -y firefox-esr (or set FIREFOX_PATH).',
    );
  }
  return found;
}

/**
 * The moz-extension:// host of the add-on in profiles this launcher makes. Firefox gives each
 * install a random internal UUID; pinning it keeps page addresses stable for tests and the demo.
 */
export const PINNED_FIREFOX_UUID = '5f0b6c1e-2d7a-4c39-9a41-0c1e6b8d2f73';

export interface LaunchedFirefoxExtension {
  browser: Browser;
  /** The add-on id Firefox reports (the manifest's gecko id). */
  addonId: string;
  /** `moz-extension://<uuid>` */
  origin: string;
  /** Opens one of the extension's pages in a new tab and waits for `readySelector` in it. */
  openPage(file: string, readySelector: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Firefox with the add-on in `extensionDir` installed as a temporary add-on, over WebDriver
 * BiDi. `--remote-allow-system-access` is what lets a BiDi client navigate to moz-extension:// pages.
 */
export async function launchFirefoxWithExtension(
  extensionDir: string,
  options: { headless: boolean },
): Promise<LaunchedFirefoxExtension> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: findFirefox(),
    headless: options.headless,
    defaultViewport: { width: 1280, height: 800 },
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: PINNED_FIREFOX_UUID }),
      // This machine has no network beyond loopback: keep Firefox from trying.
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
      'extensions.update.enabled': false,
    },
  });
  let addonId: string;
  try {
    addonId = await browser.installExtension(extensionDir);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const origin = `moz-extension://${PINNED_FIREFOX_UUID}`;
  return {
    browser,
    addonId,
    origin,
    async openPage(file, readySelector) {
      const page = await browser.newPage();
      // goto of a moz-extension:// page can time out although the page loads: wait for content instead.
      void page.goto(`${origin}/${file}`, { timeout: 0 }).catch(() => undefined);
      // Polling while the tab leaves about:blank can hit a Firefox-internal BiDi error ("right-hand
      // side of 'in' should be an object, got null", seen once in CI) that puppeteer does not treat as
      // a navigation: poll again until the time is up.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await page.waitForSelector(readySelector, { timeout: Math.max(1, deadline - Date.now()) });
          return page;
        } catch (error) {
          if (Date.now() >= deadline || (error as Error).name === 'TimeoutError') throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async close() {
      await browser.close();
    },
  };
}
