import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { backfillFromDate } from '@/lib/sync';
import { isolated } from '@/lib/text/hostile';
import { expectedTaskIds, groundTruth } from '../integration/sync/support';
import {
  answerXeroSignIn,
  type E2E,
  fillFirstRun,
  readStore,
  startE2E,
  stopServiceWorker,
} from './support/harness';

let e2e: E2E;
let page: Page;

beforeAll(async () => {
  // Enough Spend Money for several pages of 1,000 in the 90 days.
  e2e = await startE2E({ seed: 21, scale: 9000 });
  page = await e2e.options();
});
afterAll(async () => {
  await e2e?.close();
});

interface OrgInfo {
  tenantId: string;
  name: string;
  timezone: string;
  accounts: { AccountID: string; Name: string }[];
}

test('a service worker stopped mid-backfill resumes, and every qualifying transaction has exactly one task', async () => {
  const orgs = (await (await fetch(`${e2e.sandbox.url}/__sandbox/orgs`)).json()) as OrgInfo[];
  const users = (await (await fetch(`${e2e.sandbox.url}/__sandbox/users`)).json()) as {
    email: string;
    tenantIds: string[];
  }[];
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  const org = orgs.find((o) => demo?.tenantIds.includes(o.tenantId));
  if (!org) throw new Error('no organisation for the demo user');

  await fillFirstRun(page, { name: 'Ada Admin', email: 'ada@firm.test', role: 'Admin' });
  await answerXeroSignIn(
    e2e.browser.context,
    () => page.getByRole('button', { name: '+ Add Another Xero company' }).click(),
    [org.name],
  );
  const workspace = page.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
  await workspace.getByRole('button', { name: 'Link workspace' }).click();

  // Every page of transactions now takes a while, so the worker can be stopped between pages.
  await fetch(`${e2e.sandbox.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'slow',
      delayMs: 1500,
      count: 50,
      pathPrefix: '/api.xro/2.0/BankTransactions',
    }),
  });

  await page.getByRole('button', { name: new RegExp(`^Manage Accounts.*${org.name}`) }).click();
  const dialog = page.getByRole('dialog', { name: `Manage Accounts: ${isolated(org.name)}` });
  const chosen = ['Uncategorized Expense', 'Suspense'];
  for (const name of chosen) await dialog.getByRole('checkbox', { name: new RegExp(name) }).check();
  await dialog.getByRole('button', { name: 'Save and find transactions' }).click();

  // The progress bar shows the backfill; once a page is in, stop the worker.
  const progress = page.getByTestId('sync-progress');
  await progress.waitFor({ timeout: 30_000 });
  await expect
    .poll(async () => (await readStore<{ tenantId: string }>(page, 'clientTasks')).length, {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  const before = (
    await readStore<{ state: string; scanned: number; expected: number | null }>(page, 'syncRuns')
  ).find((r) => r.state === 'running');
  // Stopped part-way: some pages in, more to come.
  expect(before?.scanned).toBeGreaterThan(0);
  expect(before?.scanned).toBeLessThan(before?.expected ?? 0);
  await stopServiceWorker(page);

  // The next thing that wakes the worker (here: Check for new transactions) resumes from the cursor.
  await page.getByRole('button', { name: 'Check for new transactions' }).click();
  // Its answer is "Name: …". The "Stopped looking at Name’s transactions" notice of the interrupted
  // backfill can appear first, while the resumed sync is still reading.
  const answered = new RegExp(`${org.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\u2069?: `);
  await page.getByRole('status').filter({ hasText: answered }).waitFor({ timeout: 90_000 });

  const monitored = new Set(
    org.accounts.filter((a) => chosen.includes(a.Name)).map((a) => a.AccountID.toLowerCase()),
  );
  const expected = expectedTaskIds(
    await groundTruth(e2e.sandbox, org.tenantId),
    monitored,
    backfillFromDate(Date.now(), org.timezone),
  );
  const tasks = await readStore<{ tenantId: string; bankTransactionId: string; status: string }>(
    page,
    'clientTasks',
  );
  const ids = tasks.filter((t) => t.tenantId === org.tenantId).map((t) => t.bankTransactionId.toLowerCase());
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids)).toEqual(expected);
  expect(expected.size).toBeGreaterThan(100);
  const runs = await readStore<{ state: string }>(page, 'syncRuns');
  expect(runs.some((r) => r.state === 'interrupted' || r.state === 'aborted')).toBe(true);
});

test('the popup shows health and open tasks per workspace, and the toolbar badge counts them', async () => {
  const tasks = await readStore<{ status: string }>(page, 'clientTasks');
  const open = tasks.filter((t) => t.status === 'Open' || t.status === 'Answered').length;
  const popup = await e2e.browser.context.newPage();
  await popup.goto(`chrome-extension://${e2e.browser.extensionId}/popup.html`);
  await popup.getByRole('img', { name: 'Healthy' }).first().waitFor();
  const list = popup.getByTestId('open-tasks');
  await list.waitFor();
  expect(await list.textContent()).toContain(`${open} open`);
  await popup.getByRole('button', { name: 'Check for new transactions' }).click();
  expect(await popup.getByRole('status').textContent({ timeout: 60_000 })).toMatch(/nothing new|new task/);
  const badge = await e2e.browser.serviceWorker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }
    ).chrome.action.getBadgeText({}),
  );
  expect(badge).toBe(String(open));
});
