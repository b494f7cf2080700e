import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LaunchedExtension, launchWithExtension } from '../../scripts/chromium';
import { type HubProcess, hubApiAs } from '../support/hub-process';
import { connectToHub, type FirmWorld, startFirmWorld } from './support/firm-hub';
import {
  accountIdOf,
  connectAsAdmin,
  type E2E,
  EXTENSION_DIR,
  readStore,
  type SandboxOrg,
  sendFromPage,
  storedTasksOf,
} from './support/harness';

/**
 * Badges in a colleague's company's Xero pages, in Chromium: a Staff member whose browser holds no
 * Xero sign-in for the company the Admin connected opens that company's Xero page. A transaction with
 * the Admin's task shows its status (and follows the Admin's Close); one without a task shows the
 * neutral "No Client Task" badge naming who syncs the company; nothing offers a Push that cannot work.
 */
const ADMIN = { email: 'ada@colleague-badges.test', password: 'correct horse battery staple' };
const STAFF = { email: 'sam@colleague-badges.test', password: 'another long passphrase', name: 'Sam Staff' };

let world: FirmWorld;
let hub: HubProcess;
let e2e: E2E;
let org: SandboxOrg;
let staff: LaunchedExtension | undefined;
let adminOptions: Page;

const asAdmin = <T>(method: string, apiPath: string, body?: unknown) =>
  hubApiAs<T>(hub.url, ADMIN, method, apiPath, body);
const tasksOf = (page: Page) => storedTasksOf(page, org.tenantId);
const idsOf = (tasks: { bankTransactionId: string }[]) => tasks.map((t) => t.bankTransactionId).sort();
const WAIT = { timeout: 60_000, interval: 250 };
let taskedId: string;
let untaskedId: string;

/** A Spend Money two days ago, coded to `accountName`, made in the sandbox's Xero; its id. */
async function spend(accountName: string, description: string): Promise<string> {
  const date = new Date(e2e.sandbox.clock.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const response = await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'SPEND',
      contactName: 'Corner Stationers',
      date,
      lineItems: [
        { description, amount: 42.5, accountId: await accountIdOf(e2e.sandbox, org.tenantId, accountName) },
      ],
    }),
  });
  if (!response.ok) throw new Error(`the sandbox refused the transaction: ${response.status}`);
  return ((await response.json()) as { BankTransactionID: string }).BankTransactionID.toLowerCase();
}

beforeAll(async () => {
  world = await startFirmWorld({ firm: 'Kauri Accounting', admin: ADMIN, staff: STAFF });
  ({ hub, e2e, org } = world);
}, 180_000);
afterAll(async () => {
  await staff?.close();
  await world?.close();
});

describe('a colleague’s company in Xero, in Chromium', () => {
  test('the Admin connects Xero and chooses the accounts; the firm knows the company by its short code', async () => {
    adminOptions = await e2e.options();
    await connectToHub(adminOptions, hub.url, ADMIN);
    // Xero sign-in, the company linked to a workspace on the server, one account monitored.
    await connectAsAdmin(
      e2e,
      adminOptions,
      [org],
      (dialog) => dialog.getByTestId('workspaces-on-server').waitFor({ timeout: 30_000 }),
      { onHub: true },
    );
    // Two card payments from the same bank account: one to the account the Admin monitors (a task),
    // one already coded elsewhere (no task).
    taskedId = await spend('Uncategorized Expense', 'Mystery card payment');
    untaskedId = await spend('Entertainment', 'Client lunch');
    await sendFromPage(adminOptions, {
      type: 'accounts.save',
      tenantId: org.tenantId,
      monitoredAccountIds: [await accountIdOf(e2e.sandbox, org.tenantId, 'Uncategorized Expense')],
      types: ['SPEND'],
    });
    // Waits for the backfill that saving started (one sync per company at a time).
    await sendFromPage(adminOptions, { type: 'sync.now', tenantId: org.tenantId });
    expect(idsOf(await tasksOf(adminOptions))).toContain(taskedId);
    expect(idsOf(await tasksOf(adminOptions))).not.toContain(untaskedId);

    const { workspaces } = await asAdmin<{ workspaces: { id: string; tenantId: string | null }[] }>(
      'GET',
      '/api/workspaces',
    );
    const workspaceId = workspaces.find((w) => w.tenantId === org.tenantId)?.id;
    if (!workspaceId) throw new Error('the company is not linked to a workspace');
    const { users } = await asAdmin<{ users: { id: string; email: string }[] }>('GET', '/api/users');
    await asAdmin('POST', `/api/workspaces/${workspaceId}/staff`, {
      userId: users.find((u) => u.email === STAFF.email)?.id,
    });
    // What colleagues' browsers tell the company's Xero pages apart by: the firm's record of it.
    await expect
      .poll(async () => {
        const { connections } = await asAdmin<{
          connections: { tenantId: string; shortCode: string | null }[];
        }>('GET', '/api/connections');
        return connections.find((c) => c.tenantId === org.tenantId)?.shortCode;
      }, WAIT)
      .toBe(org.shortCode);
  }, 240_000);

  test('the Staff member’s Xero tab: the Admin’s task shows its status and follows the Close; a transaction without one says who syncs the company; no Push', async () => {
    staff = await launchWithExtension(EXTENSION_DIR, { headless: true });
    const staffOptions = await staff.context.newPage();
    await staffOptions.goto(`chrome-extension://${staff.extensionId}/options.html`);
    await staffOptions.getByRole('heading', { name: 'Xero integration' }).waitFor();
    await connectToHub(staffOptions, hub.url, STAFF);
    const adminTasks = await tasksOf(adminOptions);
    await expect.poll(async () => idsOf(await tasksOf(staffOptions)), WAIT).toEqual(idsOf(adminTasks));
    // This browser holds no Xero sign-in: the company is the Admin's.
    expect(await readStore(staffOptions, 'connections')).toEqual([]);

    const task = adminTasks.find((t) => t.bankTransactionId === taskedId);
    if (!task) throw new Error('the Admin has no task for the card payment');
    const truth = (await (
      await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions/${taskedId}`)
    ).json()) as { BankAccount: { AccountID: string } };
    const accountId = truth.BankAccount.AccountID;

    const xero = await staff.context.newPage();
    await xero.goto(
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${accountId}&tenant=${org.tenantId}&rows=300`,
    );
    const badgeOf = (bankTransactionId: string) =>
      xero
        .getByRole('row')
        .filter({ has: xero.locator(`a[href*="${bankTransactionId}" i]`) })
        .getByRole('button');
    const tasked = badgeOf(task.bankTransactionId);
    await expect.poll(() => tasked.textContent(), WAIT).toBe('Task: Open');

    const neutral = badgeOf(untaskedId);
    await expect.poll(() => neutral.textContent(), WAIT).toBe('No Client Task');
    const { name: adminName } = await asAdmin<{ name: string }>('GET', '/api/me');
    const note = await neutral.getAttribute('title');
    expect(note).toContain(`This browser is not connected to ${org.name} in Xero`);
    expect(note).toContain(`${adminName}’s browser syncs this company`);
    // Every drawn badge is a task's status or the neutral one: nothing offers a Push that cannot work.
    const texts = await xero.locator('[data-state]').allTextContents();
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.filter((t) => !/^(Task: .+|No Client Task)$/.test(t))).toEqual([]);
    expect(await xero.getByRole('button', { name: 'Push to Client Hub' }).count()).toBe(0);

    // The Admin closes the task in their browser: the Staff member's open tab follows.
    const closed = await sendFromPage<{ ok: boolean; data?: { closed: number; writing: number } }>(
      adminOptions,
      {
        type: 'tasks.close',
        taskIds: [task.id],
        recode: false,
      },
    );
    expect(closed.ok).toBe(true);
    expect((closed.data?.closed ?? 0) + (closed.data?.writing ?? 0)).toBe(1);
    const closedAt = Date.now();
    await expect.poll(() => tasked.textContent(), WAIT).toBe('Task: Closed');
    console.info(`Admin's Close to "Task: Closed" in the Staff member's tab: ${Date.now() - closedAt} ms`);
    expect(await neutral.textContent()).toBe('No Client Task');
  }, 300_000);
});
