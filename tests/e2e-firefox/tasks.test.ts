import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backfillFromDate } from '@/lib/sync';
import { isolated } from '@/lib/text/hostile';
import { expectedTaskIds, groundTruth } from '../integration/sync/support';
import {
  DRAWN_BADGES,
  type DrawnBadgeLook,
  expectXeroLook,
  REMOVE_BADGES,
  TABLE_LAYOUT,
  type TableLayout,
} from '../support/badge-layout';
import {
  answerXeroSignIn,
  type FirefoxE2E,
  fillFirstRun,
  readStore,
  sandboxJson,
  startFirefoxE2E,
  waitForHealth,
} from './support/harness';

/**
 * Tasks in Firefox ESR, as in Chrome (tests/e2e/sync.test.ts, tests/e2e/badges.test.ts): an Admin
 * chooses monitored accounts in Manage Accounts and the backfill makes exactly the tasks the sandbox's
 * ground truth calls for; then "Push to Client Hub" on the sandbox's transactions list makes a task.
 */

interface SandboxOrg {
  tenantId: string;
  name: string;
  timezone: string;
  accounts: { AccountID: string; Name: string }[];
}
interface XeroTransaction {
  BankTransactionID: string;
  Type: string;
  Status: string;
  Date: string;
  BankAccount: { AccountID: string };
}
interface StoredTask {
  id: string;
  tenantId: string;
  bankTransactionId: string;
  status: string;
}
interface StoredRun {
  tenantId: string;
  state: string;
  phase: string;
}

const CHOSEN = ['Uncategorized Expense', 'Suspense'];

let e2e: FirefoxE2E;
let options: Page;
let org: SandboxOrg;

const tasksOf = async () =>
  (await readStore<StoredTask>(options, 'clientTasks')).filter((t) => t.tenantId === org.tenantId);

beforeAll(async () => {
  e2e = await startFirefoxE2E();
  const users = await sandboxJson<{ email: string; tenantIds: string[] }[]>(e2e.sandbox, '/users');
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  const first = (await sandboxJson<SandboxOrg[]>(e2e.sandbox, '/orgs')).find((o) =>
    demo?.tenantIds.includes(o.tenantId),
  );
  if (!first) throw new Error('the demo user has no organisation in the sandbox');
  org = first;

  options = await e2e.options();
  await fillFirstRun(options, { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' });
  await answerXeroSignIn(
    e2e.firefox,
    () => options.locator('::-p-text(+ Add Another Xero company)').click(),
    [org.name],
  );
  await options.waitForSelector('dialog[open] #new-workspace-name');
  await options.locator('dialog[open] button[type=submit]').click();
  await waitForHealth(options, org.name, 'Healthy');
});
afterAll(async () => {
  await e2e?.close();
});

/** The checkbox of the Manage Accounts dialog whose label names `account`. */
async function accountCheckbox(page: Page, account: string): Promise<ElementHandle<HTMLInputElement>> {
  const handle = await page.evaluateHandle(
    (wanted) =>
      [...document.querySelectorAll<HTMLLabelElement>('dialog[open] .account-list label')]
        .find((label) => label.textContent?.trim().endsWith(wanted))
        ?.querySelector('input[type=checkbox]') ?? null,
    account,
  );
  const box = handle.asElement() as ElementHandle<HTMLInputElement> | null;
  if (!box) throw new Error(`Manage Accounts offers no ${account}`);
  return box;
}

describe('tasks in Firefox ESR', () => {
  test('an Admin chooses monitored accounts; the backfill makes one task per qualifying transaction', async () => {
    const row = await options.waitForSelector(`tr[data-tenant-id="${org.tenantId}"]`);
    await (await row?.waitForSelector('td.actions button:first-child'))?.click();
    await options.waitForSelector(`dialog[open] ::-p-text(Manage Accounts: ${isolated(org.name)})`);
    await options.waitForSelector('dialog[open] .account-list input[type=checkbox]', { timeout: 30_000 });
    for (const account of CHOSEN) {
      const box = await accountCheckbox(options, account);
      await box.click();
      expect(await box.evaluate((input) => input.checked)).toBe(true);
    }
    await options.locator('dialog[open] button[type=submit]').click();
    await options.waitForSelector('::-p-text(Looking for transactions from the last 90 days)');

    // The backfill runs in the event page; its run record says when it is done.
    await expect
      .poll(
        async () =>
          (await readStore<StoredRun>(options, 'syncRuns')).some(
            (run) => run.tenantId === org.tenantId && run.phase !== 'accounts' && run.state === 'succeeded',
          ),
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
    await options.waitForSelector(`tr[data-tenant-id="${org.tenantId}"] [data-testid=sync-result]`);

    const monitored = new Set(
      org.accounts.filter((a) => CHOSEN.includes(a.Name)).map((a) => a.AccountID.toLowerCase()),
    );
    expect(monitored.size).toBe(CHOSEN.length);
    const expected = expectedTaskIds(
      await groundTruth(e2e.sandbox, org.tenantId),
      monitored,
      backfillFromDate(Date.now(), org.timezone),
    );
    const ids = (await tasksOf()).map((t) => t.bankTransactionId.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expected);
    expect(expected.size).toBeGreaterThan(0);
  });

  test('a double click on “Push to Client Hub” in the transactions list makes one task, and the badge shows its status', async () => {
    const truth = await sandboxJson<XeroTransaction[] | { BankTransactions: XeroTransaction[] }>(
      e2e.sandbox,
      `/orgs/${org.tenantId}/bank-transactions`,
    );
    const transactions = Array.isArray(truth) ? truth : truth.BankTransactions;
    const before = await tasksOf();
    const withTask = new Set(before.map((t) => t.bankTransactionId.toLowerCase()));
    const synced = transactions.find((t) => withTask.has(t.BankTransactionID.toLowerCase()));
    if (!synced) throw new Error('the sync made no task for a known transaction');
    const dateOf = (t: XeroTransaction) => Number(/\d+/.exec(t.Date)?.[0]);
    // Newest first, as the list shows them, so the transaction is on its first page.
    const target = transactions
      .filter(
        (t) =>
          t.Type === 'SPEND' &&
          t.Status === 'AUTHORISED' &&
          t.BankAccount.AccountID === synced.BankAccount.AccountID &&
          !withTask.has(t.BankTransactionID.toLowerCase()),
      )
      .sort((x, y) => dateOf(y) - dateOf(x))[0];
    if (!target) throw new Error('no pushable transaction in the seed');

    const page = await e2e.firefox.browser.newPage();
    await page.goto(
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${synced.BankAccount.AccountID}&tenant=${org.tenantId}&rows=300`,
    );
    /** The badge button in the shadow root after the row's link to `id`. */
    const badgeText = (id: string) =>
      page.evaluate((wanted) => {
        const link = document.querySelector(`a[href*="${wanted}"]`);
        const host = link?.closest('tr')?.querySelector('client-hub-badge');
        return host?.shadowRoot?.querySelector('button')?.textContent ?? null;
      }, id);
    const links = await page.$$eval('a[href*="bankTransactionID="]', (found) => found.length);
    expect(links).toBeGreaterThan(10);
    await expect
      .poll(() => page.$$eval('client-hub-badge', (found) => found.length), { timeout: 15_000 })
      .toBe(links);
    // Badges are drawn as their rows come near the screen: scroll to each row, as a person would.
    const showRow = (id: string) =>
      page.$eval(`a[href*="${id}"]`, (link) => link.scrollIntoView({ block: 'center' }));
    await showRow(synced.BankTransactionID);
    await expect.poll(() => badgeText(synced.BankTransactionID), { timeout: 15_000 }).toBe('Task: Open');
    await showRow(target.BankTransactionID);
    // Ids the sync has not seen are checked with Xero before Push is offered: a round trip.
    await expect
      .poll(() => badgeText(target.BankTransactionID), { timeout: 15_000 })
      .toBe('Push to Client Hub');
    // The badge is styled by its own stylesheet in its shadow root (adopted, or a <style> fallback).
    const badge = (
      await page.evaluateHandle((wanted) => {
        const host = document
          .querySelector(`a[href*="${wanted}"]`)
          ?.closest('tr')
          ?.querySelector('client-hub-badge');
        return host?.shadowRoot?.querySelector('button') ?? null;
      }, target.BankTransactionID)
    ).asElement() as ElementHandle<HTMLButtonElement> | null;
    if (!badge) throw new Error('no badge for the transaction');
    expect(
      await badge.evaluate((button) => {
        const root = button.getRootNode() as ShadowRoot;
        return root.adoptedStyleSheets.length + root.querySelectorAll('style').length;
      }),
    ).toBeGreaterThan(0);

    // Clicked twice, as an impatient user does: still one task.
    await badge.click({ count: 2 });
    await expect.poll(() => badgeText(target.BankTransactionID), { timeout: 15_000 }).toBe('Task: Open');
    const after = await tasksOf();
    expect(after.length - before.length).toBe(1);
    const made = after.filter(
      (t) => t.bankTransactionId.toLowerCase() === target.BankTransactionID.toLowerCase(),
    );
    expect(made).toHaveLength(1);
    expect(made[0]?.status).toBe('Open');
    // The list is XeroV2-shaped (the sandbox's default): payment and transfer rows offer no Push.
    expect(await page.$$eval('nav#wac-top-panel', (found) => found.length)).toBe(1);
    const others = await page.$$eval('#bankTransactionList tr', (rows) =>
      rows
        .filter((row) => /^(Payment: |Bank Transfer)/.test(row.lastElementChild?.textContent ?? ''))
        .map(
          (row) =>
            /bankTransactionID=([0-9a-f-]+)/.exec(row.querySelector('a')?.getAttribute('href') ?? '')?.[1] ??
            '',
        ),
    );
    expect(others.length).toBeGreaterThan(1);
    for (const id of others.slice(0, 4)) {
      await showRow(id);
      await expect.poll(() => badgeText(id), { timeout: 15_000 }).toBe('Payment or transfer');
    }

    await page.close();
  });

  test('the single transaction page shows the task’s panel, styled by the content script’s stylesheet', async () => {
    const task = (await tasksOf()).find((t) => t.status === 'Open');
    if (!task) throw new Error('no open task');
    const page = await e2e.firefox.browser.newPage();
    await page.goto(
      `${e2e.sandbox.url}/Bank/ViewTransaction.aspx?bankTransactionID=${task.bankTransactionId}&tenant=${org.tenantId}`,
    );
    const panel = () =>
      page.evaluate(() => {
        const root = document.querySelector('client-hub-panel')?.shadowRoot;
        const section = root?.querySelector('.panel');
        return {
          status: root?.querySelector('[data-testid=panel-status]')?.textContent ?? null,
          // panel.css gives the panel 10px/12px of padding; unstyled, a <section> has none.
          padding: section ? getComputedStyle(section).padding : null,
        };
      });
    await expect.poll(async () => (await panel()).status, { timeout: 15_000 }).toMatch(/^Client Task: Open/);
    // The stylesheet is bundled into the content script and adopted by the panel's shadow root (or
    // given to it as a <style> where Firefox refuses the adoption): no file fetched from the page.
    expect((await panel()).padding).toBe('10px 12px');
    await page.close();
  });

  test('badges use Xero’s sans-serif, are never cut off and leave Xero’s rows and columns where they were', async () => {
    const task = (await tasksOf()).find((t) => t.status === 'Open');
    if (!task) throw new Error('no open task');
    const truth = await sandboxJson<XeroTransaction[] | { BankTransactions: XeroTransaction[] }>(
      e2e.sandbox,
      `/orgs/${org.tenantId}/bank-transactions`,
    );
    const account = (Array.isArray(truth) ? truth : truth.BankTransactions).find(
      (t) => t.BankTransactionID.toLowerCase() === task.bankTransactionId.toLowerCase(),
    )?.BankAccount.AccountID;
    if (!account) throw new Error('no account for the task');
    const page = await e2e.firefox.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${account}&tenant=${org.tenantId}&rows=50`,
    );
    await page.$eval(`a[href*="${task.bankTransactionId}"]`, (link) =>
      link.scrollIntoView({ block: 'center' }),
    );
    await expect
      .poll(async () => ((await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[]).map((b) => b.text), {
        timeout: 15_000,
      })
      .toEqual(expect.arrayContaining(['Task: Open', 'Push to Client Hub']));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const badges = (await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[];
    expectXeroLook(badges);
    const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'firefox-list-with-badges.png') });
    const withBadges = (await page.evaluate(TABLE_LAYOUT)) as TableLayout;
    await page.evaluate(REMOVE_BADGES);
    await page.screenshot({ path: path.join(shots, 'firefox-list-without-badges.png') });
    expect(withBadges.rows.length).toBeGreaterThan(10);
    expect(withBadges).toEqual(await page.evaluate(TABLE_LAYOUT));
    await page.close();
  });
});
