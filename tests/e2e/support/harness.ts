import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { SANDBOX_DEFAULT_PORT, SANDBOX_DEMO_USER } from '@/lib/config/sandbox-build';
import { isolated } from '@/lib/text/hostile';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { type LaunchedExtension, launchWithExtension } from '../../../scripts/chromium';
import { readAllFromStore, readEveryStore } from '../../support/extension-db';

/** The sandbox build (built by `npm run test:e2e` before the tests run). */
export const EXTENSION_DIR = path.resolve(import.meta.dirname, '../../../.output/chrome-mv3-sandbox');

export interface E2E {
  sandbox: Sandbox;
  browser: LaunchedExtension;
  options(): Promise<Page>;
  /** A fresh browser profile with the extension, as on a colleague's computer. */
  newProfile(): Promise<void>;
  close(): Promise<void>;
}

/** The sandbox on the port the sandbox build expects, and Chromium with the extension. */
export async function startE2E(
  options: { seed?: number; scale?: number; extensionDir?: string } = {},
): Promise<E2E> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const sandbox = await startSandbox({
    port: SANDBOX_DEFAULT_PORT,
    seed: options.seed ?? 7,
    ...(options.scale ? { scale: options.scale } : {}),
  });
  let browser: LaunchedExtension;
  try {
    browser = await launchWithExtension(extensionDir, { headless: true });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const self: E2E = {
    sandbox,
    browser,
    async options() {
      const page = await self.browser.context.newPage();
      await page.goto(`chrome-extension://${self.browser.extensionId}/options.html`);
      await page.getByRole('heading', { name: 'Xero integration' }).waitFor();
      return page;
    },
    async newProfile() {
      await self.browser.close();
      self.browser = await launchWithExtension(extensionDir, { headless: true });
    },
    async close() {
      await self.browser.close();
      await sandbox.close();
    },
  };
  return self;
}

export async function fillFirstRun(
  page: Page,
  user: { name: string; email: string; role: 'Admin' | 'Staff' },
) {
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Your work email').fill(user.email);
  await page.getByRole('radio', { name: new RegExp(`${user.role}:`) }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('firm-user').waitFor();
}

/**
 * Answers the Xero sign-in window that identity.launchWebAuthFlow opens: logs in as the demo user
 * and ticks the named organisations on the consent screen.
 */
export async function answerXeroSignIn(
  context: BrowserContext,
  start: () => Promise<unknown>,
  organisations: string[],
  action: 'Allow access' | 'Cancel' = 'Allow access',
) {
  const popup = context.waitForEvent('page', { timeout: 30_000 });
  await start();
  const page = await popup;
  await page.getByLabel('Email address').fill(SANDBOX_DEMO_USER.email);
  await page.getByLabel('Password').fill(SANDBOX_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  for (const name of organisations) await page.getByLabel(name, { exact: true }).check();
  await page.getByRole('button', { name: action }).click();
}

export interface SandboxOrg {
  tenantId: string;
  name: string;
  shortCode: string;
}

export async function sandboxOrgs(sandbox: Sandbox): Promise<SandboxOrg[]> {
  return (await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json()) as SandboxOrg[];
}

/** The organisations the sandbox's demo user can connect (what the consent screen lists). */
export async function demoUserOrgs(sandbox: Sandbox): Promise<SandboxOrg[]> {
  const users = (await (await fetch(`${sandbox.url}/__sandbox/users`)).json()) as {
    email: string;
    tenantIds: string[];
  }[];
  const demo = users.find((u) => u.email === SANDBOX_DEMO_USER.email);
  return (await sandboxOrgs(sandbox)).filter((o) => demo?.tenantIds.includes(o.tenantId));
}

/** Reads a whole object store of the extension's IndexedDB from one of its pages. */
export async function readStore<T>(page: Page, store: string): Promise<T[]> {
  return (await page.evaluate(readAllFromStore, store)) as T[];
}

/** The Client Tasks row fields the e2e tests read. */
export interface StoredTask {
  id: string;
  tenantId: string;
  bankTransactionId: string;
  status: string;
}

/** One Xero company's Client Tasks as the extension's IndexedDB holds them, read from one of its pages. */
export async function storedTasksOf(page: Page, tenantId: string): Promise<StoredTask[]> {
  return (await readStore<StoredTask>(page, 'clientTasks')).filter((t) => t.tenantId === tenantId);
}

/** Every object store of the extension's IndexedDB, each row as JSON, read from one of its pages. */
export async function readEveryStoreOf(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(readEveryStore);
}

/** Stops the extension's service worker the way Chrome does when it idles or crashes it. */
export async function stopServiceWorker(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

/** Sends a runtime message from one of the extension's pages, as the page itself would. */
export function sendFromPage<T = unknown>(page: Page, message: Record<string, unknown>): Promise<T> {
  return page.evaluate(async (m) => {
    const { runtime } = (
      globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } } }
    ).chrome;
    return runtime.sendMessage(m);
  }, message) as Promise<T>;
}

/** The AccountID of a named account in an organisation's chart (from the sandbox's ground truth). */
export async function accountIdOf(sandbox: Sandbox, tenantId: string, name: string): Promise<string> {
  const full = (await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json()) as {
    tenantId: string;
    accounts: { AccountID: string; Name: string }[];
  }[];
  const account = full.find((o) => o.tenantId === tenantId)?.accounts.find((x) => x.Name === name);
  if (!account) throw new Error(`no account named ${name}`);
  return account.AccountID;
}

/**
 * An Admin's first connection, as a person does it on `options` (a fresh options page): the first-run
 * form (unless signed in to a hub), Xero sign-in consenting to `orgs`, and each new company linked to a new workspace named after
 * it. `beforeLink` sees each workspace dialog before its Link workspace is clicked.
 */
export async function connectAsAdmin(
  e2e: E2E,
  options: Page,
  orgs: readonly SandboxOrg[],
  beforeLink?: (dialog: Locator, org: SandboxOrg) => Promise<void>,
  /** `onHub`: signed in to the firm's Client Hub server, which names the user (no first-run form). */
  how: { onHub?: boolean } = {},
): Promise<void> {
  if (!how.onHub) await fillFirstRun(options, { name: 'Ada Admin', email: 'ada@firm.test', role: 'Admin' });
  await answerXeroSignIn(
    e2e.browser.context,
    () => options.getByRole('button', { name: '+ Add Another Xero company' }).click(),
    orgs.map((org) => org.name),
  );
  for (const org of orgs) {
    const dialog = options.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
    await dialog.waitFor();
    await beforeLink?.(dialog, org);
    await dialog.getByRole('button', { name: 'Link workspace' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}

/**
 * An Admin on a fresh options page connects `org`, links it to a new workspace, monitors one account
 * for Spend Money and runs a first sync. Returns the options page.
 */
export async function connectAndSync(e2e: E2E, org: SandboxOrg, monitoredAccountId: string): Promise<Page> {
  const options = await e2e.options();
  await connectAsAdmin(e2e, options, [org]);
  const ask = (message: Record<string, unknown>) => sendFromPage(options, message);
  await ask({
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [monitoredAccountId],
    types: ['SPEND'],
  });
  // Waits for the backfill that saving started (one sync per company at a time), then syncs again.
  await ask({ type: 'sync.now', tenantId: org.tenantId });
  return options;
}
