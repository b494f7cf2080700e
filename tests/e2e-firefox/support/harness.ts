import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { SANDBOX_DEFAULT_PORT, SANDBOX_DEMO_USER } from '@/lib/config/sandbox-build';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { type LaunchedFirefoxExtension, launchFirefoxWithExtension } from '../../../scripts/firefox';
import { readAllFromStore } from '../../support/extension-db';

/** The Firefox sandbox build (built by `npm run test:e2e-firefox` before the tests run). */
export const FIREFOX_EXTENSION_DIR = path.resolve(
  import.meta.dirname,
  '../../../.output/firefox-mv3-sandbox',
);

export interface FirefoxE2E {
  sandbox: Sandbox;
  firefox: LaunchedFirefoxExtension;
  /** The options page, once its first screen has rendered. */
  options(): Promise<Page>;
  close(): Promise<void>;
}

/** The sandbox on the port the sandbox build expects, and headless Firefox ESR with the add-on. */
export async function startFirefoxE2E(): Promise<FirefoxE2E> {
  const sandbox = await startSandbox({ port: SANDBOX_DEFAULT_PORT, seed: 7 });
  let firefox: LaunchedFirefoxExtension;
  try {
    firefox = await launchFirefoxWithExtension(FIREFOX_EXTENSION_DIR, { headless: true });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return {
    sandbox,
    firefox,
    options: () => firefox.openPage('options.html', '[data-testid=background-status]'),
    async close() {
      await firefox.close();
      await sandbox.close();
    },
  };
}

export async function fillFirstRun(
  page: Page,
  user: { name: string; email: string; role: 'admin' | 'staff' },
) {
  await page.locator('#firm-user-name').fill(user.name);
  await page.locator('#firm-user-email').fill(user.email);
  await page.locator(`input[name=role][value=${user.role}]`).click();
  await page.locator('form.first-run button[type=submit]').click();
  await page.waitForSelector('[data-testid=firm-user]');
}

/**
 * Answers the Xero sign-in window that identity.launchWebAuthFlow opens in Firefox (a new browser
 * window, which WebDriver BiDi reports as a new page): logs in as the demo user, ticks the named
 * organisations and presses the button.
 */
export async function answerXeroSignIn(
  firefox: LaunchedFirefoxExtension,
  start: () => Promise<unknown>,
  organisations: string[],
  action: 'allow' | 'cancel' = 'allow',
): Promise<{ authorizeUrl: string }> {
  const signInWindow = firefox.browser.waitForTarget(
    (target) => target.url().includes('/identity/connect/authorize'),
    { timeout: 30_000 },
  );
  await start();
  const target = await signInWindow;
  const authorizeUrl = target.url();
  const page = await target.page();
  if (!page) throw new Error('the sign-in window has no page');
  await page.waitForSelector('#email');
  await page.locator('#email').fill(SANDBOX_DEMO_USER.email);
  await page.locator('#password').fill(SANDBOX_DEMO_USER.password);
  await page.locator('button[type=submit]').click();
  await page.waitForSelector('input[name=tenantId]');
  for (const name of organisations) {
    const id = await page.$$eval(
      'input[name=tenantId] + label',
      (labels, wanted) => labels.find((label) => label.textContent === wanted)?.getAttribute('for'),
      name,
    );
    if (!id) throw new Error(`the consent screen does not offer ${name}`);
    const box = await page.$(`#${id}`);
    if (!(await box?.evaluate((input) => (input as HTMLInputElement).checked))) await box?.click();
  }
  await page.locator(`button[value=${action}]`).click();
  return { authorizeUrl };
}

/** Waits until the integration table's row for `name` shows the health mark `label`. */
export async function waitForHealth(page: Page, name: string, label: 'Healthy' | 'Needs attention') {
  await page.waitForFunction(
    (wanted, mark) =>
      [...document.querySelectorAll('tr')].some(
        (row) =>
          row.querySelector('.company-name')?.textContent === wanted &&
          row.querySelector(`[role=img][aria-label="${mark}"]`) !== null,
      ),
    { timeout: 30_000 },
    name,
    label,
  );
}

export async function rowText(page: Page, name: string): Promise<string> {
  return page.$$eval(
    'tr',
    (rows, wanted) =>
      rows.find((row) => row.querySelector('.company-name')?.textContent === wanted)?.textContent ?? '',
    name,
  );
}

/** A sandbox control call (`/__sandbox/…`), answered as JSON. */
export async function sandboxJson<T>(sandbox: Sandbox, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${sandbox.url}/__sandbox${path}`, init);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Reads a whole object store of the add-on's IndexedDB from one of its pages: in Firefox the event
 * page and the extension's pages share the moz-extension:// origin, so they see the same database.
 */
export async function readStore<T>(page: Page, store: string): Promise<T[]> {
  return (await page.evaluate(readAllFromStore, store)) as T[];
}
