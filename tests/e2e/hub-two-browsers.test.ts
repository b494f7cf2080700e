import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolated } from '@/lib/text/hostile';
import { type LaunchedExtension, launchWithExtension } from '../../scripts/chromium';
import { hubApiAs } from '../support/hub-process';
import { companyRow, connectToHub, type FirmWorld, startFirmWorld } from './support/firm-hub';
import {
  accountIdOf,
  answerXeroSignIn,
  type E2E,
  EXTENSION_DIR,
  readStore,
  type SandboxOrg,
  sendFromPage,
  storedTasksOf,
} from './support/harness';

/**
 * Two people of one firm, each in their own Chromium profile with the built extension, and one Client
 * Hub server in its own process: the Admin connects Xero and chooses the accounts; the Staff member,
 * who holds no Xero sign-in, sees the same tasks and the firm's table read-only, comments on a task
 * while the server is down, and closes it once it is back; the Admin's open Xero tab shows it Closed
 * within 5 s. The server is stopped and started on the same data folder and port mid-way.
 */
const ADMIN = { email: 'ada@two-browsers.test', password: 'correct horse battery staple' };
const STAFF = { email: 'sam@two-browsers.test', password: 'another long passphrase', name: 'Sam Staff' };
const COMMENT = 'Sam: the receipt is in the glovebox, asking the client to photograph it';

interface FeedChange {
  kind: 'task' | 'comment' | 'file';
  task?: { id: string; bankTransactionId: string; status: string };
  comment?: { id: string; taskId: string; body: string };
}

let world: FirmWorld;
let e2e: E2E;
let staff: LaunchedExtension;
let org: SandboxOrg;
let workspaceId: string;
let adminOptions: Page;
let staffOptions: Page;

const asAdmin = <T>(method: string, apiPath: string, body?: unknown) =>
  hubApiAs<T>(world.hub.url, ADMIN, method, apiPath, body);

/** The workspace's whole changes feed on the server: each task's latest state, and every comment. */
async function hubFeed() {
  const tasks = new Map<string, NonNullable<FeedChange['task']>>();
  const comments: NonNullable<FeedChange['comment']>[] = [];
  let since = 0;
  for (;;) {
    const page = await asAdmin<{ changes: FeedChange[]; nextSince: number; hasMore: boolean }>(
      'GET',
      `/api/workspaces/${workspaceId}/changes?since=${since}&limit=1000`,
    );
    for (const change of page.changes) {
      if (change.task) tasks.set(change.task.id, change.task);
      if (change.comment) comments.push(change.comment);
    }
    since = page.nextSince;
    if (!page.hasMore) return { tasks: [...tasks.values()], comments };
  }
}

const tasksOf = (page: Page) => storedTasksOf(page, org.tenantId);
const idsOf = (tasks: { bankTransactionId: string }[]) => tasks.map((t) => t.bankTransactionId).sort();

async function openOptions(browser: LaunchedExtension): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByRole('heading', { name: 'Xero integration' }).waitFor();
  return page;
}

beforeAll(async () => {
  // The sandbox at its full default size; the server restarts mid-way on the same data and port.
  world = await startFirmWorld({ firm: 'Kauri Accounting', admin: ADMIN, staff: STAFF, scale: 'full' });
  ({ e2e, org } = world);
}, 180_000);
afterAll(async () => {
  await staff?.close();
  await world?.close();
});

describe('two browsers, one firm, one Client Hub server', () => {
  test('the Admin connects Xero, chooses the accounts, and the tasks reach the server', async () => {
    adminOptions = await e2e.options();
    await connectToHub(adminOptions, world.hub.url, ADMIN);
    await answerXeroSignIn(
      e2e.browser.context,
      () => adminOptions.getByRole('button', { name: '+ Add Another Xero company' }).click(),
      [org.name],
    );
    const link = adminOptions.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
    await link.getByTestId('workspaces-on-server').waitFor({ timeout: 30_000 });
    await link.getByRole('button', { name: 'Link workspace' }).click();
    await link.waitFor({ state: 'hidden' });

    await adminOptions.getByRole('button', { name: new RegExp(`^Manage Accounts.*${org.name}`) }).click();
    const manage = adminOptions.getByRole('dialog', { name: `Manage Accounts: ${isolated(org.name)}` });
    await manage.getByRole('checkbox', { name: /Uncategorized Expense/ }).check({ timeout: 30_000 });
    await manage.getByRole('button', { name: 'Save and find transactions' }).click();
    await manage.waitFor({ state: 'hidden' });
    await expect
      .poll(async () => (await tasksOf(adminOptions)).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    // The backfill that saving started is finished when a check answers (one sync per company at a time).
    await sendFromPage(adminOptions, { type: 'sync.now', tenantId: org.tenantId });

    const { workspaces } = await asAdmin<{ workspaces: { id: string; tenantId: string | null }[] }>(
      'GET',
      '/api/workspaces',
    );
    workspaceId = workspaces.find((w) => w.tenantId === org.tenantId)?.id ?? '';
    expect(workspaceId).not.toBe('');
    const local = idsOf(await tasksOf(adminOptions));
    // Every task of the Admin's browser is on the server, once.
    await expect.poll(async () => idsOf((await hubFeed()).tasks), { timeout: 60_000 }).toEqual(local);
    const users = await asAdmin<{ users: { id: string; email: string }[] }>('GET', '/api/users');
    const sam = users.users.find((u) => u.email === STAFF.email);
    await asAdmin('POST', `/api/workspaces/${workspaceId}/staff`, { userId: sam?.id });
  }, 240_000);

  test('the Staff member, in a fresh profile, sees the same tasks and the firm’s table read-only', async () => {
    staff = await launchWithExtension(EXTENSION_DIR, { headless: true });
    staffOptions = await openOptions(staff);
    await connectToHub(staffOptions, world.hub.url, STAFF);
    expect(await staffOptions.getByTestId('hub-role').textContent()).toContain(
      'Your role, from the server: Staff',
    );
    const row = companyRow(staffOptions, org.name);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('synced-by').textContent()).toBe('Synced by a colleague');
    // Nothing of the setup to change; only the workspace's clients and reminders (the server decides there).
    expect(await row.getByRole('button').allTextContents()).toEqual([
      expect.stringMatching(/^Clients & reminders/),
    ]);
    expect(await staffOptions.getByRole('button', { name: '+ Add Another Xero company' }).isDisabled()).toBe(
      true,
    );
    // Not by a crafted message either: the background asks the server's role.
    const refused = await sendFromPage<{ ok: boolean; error?: { code: string } }>(staffOptions, {
      type: 'accounts.save',
      tenantId: org.tenantId,
      monitoredAccountIds: [await accountIdOf(e2e.sandbox, org.tenantId, 'Suspense')],
      types: ['SPEND'],
    });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('admin-only');

    // The same tasks, pulled from the server (this browser holds no Xero sign-in).
    const admins = idsOf(await tasksOf(adminOptions));
    const tasksPage = await staff.context.newPage();
    await tasksPage.goto(`chrome-extension://${staff.extensionId}/tasks.html`);
    await expect.poll(async () => idsOf(await tasksOf(staffOptions)), { timeout: 60_000 }).toEqual(admins);
    await expect
      .poll(() => tasksPage.getByRole('tab', { name: /^Open/ }).textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`Open\\s*${admins.length}\\b`));
    await tasksPage.close();
  }, 240_000);

  test('a comment made while the server is down arrives once; the Staff member’s Close shows on the Admin’s Xero tab within 5 s', async () => {
    const [task] = (await tasksOf(staffOptions)).filter((t) => t.status === 'Open');
    if (!task) throw new Error('no open task to work on');
    const truth = (await (
      await fetch(
        `${e2e.sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions/${task.bankTransactionId}`,
      )
    ).json()) as { BankAccount: { AccountID: string } };

    // The Admin's Xero tab, open on the transaction's bank account.
    const xero = await e2e.browser.context.newPage();
    await xero.goto(
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${truth.BankAccount.AccountID}&tenant=${org.tenantId}&rows=300`,
    );
    const badge = xero
      .getByRole('row')
      .filter({ has: xero.locator(`a[href*="${task.bankTransactionId}"]`) })
      .getByRole('button');
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('Task: Open');

    // The server stops; the Staff member comments meanwhile.
    const before = await hubFeed();
    await world.hub.stop();
    const page = await staff.context.newPage();
    await page.goto(`chrome-extension://${staff.extensionId}/tasks.html#task=${task.id}`);
    const panel = page.getByTestId('task-panel');
    await panel.waitFor({ timeout: 30_000 });
    await panel.getByLabel('Comment from the firm').fill(COMMENT);
    await panel.getByRole('button', { name: 'Add comment' }).click();
    await panel.getByText(COMMENT).waitFor();
    // Kept on this computer while the server is away.
    const queued = await readStore<{ payload: { kind: string }; state: string }>(page, 'outbox');
    expect(queued.filter((j) => j.payload.kind === 'hub-comment' && j.state !== 'done')).toHaveLength(1);

    // Back on the same data folder and address: the comment arrives, once, and reaches the Admin.
    await world.restartHub();
    await expect
      .poll(async () => (await hubFeed()).comments.filter((c) => c.body === COMMENT).length, {
        timeout: 90_000,
      })
      .toBe(1);
    await expect
      .poll(
        async () =>
          (await readStore<{ text: string }>(adminOptions, 'taskMessages')).filter((m) => m.text === COMMENT)
            .length,
        { timeout: 60_000 },
      )
      .toBe(1);

    // The Close: the Admin's tab, left open all along, says so within 5 s.
    const closedAt = Date.now();
    await panel.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => badge.textContent(), { timeout: 5_000, interval: 100 }).toBe('Task: Closed');
    console.info(
      `Close in the Staff member's browser to "Task: Closed" in the Admin's tab: ${Date.now() - closedAt} ms`,
    );
    expect(await panel.getByTestId('task-status').textContent()).toBe('Closed');

    // Nothing lost, nothing doubled: the same tasks, the one comment, the task Closed on the server.
    const after = await hubFeed();
    expect(idsOf(after.tasks)).toEqual(idsOf(before.tasks));
    expect(after.comments.filter((c) => c.body === COMMENT)).toHaveLength(1);
    expect(after.tasks.find((t) => t.bankTransactionId === task.bankTransactionId)?.status).toBe('Closed');
    expect(idsOf(await tasksOf(adminOptions))).toEqual(idsOf(before.tasks));
  }, 300_000);
});
