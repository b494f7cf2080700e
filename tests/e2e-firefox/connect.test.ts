import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GECKO_ID, SANDBOX_REDIRECT_URIS } from '@/lib/config/sandbox-build';
import {
  answerXeroSignIn,
  type FirefoxE2E,
  fillFirstRun,
  rowText,
  startFirefoxE2E,
  waitForHealth,
} from './support/harness';

const FIREFOX_REDIRECT_URI = SANDBOX_REDIRECT_URIS[1];

interface SandboxOrg {
  tenantId: string;
  name: string;
  shortCode: string;
}
interface SandboxGrant {
  grantId: string;
  clientId: string;
  refreshTokenIssuedAt: string | null;
}

let e2e: FirefoxE2E;
let page: Page;
let org: SandboxOrg;

async function sandboxJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${e2e.sandbox.url}/__sandbox${path}`, init);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  e2e = await startFirefoxE2E();
  const users = await sandboxJson<{ email: string; tenantIds: string[] }[]>('/users');
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  const first = (await sandboxJson<SandboxOrg[]>('/orgs')).find((o) => demo?.tenantIds.includes(o.tenantId));
  if (!first) throw new Error('the demo user has no organisation in the sandbox');
  org = first;
});
afterAll(async () => {
  await e2e?.close();
});

describe('Client Hub in Firefox ESR', () => {
  test('the add-on installs with its gecko id and its event page answers the options page', async () => {
    expect(e2e.firefox.addonId).toBe(GECKO_ID);
    page = await e2e.options();
    const status = await page.$eval('[data-testid=background-status]', (el) => el.textContent);
    expect(status).toContain('Xero sandbox at http://127.0.0.1:4560');
    // A fresh profile starts by asking who is using Client Hub.
    await page.waitForSelector('::-p-text(Who is using Client Hub?)');
  });

  test('an Admin connects a sandbox organisation through Xero sign-in and sees it healthy', async () => {
    await fillFirstRun(page, { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' });
    // Firefox's own redirect URI, which the sandbox has registered for this add-on id.
    expect(await page.$eval('[data-testid=redirect-uri]', (el) => el.textContent)).toBe(FIREFOX_REDIRECT_URI);

    const { authorizeUrl } = await answerXeroSignIn(
      e2e.firefox,
      () => page.locator('::-p-text(+ Add Another Xero company)').click(),
      [org.name],
    );
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(FIREFOX_REDIRECT_URI);

    // The new company is linked to a workspace named after it.
    await page.waitForSelector('dialog[open] #new-workspace-name');
    expect(await page.$eval('dialog[open] #new-workspace-name', (el) => (el as HTMLInputElement).value)).toBe(
      org.name,
    );
    await page.locator('dialog[open] button[type=submit]').click();

    await waitForHealth(page, org.name, 'Healthy');
    const row = await rowText(page, org.name);
    expect(row).toContain('Ada Admin');
    expect(row).toContain(org.shortCode);
    expect(row).toContain(org.name);
    const connections = await sandboxJson<{ tenantId: string }[]>('/connections');
    expect(connections.map((c) => c.tenantId)).toContain(org.tenantId);
  });

  test('the event page keeps the schedule in alarms', async () => {
    const alarm = await page.evaluate(() =>
      (
        globalThis as unknown as { browser: { alarms: { get(name: string): Promise<unknown> } } }
      ).browser.alarms.get('client-hub-schedule'),
    );
    expect(alarm).toMatchObject({ name: 'client-hub-schedule', periodInMinutes: 15 });
  });

  test('an expired access token is refreshed in the event page, under a Web Lock', async () => {
    const grantBefore = (await sandboxJson<SandboxGrant[]>('/grants')).find(
      (g) => g.clientId === 'client-hub-sandbox',
    );
    expect(grantBefore?.refreshTokenIssuedAt).toBeTruthy();
    // Xero's access tokens live 30 minutes: move the sandbox's clock past that.
    await sandboxJson('/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 31 * 60_000 }),
    });
    // Opening the options page checks every company; the stale token is refused and refreshed.
    await page.close();
    page = await e2e.options();
    await expect
      .poll(
        async () =>
          (await sandboxJson<SandboxGrant[]>('/grants')).find((g) => g.grantId === grantBefore?.grantId)
            ?.refreshTokenIssuedAt,
        { timeout: 30_000 },
      )
      .not.toBe(grantBefore?.refreshTokenIssuedAt);
    await waitForHealth(page, org.name, 'Healthy');
  });

  test('closing the sign-in window reads as a cancelled sign-in', async () => {
    const signInWindow = e2e.firefox.browser.waitForTarget(
      (target) => target.url().includes('/identity/connect/authorize'),
      { timeout: 30_000 },
    );
    await page.locator('::-p-text(+ Add Another Xero company)').click();
    await (await (await signInWindow).page())?.close();
    await page.waitForSelector('::-p-text(Sign-in cancelled)', { timeout: 30_000 });
  });

  test('the content script runs on the sandbox’s pages, and marks nothing on them', async () => {
    const full =
      await sandboxJson<{ tenantId: string; accounts: { AccountID: string; Type?: string }[] }[]>('/orgs');
    const transactions = await sandboxJson<
      | { BankAccount: { AccountID: string } }[]
      | { BankTransactions: { BankAccount: { AccountID: string } }[] }
    >(`/orgs/${org.tenantId}/bank-transactions`);
    const accountId = (Array.isArray(transactions) ? transactions : transactions.BankTransactions)[0]
      ?.BankAccount.AccountID;
    if (!accountId || !full.some((o) => o.tenantId === org.tenantId)) throw new Error('no bank account');
    const sandboxPage = await e2e.firefox.browser.newPage();
    // The company connected above: its transactions list gets badges.
    await sandboxPage.goto(
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${accountId}&tenant=${org.tenantId}&rows=20`,
    );
    await sandboxPage.waitForSelector('client-hub-badge', { timeout: 15_000 });
    const attributes = await sandboxPage.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) =>
        [...el.attributes].map((a) => `${a.name}=${a.value}`),
      ),
    );
    expect(attributes.filter((a) => /client-?hub|0\.1\.0|moz-extension/i.test(a))).toEqual([]);
    await sandboxPage.close();
  });
});
