import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ClientTask, clientTaskSchema } from '@/lib/sync/records';
import { compareTasks, FULL_LIST_MAX } from '@/lib/tasks/task-list';
import { type LaunchedExtension, launchWithExtension } from '../../scripts/chromium';
import { EXTENSION_DIR } from './support/harness';

/**
 * A tab larger than the page holds whole (a firm's pulled tasks): the table shows windows of rows
 * read from the sort's index, and every behaviour of the page still works on it: counts, sort both
 * ways to the last row, bank-account filter, search, select-all and CSV.
 */

const COUNT = FULL_LIST_MAX + 200;
const ACCOUNTS = ['Business Cheque', 'Savings', 'Credit Card'];

function task(i: number): ClientTask {
  return clientTaskSchema.parse({
    id: `large-${i}`,
    tenantId: 'large-tenant',
    workspaceId: 'large-ws',
    bankTransactionId: `large-tx-${String(i).padStart(6, '0')}`,
    status: 'Open',
    snapshot: {
      date: `2026-${String(1 + (i % 11)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      contactName: `Contact ${i % 700}`,
      description: `Card payment ${i} ${i % 50 === 0 ? 'stationery' : 'fuel'}`,
      reference: `REF-${i}`,
      amount: Math.round((5 + ((i * 7919) % 100_000) / 100) * 100) / 100,
      currency: 'NZD',
      bankAccount: { id: `bank-${i % 3}`, name: ACCOUNTS[i % 3] },
      accountCoded: { id: 'uncat', code: '999', name: 'Uncategorized Expense' },
      hasAttachments: false,
      attachmentCount: 0,
      type: 'SPEND',
      xeroStatus: 'AUTHORISED',
    },
    createdAt: 1_780_000_000_000 - (i % 90) * 86_400_000,
    updatedAt: 1_780_000_000_000,
  });
}

const tasks = Array.from({ length: COUNT }, (_, i) => task(i));
let browser: LaunchedExtension;
let page: Page;

beforeAll(async () => {
  browser = await launchWithExtension(EXTENSION_DIR, { headless: true });
  page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/tasks.html`);
  await page.getByRole('heading', { name: 'Client Tasks' }).waitFor();
  await page.evaluate(
    (tasks) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('client-hub');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['clientTasks', 'workspaces'], 'readwrite');
          tx.objectStore('workspaces').put({ id: 'large-ws', name: 'Large Ltd', createdAt: 1 });
          for (const t of tasks) tx.objectStore('clientTasks').put(t);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    tasks,
  );
  await page.reload();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

const rowIds = () =>
  page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task-id')));
const shows = (text: string) =>
  page
    .getByTestId('task-count')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .waitFor({ timeout: 30_000 });

async function scrollTableTo(where: 'top' | 'bottom') {
  await page.getByTestId('task-table').evaluate((el, where) => {
    el.scrollTop = where === 'top' ? 0 : el.scrollHeight;
  }, where);
}

test('a tab over FULL_LIST_MAX: counts, rows from the index in each sort to the last row, bank accounts', async () => {
  await shows(`${COUNT} tasks`);
  await page.locator('table[aria-busy="false"]').waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByRole('tab', { name: /^Open/ }).textContent()).toBe(`Open ${COUNT}`);
  // The default sort: transaction date, newest first.
  const byDate = [...tasks].sort(compareTasks('date', true)).map((t) => t.id);
  await expect
    .poll(async () => (await rowIds()).slice(0, 5), { timeout: 15_000 })
    .toEqual(byDate.slice(0, 5));
  expect(await page.locator('tr.row').count()).toBeLessThan(120);

  await page.getByRole('button', { name: 'Sort by amount' }).click();
  const byAmount = [...tasks].sort(compareTasks('amount', true)).map((t) => t.id);
  await expect
    .poll(async () => (await rowIds()).slice(0, 5), { timeout: 15_000 })
    .toEqual(byAmount.slice(0, 5));
  await page.getByRole('button', { name: 'Sort by amount' }).click();
  const byAmountUp = [...tasks].sort(compareTasks('amount', false)).map((t) => t.id);
  await scrollTableTo('bottom');
  await expect
    .poll(async () => (await rowIds()).slice(-3), { timeout: 15_000 })
    .toEqual(byAmountUp.slice(-3));
  await scrollTableTo('top');

  const accounts = await page
    .getByLabel('Bank account')
    .locator('option')
    .evaluateAll((options) => options.map((o) => o.textContent));
  expect(accounts).toEqual(['All', 'Business Cheque', 'Credit Card', 'Savings']);
});

test('search and the bank-account filter read the large tab whole, and clearing them returns to windows', async () => {
  await page.getByRole('searchbox', { name: 'Search' }).fill('stationery');
  const matching = tasks.filter((t) => t.snapshot.description.includes('stationery'));
  await shows(`${matching.length} tasks`);
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await shows(`${COUNT} tasks`);

  await page.getByLabel('Bank account').selectOption({ label: 'Savings' });
  await shows(`${tasks.filter((t) => t.snapshot.bankAccount.name === 'Savings').length} tasks`);
  await page.getByLabel('Bank account').selectOption({ label: 'All' });
  await shows(`${COUNT} tasks`);
});

test('select-all and CSV take every task of the large tab', async () => {
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByRole('button', { name: /^Export CSV/ }).click();
  const csv = await readFile((await (await download).path()) as string, 'utf8');
  expect(csv.trim().split(/\r?\n/)).toHaveLength(COUNT + 1);

  // A click, not check(): the box is ticked once the tab is read whole, not at the click.
  await page.getByRole('checkbox', { name: 'Select all tasks in this list' }).click();
  await page.getByText(`${COUNT} selected`).waitFor({ timeout: 60_000 });
  await page.getByRole('checkbox', { name: 'Select all tasks in this list' }).click();
  await page.getByText('0 selected').waitFor();
});
