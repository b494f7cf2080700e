import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accountIdOf, connectAndSync, type E2E, readStore, sandboxOrgs, startE2E } from './support/harness';

/**
 * A contact name from Xero with an unmatched RIGHT-TO-LEFT OVERRIDE once showed "12.34 NZD" after it
 * as "DZN 43.21". Here the amount is measured where Chromium draws it, character by character: on the
 * Client Tasks page (row and panel) and beside the badge on the Xero page.
 */

const HOSTILE_CONTACT = 'Reversed \u202eLtd';
const AMOUNT = 12.34;

let e2e: E2E;
let options: Page;
let tenantId: string;
let bankTransactionId: string;
let bankAccountId: string;
let currency: string;

beforeAll(async () => {
  e2e = await startE2E();
  const org = (await sandboxOrgs(e2e.sandbox))[0];
  if (!org) throw new Error('no organisation');
  tenantId = org.tenantId;
  const uncategorized = await accountIdOf(e2e.sandbox, tenantId, 'Uncategorized Expense');
  const clock = (await (await fetch(`${e2e.sandbox.url}/__sandbox/clock`)).json()) as { now: number };
  const created = (await (
    await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${tenantId}/bank-transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'SPEND',
        contactName: HOSTILE_CONTACT,
        date: new Date(clock.now - 2 * 86_400_000).toISOString().slice(0, 10),
        lineItems: [{ description: 'Card payment', amount: AMOUNT, accountId: uncategorized }],
      }),
    })
  ).json()) as { BankTransactionID: string; BankAccount: { AccountID: string }; CurrencyCode: string };
  bankTransactionId = created.BankTransactionID.toLowerCase();
  bankAccountId = created.BankAccount.AccountID;
  currency = created.CurrencyCode;

  options = await connectAndSync(e2e, org, uncategorized);
});
afterAll(async () => {
  await e2e?.close();
});

/**
 * The characters of `locator`'s text in the order Chromium draws them, left to right (from each
 * character's box: a Range per character, as a reader's eye goes along the line).
 */
function drawnOrder(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const boxes: { char: string; left: number }[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width > 0) boxes.push({ char: text.charAt(i), left: box.left });
      }
    }
    return boxes
      .sort((a, b) => a.left - b.left)
      .map((b) => b.char)
      .join('');
  });
}

test('the measuring itself can fail: the same words without isolation draw the amount backwards', async () => {
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html`);
  const control = await page.evaluateHandle((words) => {
    const h2 = document.createElement('h2');
    h2.textContent = words;
    document.body.append(h2);
    return h2;
  }, `${HOSTILE_CONTACT} · 12.34 NZD`);
  const drawn = await drawnOrder(page.locator('body > h2').last());
  expect(drawn).toContain('DZN 43.21');
  await control.dispose();
  await page.close();
});

test('on the Client Tasks page, the row and the panel draw the amount left to right, isolated', async () => {
  const task = (await readStore<{ id: string; bankTransactionId: string }>(options, 'clientTasks')).find(
    (t) => t.bankTransactionId === bankTransactionId,
  );
  if (!task) throw new Error('the sync made no task for the hostile transaction');
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html#task=${task.id}`);
  const panel = page.getByTestId('task-panel');
  await panel.waitFor();
  const money = `12.34 ${currency}`;

  const heading = panel.getByRole('heading', { level: 2 });
  const amount = heading.getByTestId('amount');
  expect(await amount.evaluate((e) => [e.tagName, e.getAttribute('dir')])).toEqual(['BDI', 'ltr']);
  expect(await drawnOrder(amount)).toBe(money);
  // The whole heading: the contact's override stays inside its own <bdi>, the amount reads right after.
  const line = await drawnOrder(heading);
  expect(line).toMatch(new RegExp(`· ${money.replace('.', '\\.')}$`));
  expect(line).not.toContain('DZN');
  expect(
    await heading
      .locator('bdi')
      .first()
      .evaluate((e) => getComputedStyle(e).unicodeBidi),
  ).toBe('isolate');

  const row = page.locator(`tr[data-task-id="${task.id}"]`);
  await row.waitFor();
  expect(await drawnOrder(row.getByTestId('amount'))).toBe(money);
  expect(await row.locator('bdi').first().textContent()).toBe(HOSTILE_CONTACT);
  await page.close();
});

test('on the Xero page, the badge beside the hostile contact is isolated and reads left to right', async () => {
  const xero = await e2e.browser.context.newPage();
  await xero.goto(
    `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${bankAccountId}&tenant=${tenantId}&rows=300`,
  );
  const row = xero.getByRole('row').filter({ has: xero.locator(`a[href*="${bankTransactionId}"]`) });
  const badge = row.getByRole('button');
  await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Task: Open');
  expect(await drawnOrder(badge)).toBe('Task: Open');
  const host = row.locator('client-hub-badge');
  expect(await host.evaluate((e) => getComputedStyle(e).unicodeBidi)).toBe('isolate');
  // Xero's own cell shows the raw name; the badge's words are still ours, in order.
  expect(await row.textContent()).toContain(HOSTILE_CONTACT);
  await xero.close();
});
