import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accountIdOf, connectAndSync, type E2E, readStore, sandboxOrgs, startE2E } from './support/harness';

/**
 * The Client Tasks page in headless Chromium with the built sandbox extension: record a client's
 * answer with a file, Close, and find the note and the attachment in the sandbox (its ground truth),
 * then the task shown as Closed on the Xero page's badge.
 */

interface Truth {
  BankTransactionID: string;
  BankAccount: { AccountID: string };
  Attachments: { FileName: string; ContentLength: number }[];
  History: { Changes: string; Details: string }[];
}

let e2e: E2E;
let options: Page;
let tenantId: string;

const storedTasks = (page: Page) =>
  readStore<{ id: string; bankTransactionId: string; status: string }>(page, 'clientTasks');

const truthOf = async (id: string) =>
  (await (
    await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${tenantId}/bank-transactions/${id}`)
  ).json()) as Truth;

beforeAll(async () => {
  e2e = await startE2E();
  const org = (await sandboxOrgs(e2e.sandbox))[0];
  if (!org) throw new Error('no organisation');
  tenantId = org.tenantId;
  const uncategorizedId = await accountIdOf(e2e.sandbox, tenantId, 'Uncategorized Expense');
  options = await connectAndSync(e2e, org, uncategorizedId);
});
afterAll(async () => {
  await e2e?.close();
});

test('record an answer with a file, Close, and Xero has the note and the attachment; the badge says Closed', async () => {
  const tasks = (await storedTasks(options)).filter((t) => t.status === 'Open');
  const task = tasks[0];
  if (!task) throw new Error('the sync made no open task');
  const before = await truthOf(task.bankTransactionId);

  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html#task=${task.id}`);
  const panel = page.getByTestId('task-panel');
  await panel.waitFor();
  await expect.poll(() => page.getByRole('tab', { name: /^Open/ }).textContent()).toMatch(/Open\s*\d+/);
  await panel.getByLabel('What the client said').fill('Stamps for the office post');
  await panel.getByLabel('Files (receipts, invoices; up to 10 MB each)').setInputFiles({
    name: 'stamps<receipt>.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4 stamps receipt'),
  });
  await panel.getByRole('button', { name: 'Remove stamps<receipt>.pdf' }).waitFor();
  // A 23-byte file reads "23 B", not "0.0 MB".
  expect(
    await panel.getByRole('listitem').filter({ hasText: 'stamps<receipt>.pdf' }).textContent(),
  ).toContain('23 B');
  await panel.getByRole('button', { name: 'Record answer' }).click();
  await expect.poll(() => panel.getByTestId('task-status').textContent()).toBe('Answered');
  await panel.getByRole('button', { name: 'Close', exact: true }).click();
  await expect.poll(() => panel.getByTestId('task-status').textContent(), { timeout: 30_000 }).toBe('Closed');
  // The Close's notice ends with its writes.
  await expect.poll(() => panel.getByText(/Writing to Xero/).count()).toBe(0);
  expect(await panel.getByRole('status').textContent()).toBe('Closed: Xero has the answer.');
  // The list says which age is which: the transaction's date, and how long the task has waited.
  await page.getByRole('columnheader', { name: 'Sort by transaction date' }).waitFor();
  await page.getByRole('columnheader', { name: 'Sort by task waiting' }).waitFor();

  const after = await truthOf(task.bankTransactionId);
  expect(after.Attachments.length).toBe(before.Attachments.length + 1);
  expect(after.Attachments.map((a) => a.FileName)).toContain('stamps-receipt-.pdf');
  expect(after.History.filter((h) => h.Changes === 'Note').map((h) => h.Details)).toEqual([
    "Client Hub: client's answer: Stamps for the office post",
  ]);
  await expect.poll(() => panel.getByText('in Xero History').count()).toBe(1);

  // The Closed tab lists it; the Xero page's badge shows it Closed.
  await page.getByRole('tab', { name: /^Closed/ }).click();
  await expect.poll(() => page.locator(`tr[data-task-id="${task.id}"]`).count()).toBe(1);
  const xero = await e2e.browser.context.newPage();
  await xero.goto(
    `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${after.BankAccount.AccountID}&tenant=${tenantId}&rows=300`,
  );
  const badge = xero
    .getByRole('row')
    .filter({ has: xero.locator(`a[href*="${task.bankTransactionId}"]`) })
    .getByRole('button');
  await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Task: Closed');
});

test('the page is keyboard usable: tabs by arrow keys, rows by arrows, Enter opens the panel', async () => {
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html`);
  const openTab = page.getByRole('tab', { name: /^Open/ });
  await openTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect
    .poll(() => page.getByRole('tab', { name: /^Answered/ }).getAttribute('aria-selected'))
    .toBe('true');
  await page.keyboard.press('ArrowLeft');
  const firstRow = page.locator('tr.row').first();
  await firstRow.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('task-panel').waitFor();
  expect(await page.locator('tr.row').count()).toBeLessThan(120);
});

test('the Client Tasks page, with a task’s panel open, passes axe with no serious violations', async () => {
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html`);
  await page.locator('tr.row').first().click();
  await page.getByTestId('task-panel').waitFor();
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
  await page.close();
});
