import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectAsAdmin, type E2E, readStore, sandboxOrgs, sendFromPage, startE2E } from './support/harness';

/**
 * Suggested accounts in headless Chromium with the built sandbox extension: the badge's menu inside
 * Xero's page shows the task's suggestion, and the Client Tasks page accepts every high-confidence
 * suggestion of the workspace after a preview; the sandbox then has the transactions recoded.
 */

interface Suggestion {
  taskId: string;
  confidence: 'high' | 'possible' | 'none';
  account: { id: string; code: string; name: string } | null;
  evidence: string;
}
interface Truth {
  BankTransactionID: string;
  BankAccount: { AccountID: string };
  LineItems: { AccountID: string }[];
  History: { Changes: string; Details: string }[];
}
interface StoredTask {
  id: string;
  bankTransactionId: string;
  status: string;
  workspaceId: string | null;
  snapshot: { date: string };
}

let e2e: E2E;
let options: Page;
let tenantId: string;

const ask = async <T>(message: Record<string, unknown>): Promise<T> => {
  const reply = await sendFromPage<{ ok: boolean; data: T; error?: { message: string } }>(options, message);
  if (!reply.ok) throw new Error(reply.error?.message ?? 'background refused');
  return reply.data;
};
const truthOf = async (id: string) =>
  (await (
    await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${tenantId}/bank-transactions/${id}`)
  ).json()) as Truth;

async function workspaceSuggestions() {
  const tasks = await readStore<StoredTask>(options, 'clientTasks');
  const workspaceId = tasks[0]?.workspaceId ?? null;
  const { suggestions } = await ask<{ suggestions: Suggestion[] }>({
    type: 'suggestions.forWorkspace',
    workspaceId,
  });
  return { tasks, suggestions };
}

beforeAll(async () => {
  e2e = await startE2E({ seed: 31, scale: 800 });
  const org = (await sandboxOrgs(e2e.sandbox))[0];
  if (!org) throw new Error('no organisation');
  tenantId = org.tenantId;
  const full = (await (await fetch(`${e2e.sandbox.url}/__sandbox/orgs`)).json()) as {
    tenantId: string;
    accounts: { AccountID: string; Name: string }[];
  }[];
  const account = full
    .find((o) => o.tenantId === tenantId)
    ?.accounts.find((x) => x.Name === 'Uncategorized Expense');
  if (!account) throw new Error('no Uncategorized Expense');
  options = await e2e.options();
  await connectAsAdmin(e2e, options, [org]);
  await ask({ type: 'accounts.save', tenantId, monitoredAccountIds: [account.AccountID], types: ['SPEND'] });
  // Waits for the backfill that saving started; the twelve-month history read follows it unawaited.
  await ask({ type: 'sync.now', tenantId });
  const historyRead = async () =>
    (await readStore<{ tenantId: string; done?: boolean }>(options, 'historyCursors')).some(
      (c) => c.tenantId === tenantId && c.done === true,
    );
  // (expect.poll is for tests only, not beforeAll.)
  for (const started = Date.now(); !(await historyRead()); await options.waitForTimeout(500)) {
    if (Date.now() - started > 120_000) throw new Error('the twelve-month history read did not finish');
  }
});
afterAll(async () => {
  await e2e?.close();
});

test('the badge menu inside Xero shows the task’s suggested account and why', async () => {
  const { tasks, suggestions } = await workspaceSuggestions();
  // The newest, so its row is on the list's first page.
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const high = suggestions
    .filter((s) => s.confidence === 'high')
    .sort((x, y) =>
      (byId.get(y.taskId)?.snapshot.date ?? '').localeCompare(byId.get(x.taskId)?.snapshot.date ?? ''),
    )[0];
  const task = high ? byId.get(high.taskId) : undefined;
  if (!high?.account || !task) throw new Error('no high-confidence suggestion');
  const truth = await truthOf(task.bankTransactionId);

  const page = await e2e.browser.context.newPage();
  await page.goto(
    `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${truth.BankAccount.AccountID}&tenant=${tenantId}&rows=300`,
  );
  await page.locator(`a[href*="${task.bankTransactionId}"]`).first().scrollIntoViewIfNeeded();
  const badge = page
    .getByRole('row')
    .filter({ has: page.locator(`a[href*="${task.bankTransactionId}"]`) })
    .first()
    .getByRole('button');
  await expect.poll(() => badge.getAttribute('data-state')).toBe('task');
  await badge.click();
  const note = page.getByTestId('badge-suggestion');
  await expect
    .poll(() => note.textContent())
    .toBe(`Suggested: ${high.account.code} ${high.account.name}${high.evidence}`);
  expect(await note.locator('strong').textContent()).toBe(
    `Suggested: ${high.account.code} ${high.account.name}`,
  );
  await page.close();
});

test('bulk accept on the Client Tasks page: a preview, then every high-confidence task recoded in Xero and closed', async () => {
  const { tasks, suggestions } = await workspaceSuggestions();
  const high = suggestions.filter((s) => s.confidence === 'high' && s.account);
  expect(high.length).toBeGreaterThan(3);
  const page = await e2e.browser.context.newPage();
  await page.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html`);
  await page.getByRole('button', { name: 'Accept high-confidence suggestions…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Accept suggested accounts' });
  await expect
    .poll(() => dialog.getByTestId('bulk-accept-summary').textContent())
    .toContain(`${high.length} tasks will be recoded in Xero`);
  // The preview lists every one with its account and evidence, as text.
  expect(await dialog.locator('tbody tr').count()).toBe(high.length);
  const first = high[0] as Suggestion;
  await expect.poll(() => dialog.getByText(first.evidence, { exact: true }).count()).toBeGreaterThan(0);
  await dialog.getByRole('button', { name: `Recode ${high.length} in Xero and close` }).click();
  await expect
    .poll(() => page.getByTestId('bulk-accept-result').textContent(), { timeout: 30_000 })
    .toContain(`${high.length} tasks recoding in Xero`);

  const ids = new Set(high.map((s) => s.taskId));
  await expect
    .poll(
      async () =>
        (await readStore<StoredTask>(options, 'clientTasks')).filter(
          (t) => ids.has(t.id) && t.status === 'Closed',
        ).length,
      { timeout: 90_000, interval: 500 },
    )
    .toBe(high.length);
  const task = tasks.find((t) => t.id === first.taskId) as StoredTask;
  const truth = await truthOf(task.bankTransactionId);
  expect(truth.LineItems.every((l) => l.AccountID.toLowerCase() === first.account?.id)).toBe(true);
  expect(
    truth.History.filter((h) => h.Changes === 'Note')
      .map((h) => h.Details)
      .join(' '),
  ).toContain('coded from the company');
  // Nothing high is left to accept; tasks not accepted are still open.
  const after = await workspaceSuggestions();
  expect(after.suggestions.filter((s) => s.confidence === 'high')).toEqual([]);
  expect(after.tasks.filter((t) => t.status === 'Open').length).toBe(
    tasks.filter((t) => t.status === 'Open').length - high.length,
  );
  await page.close();
}, 180_000);
