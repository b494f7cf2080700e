import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  askFrom,
  connectFirstCompany,
  pushableIn,
  storedTasksFrom,
  type XeroTransaction,
} from './support/connected';
import { type E2E, type SandboxOrg, startE2E } from './support/harness';

/**
 * "Push to Client Hub" inside Xero's pages (the sandbox's imitation of them), with the built sandbox
 * extension in headless Chromium. One connected company (A) whose "Uncategorized Expense" is monitored
 * and synced; another (B) left unconnected.
 */

let e2e: E2E;
let options: Page;
let a: SandboxOrg;
let b: SandboxOrg;
let transactions: XeroTransaction[];
let synced: XeroTransaction;
let uncategorizedId: string;

const base = () => e2e.sandbox.url;
const ask = <T>(message: Record<string, unknown>) => askFrom<T>(options, message);
const storedTasks = () => storedTasksFrom(options);

const listUrl = (accountId: string, org = a, rows = 300) =>
  `${base()}/Bank/BankTransactions.aspx?accountID=${accountId}&tenant=${org.tenantId}&rows=${rows}`;
const rowOf = (page: Page, id: string) =>
  page.getByRole('row').filter({ has: page.locator(`a[href*="${id}"]`) });
const badgeOf = (page: Page, id: string) => rowOf(page, id).getByRole('button');
/** A person scrolls to the row they work on. */
const showRow = (page: Page, id: string) => page.locator(`a[href*="${id}"]`).first().scrollIntoViewIfNeeded();

/** A Spend Money transaction of A in the same bank account as `synced`, with no task. */
const pushable = (exclude: string[]) =>
  pushableIn({ transactions, synced, uncategorizedId }, (id) => exclude.includes(id));

beforeAll(async () => {
  e2e = await startE2E();
  ({ a, b, options, transactions, synced, uncategorizedId } = await connectFirstCompany(e2e));
});
afterAll(async () => {
  await e2e?.close();
});

/** GET /BankTransactions/{id} calls Xero (the sandbox) has seen for one transaction. */
async function xeroReadsOf(id: string): Promise<number> {
  const log = (await (await fetch(`${base()}/__sandbox/requests`)).json()) as {
    recent: { method: string; path: string }[];
  };
  return log.recent.filter(
    (r) => r.method === 'GET' && r.path.toLowerCase().includes(`/banktransactions/${id}`),
  ).length;
}

const hostSelector = 'client-hub-badge';
const countBadges = (page: Page) => page.locator(hostSelector).count();

describe('badges in Xero’s pages', () => {
  test('every transaction row of the list gets a badge; the sync’s task shows its status', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl(synced.BankAccount.AccountID));
    const links = await page.locator('a[href*="bankTransactionID="]').count();
    expect(links).toBeGreaterThan(10);
    await expect.poll(() => countBadges(page)).toBe(links);
    // Every badge is drawn ahead of the reader: the last row's too, without scrolling to it (a
    // screen reader finds them all), and drawing moves nothing.
    const lastRow = page
      .getByRole('row')
      .filter({ has: page.locator(hostSelector) })
      .last();
    const lastHost = lastRow.locator(hostSelector);
    const heightBefore = await page.evaluate(() => document.documentElement.scrollHeight);
    // Ids the sync has not seen are checked with Xero before Push is offered: a round trip.
    await expect
      .poll(() => lastHost.evaluate((host) => host.shadowRoot?.querySelector('[data-state]') !== null), {
        timeout: 15_000,
      })
      .toBe(true);
    expect(await page.evaluate(() => scrollY)).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(heightBefore);

    await showRow(page, synced.BankTransactionID);
    await expect.poll(() => badgeOf(page, synced.BankTransactionID).textContent()).toBe('Task: Open');
    const other = pushable([]);
    await showRow(page, other.BankTransactionID);
    await expect
      .poll(() => badgeOf(page, other.BankTransactionID).getAttribute('data-state'), { timeout: 15_000 })
      .toBe('none');
    expect(await badgeOf(page, other.BankTransactionID).textContent()).toBe('Push to Client Hub');
    // Badges move nothing: the page is as tall with them as without them.
    const heights = await page.evaluate(() => {
      const withBadges = document.documentElement.scrollHeight;
      for (const host of document.querySelectorAll('client-hub-badge')) host.remove();
      return { withBadges, without: document.documentElement.scrollHeight };
    });
    expect(heights.withBadges).toBe(heights.without);
    await page.close();
  });

  test('a double click creates exactly one task, read from Xero, and the badge turns into its status', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl(synced.BankAccount.AccountID));
    const target = pushable([]);
    await showRow(page, target.BankTransactionID);
    const badge = badgeOf(page, target.BankTransactionID);
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Push to Client Hub');
    const before = await storedTasks();
    await badge.dblclick();
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Task: Open');
    const after = await storedTasks();
    expect(after.length - before.length).toBe(1);
    expect(after.filter((t) => t.bankTransactionId === target.BankTransactionID)).toHaveLength(1);
    // The task came from Xero's answer, read once for both clicks.
    expect(await xeroReadsOf(target.BankTransactionID)).toBe(1);
    await page.close();
  });

  test('two tabs pushing the same transaction make one task, and each tab shows it', async () => {
    const [one, two] = [await e2e.browser.context.newPage(), await e2e.browser.context.newPage()];
    const target = pushable((await storedTasks()).map((t) => t.bankTransactionId));
    await Promise.all([
      one.goto(listUrl(synced.BankAccount.AccountID)),
      two.goto(listUrl(synced.BankAccount.AccountID)),
    ]);
    for (const page of [one, two]) await showRow(page, target.BankTransactionID);
    for (const page of [one, two])
      await expect
        .poll(() => badgeOf(page, target.BankTransactionID).textContent(), { timeout: 15_000 })
        .toBe('Push to Client Hub');
    const before = (await storedTasks()).length;
    await Promise.all([
      badgeOf(one, target.BankTransactionID).click(),
      badgeOf(two, target.BankTransactionID).click(),
    ]);
    for (const page of [one, two])
      await expect
        .poll(() => badgeOf(page, target.BankTransactionID).textContent(), { timeout: 15_000 })
        .toBe('Task: Open');
    expect((await storedTasks()).length - before).toBe(1);
    expect(await xeroReadsOf(target.BankTransactionID)).toBe(1);
    await Promise.all([one.close(), two.close()]);
  });

  test('a push in one tab reaches another open tab without a reload', async () => {
    const [one, two] = [await e2e.browser.context.newPage(), await e2e.browser.context.newPage()];
    const target = pushable((await storedTasks()).map((t) => t.bankTransactionId));
    await one.goto(listUrl(synced.BankAccount.AccountID));
    await two.goto(listUrl(synced.BankAccount.AccountID));
    for (const page of [one, two]) await showRow(page, target.BankTransactionID);
    await expect
      .poll(() => badgeOf(two, target.BankTransactionID).textContent(), { timeout: 15_000 })
      .toBe('Push to Client Hub');
    await badgeOf(one, target.BankTransactionID).click();
    await expect
      .poll(() => badgeOf(two, target.BankTransactionID).textContent(), { timeout: 15_000 })
      .toBe('Task: Open');
    await Promise.all([one.close(), two.close()]);
  });

  test('a status changed by the sync reaches the open page without a reload', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl(synced.BankAccount.AccountID));
    await showRow(page, synced.BankTransactionID);
    const badge = badgeOf(page, synced.BankTransactionID);
    await expect.poll(() => badge.textContent()).toBe('Task: Open');
    // Someone codes it properly in Xero; the next sync resolves the task.
    const edited = await fetch(
      `${base()}/__sandbox/orgs/${a.tenantId}/bank-transactions/${synced.BankTransactionID}`,
      {
        method: 'PATCH',
        body: JSON.stringify({ recategorise: { accountCode: '429' } }),
      },
    );
    expect(edited.status).toBe(200);
    await ask({ type: 'sync.now', tenantId: a.tenantId });
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toBe('Task: Resolved in Xero');
    await page.close();
  });

  test('the badge menu opens the task on the Client Tasks page; everything works from the keyboard', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl(synced.BankAccount.AccountID));
    await showRow(page, synced.BankTransactionID);
    const badge = badgeOf(page, synced.BankTransactionID);
    await expect.poll(() => badge.getAttribute('data-state')).toBe('task');
    await badge.focus();
    await page.keyboard.press('Enter');
    const item = page.getByRole('menuitem', { name: 'Open task' });
    await expect
      .poll(() => item.evaluate((el) => el.getRootNode() instanceof ShadowRoot && el.matches(':focus')))
      .toBe(true);
    const opened = e2e.browser.context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const tasksPage = await opened;
    const task = (await storedTasks()).find((t) => t.bankTransactionId === synced.BankTransactionID);
    expect(tasksPage.url()).toBe(`chrome-extension://${e2e.browser.extensionId}/tasks.html#task=${task?.id}`);
    await tasksPage.close();
    // Escape closes the menu and gives focus back to the badge.
    await badge.focus();
    await page.keyboard.press('Enter');
    await item.waitFor();
    await page.keyboard.press('Escape');
    await item.waitFor({ state: 'detached' });
    expect(await badge.evaluate((el) => el.matches(':focus'))).toBe(true);
    await page.close();
  });

  test('the single transaction page shows a panel with the task’s status and latest activity', async () => {
    const page = await e2e.browser.context.newPage();
    const withTask = (await storedTasks()).find((t) => t.status === 'Open');
    await page.goto(
      `${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${withTask?.bankTransactionId}&tenant=${a.tenantId}`,
    );
    const panel = page.getByRole('region', { name: 'Client Hub' });
    await expect
      .poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 15_000 })
      .toMatch(/^Client Task: Open · Task created from Xero/);
    await panel.getByRole('button', { name: 'Open task' }).waitFor();

    const fresh = pushable((await storedTasks()).map((t) => t.bankTransactionId));
    await page.goto(
      `${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${fresh.BankTransactionID}&tenant=${a.tenantId}`,
    );
    await panel.getByRole('button', { name: 'Push to Client Hub' }).click();
    await expect
      .poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 15_000 })
      .toMatch(/^Client Task: Open · Task created from Xero \(Push to Client Hub\)/);
    await page.close();
  });

  test('the script-rendered page gets badges after in-app navigation, without a reload', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(`${base()}/app/${a.shortCode}/bank`);
    await page.getByTestId('app-accounts').waitFor();
    expect(await countBadges(page)).toBe(0);
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    await page.locator(`a[href$="/bank/account/${synced.BankAccount.AccountID}"]`).click();
    await page.getByTestId('app-transactions').waitFor();
    const links = await page.locator('a[href*="bankTransactionID="]').count();
    expect(links).toBeGreaterThan(10);
    await expect.poll(() => countBadges(page), { timeout: 15_000 }).toBe(links);
    await showRow(page, synced.BankTransactionID);
    await expect.poll(() => badgeOf(page, synced.BankTransactionID).textContent()).toMatch(/^Task: /);
    // Back to the list: the old badges are cleaned up with their rows.
    await page.getByRole('link', { name: 'All bank accounts' }).click();
    await page.getByTestId('app-accounts').waitFor();
    await expect.poll(() => countBadges(page)).toBe(0);
    expect(loads).toEqual([]);
    await page.close();
  });

  test('a page of an organisation that is not connected shows no badges, and Admins one discreet hint', async () => {
    const page = await e2e.browser.context.newPage();
    const full = (await (await fetch(`${base()}/__sandbox/orgs`)).json()) as {
      tenantId: string;
      accounts: { AccountID: string; BankAccountType?: string }[];
    }[];
    const bankAccount = full
      .find((o) => o.tenantId === b.tenantId)
      ?.accounts.find((x) => x.BankAccountType === 'BANK');
    await page.goto(listUrl(bankAccount?.AccountID ?? '', b));
    expect(await page.locator('a[href*="bankTransactionID="]').count()).toBeGreaterThan(10);
    await page.getByRole('complementary', { name: 'Client Hub' }).waitFor();
    expect(await countBadges(page)).toBe(0);
    expect(await page.getByRole('button', { name: 'Push to Client Hub' }).count()).toBe(0);
    await page.close();
  });

  test('a hostile contact name renders as text beside a working badge', async () => {
    const hostile = transactions.find(
      (t) => t.Contact?.Name === '<img src=x onerror=alert(1)>' && t.Status === 'AUTHORISED',
    );
    if (!hostile) throw new Error('the seed has no hostile contact in A');
    const page = await e2e.browser.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(listUrl(hostile.BankAccount.AccountID, a, 2000));
    const link = page.locator(`a[href*="${hostile.BankTransactionID}"]`);
    expect(await link.textContent()).toBe('<img src=x onerror=alert(1)>');
    await link.scrollIntoViewIfNeeded();
    // Ids the sync has not seen are checked with Xero before Push is offered: a round trip.
    await expect
      .poll(() => badgeOf(page, hostile.BankTransactionID).getAttribute('data-state'), { timeout: 15_000 })
      .not.toBeNull();
    await page.goto(
      `${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${hostile.BankTransactionID}&tenant=${a.tenantId}`,
    );
    await page.getByRole('region', { name: 'Client Hub' }).waitFor();
    // No image anywhere, shadow roots included (Playwright's css engine pierces open shadow roots).
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
