import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectFirstCompany, pushableIn, type XeroTransaction } from './support/connected';
import { type E2E, type SandboxOrg, startE2E } from './support/harness';

/**
 * Xero's pages as they are in 2026 (sandbox/pages, `?header=`): the content script finds the right
 * company under every header Xero has had, offers Push only on bank transactions, leaves reconcile's
 * redrawn rows alone, and places the transaction panel in the content, never in the navigation.
 * One connected company (A, Spend Money only, "Uncategorized Expense" monitored and synced).
 */

let e2e: E2E;
let a: SandboxOrg;
let transactions: XeroTransaction[];
let synced: XeroTransaction;
let uncategorizedId: string;
const pushed = new Set<string>();

const base = () => e2e.sandbox.url;
const HEADERS = ['xerov2', 'narrow', 'no-name', 'xrh', 'xnav'] as const;

/** `header` only through the page's URL; the organisation through the session (`tenant=`), as Xero's. */
const listUrl = (header: string, extra = '') =>
  `${base()}/Bank/BankTransactions.aspx?accountID=${synced.BankAccount.AccountID}&tenant=${a.tenantId}&header=${header}&pageSize=200${extra}`;
const linkOf = (page: Page, id: string) => page.locator(`#bankTransactionList a[href*="${id}"]`).first();
const badgeOf = (page: Page, id: string) =>
  page
    .locator('#bankTransactionList tr')
    .filter({ has: page.locator(`a[href*="${id}"]`) })
    .getByRole('button');
async function stateOf(page: Page, id: string) {
  await linkOf(page, id).scrollIntoViewIfNeeded();
  const badge = badgeOf(page, id);
  await expect.poll(() => badge.getAttribute('data-state'), { timeout: 15_000 }).not.toBe('loading');
  await expect.poll(() => badge.count()).toBe(1);
  return { state: await badge.getAttribute('data-state'), text: await badge.textContent() };
}
/** Rows of a kind ("Payment: ", "Bank Transfer", "Spend Money"), by the id their link carries. */
async function idsOfRows(page: Page, source: string): Promise<string[]> {
  return page
    .locator('#bankTransactionList tr')
    .evaluateAll(
      (rows, wanted) =>
        rows
          .filter((row) => row.lastElementChild?.textContent?.startsWith(wanted))
          .map(
            (row) =>
              /bankTransactionID=([0-9a-f-]+)/.exec(
                row.querySelector('a')?.getAttribute('href') ?? '',
              )?.[1] ?? '',
          ),
      source,
    );
}
/** A fresh Spend Money transaction to push, never the same twice. */
function pushable(): XeroTransaction {
  const found = pushableIn({ transactions, synced, uncategorizedId }, (id) => pushed.has(id));
  pushed.add(found.BankTransactionID);
  return found;
}

beforeAll(async () => {
  e2e = await startE2E();
  ({ a, transactions, synced, uncategorizedId } = await connectFirstCompany(e2e));
  // The first organisation's short code has "!" and "-" after the first "!".
  expect(a.shortCode.slice(1)).toMatch(/[!-]/);
});
afterAll(async () => {
  await e2e?.close();
});

describe('Xero’s pages as they are in 2026', () => {
  test.each(HEADERS)(
    'header %s: badges for the right company, live statuses, no Push on payments and transfers',
    async (header) => {
      const page = await e2e.browser.context.newPage();
      await page.goto(listUrl(header));
      await page.locator('table#bankTransactions').waitFor();
      // The right company: A's synced task shows its status.
      expect(await stateOf(page, synced.BankTransactionID)).toEqual({ state: 'task', text: 'Task: Open' });
      // A push turns the badge into the new task's status, live.
      const target = pushable();
      expect(await stateOf(page, target.BankTransactionID)).toEqual({
        state: 'none',
        text: 'Push to Client Hub',
      });
      await badgeOf(page, target.BankTransactionID).click();
      await expect
        .poll(() => badgeOf(page, target.BankTransactionID).textContent(), { timeout: 15_000 })
        .toBe('Task: Open');

      const [payment] = await idsOfRows(page, 'Payment: ');
      const [transfer] = await idsOfRows(page, 'Bank Transfer');
      const receive = transactions.find(
        (t) =>
          t.Type === 'RECEIVE' &&
          t.Status === 'AUTHORISED' &&
          t.BankAccount.AccountID === synced.BankAccount.AccountID,
      );
      if (!payment || !transfer || !receive)
        throw new Error('the list needs a payment, a transfer and Receive Money');
      for (const id of [payment, transfer]) {
        expect(await stateOf(page, id)).toEqual({ state: 'other', text: 'Payment or transfer' });
        // Clicking says what it is and pushes nothing.
        await badgeOf(page, id).click();
        await expect
          .poll(() =>
            page
              .getByRole('status')
              .filter({ hasText: 'Client Tasks are for Spend and Receive Money' })
              .count(),
          )
          .toBeGreaterThan(0);
        await page.keyboard.press('Escape');
      }
      // Push follows the company's chosen types: A takes Spend Money only.
      expect(await stateOf(page, receive.BankTransactionID)).toEqual({
        state: 'other',
        text: 'Receive Money',
      });
      expect(await page.getByRole('complementary', { name: 'Client Hub' }).count()).toBe(0);
      await page.close();
    },
  );

  test('no Push is ever offered for a payment or transfer row, and none reaches Xero', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl('xerov2'));
    const ids = [...(await idsOfRows(page, 'Payment: ')), ...(await idsOfRows(page, 'Bank Transfer'))];
    expect(ids.length).toBeGreaterThan(2);
    for (const id of ids) expect((await stateOf(page, id)).state).toBe('other');
    const log = (await (await fetch(`${base()}/__sandbox/requests`)).json()) as {
      recent: { path: string }[];
    };
    for (const id of ids)
      expect(log.recent.some((r) => r.path.toLowerCase().includes(`/banktransactions/${id}`))).toBe(false);
    await page.close();
  });

  test('reconcile: nothing is inserted into the statement lines Xero redraws', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(
      `${base()}/BankRec/BankRec.aspx?accountID=${synced.BankAccount.AccountID}&tenant=${a.tenantId}&redrawMs=400`,
    );
    const lines = page.locator('#statementLines .line');
    await expect.poll(() => lines.count()).toBeGreaterThan(0);
    const count = await lines.count();
    // Several redraws later, still nothing of ours in them.
    await expect
      .poll(() => page.locator('#statementLines').getAttribute('data-redraws'), { timeout: 10_000 })
      .toMatch(/^([4-9]|\d\d+)$/);
    expect(
      await page.locator('#statementLines [class^="client-hub"], #statementLines client-hub-badge').count(),
    ).toBe(0);
    expect(await page.locator('#statementLines').evaluate((root) => root.querySelectorAll('*').length)).toBe(
      await page
        .locator('#statementLines')
        .evaluate((root) => root.querySelectorAll('.line, .line *').length),
    );
    expect(await lines.count()).toBe(count);
    await page.close();
  });

  test.each(HEADERS)(
    'header %s: the transaction panel sits in the content, never in the navigation',
    async (header) => {
      const page = await e2e.browser.context.newPage();
      await page.goto(
        `${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${synced.BankTransactionID}&tenant=${a.tenantId}&header=${header}`,
      );
      const panel = page.getByRole('region', { name: 'Client Hub' });
      await expect
        .poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 15_000 })
        .toMatch(/^Client Task: Open/);
      const place = await page.locator('client-hub-panel').evaluate((host) => ({
        inNavigation: host.closest('nav, #wac-top-panel, #shell-nav, .xnav-header, .xrh-header') !== null,
        afterHeading:
          host.previousElementSibling?.tagName === 'H1' ||
          host.parentElement?.classList.contains('xui-pageheading'),
        docked: host.hasAttribute('data-docked'),
      }));
      expect(place).toEqual({ inNavigation: false, afterHeading: true, docked: false });
      await page.close();
    },
  );

  test('a transaction page without a heading docks the panel instead of dropping it', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(
      `${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${synced.BankTransactionID}&tenant=${a.tenantId}&heading=0`,
    );
    const panel = page.getByRole('region', { name: 'Client Hub' });
    await expect
      .poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 15_000 })
      .toMatch(/^Client Task: Open/);
    const host = page.locator('client-hub-panel');
    expect(await host.getAttribute('data-docked')).toBe('');
    expect(await host.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    expect(await host.evaluate((el) => el.closest('nav, #wac-top-panel') === null)).toBe(true);
    expect(await panel.isVisible()).toBe(true);
    await page.close();
  });

  test('a payment’s own page says what it is and offers no Push', async () => {
    const page = await e2e.browser.context.newPage();
    await page.goto(listUrl('xerov2'));
    const [payment] = await idsOfRows(page, 'Payment: ');
    await page.goto(`${base()}/Bank/ViewTransaction.aspx?bankTransactionID=${payment}&tenant=${a.tenantId}`);
    const panel = page.getByRole('region', { name: 'Client Hub' });
    await expect
      .poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 15_000 })
      .toContain('Client Tasks are for Spend and Receive Money');
    expect(await panel.getByRole('button').count()).toBe(0);
    await page.close();
  });
});
