import { createHash, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type HubProcess, hubApiAs } from '../support/hub-process';
import type { Mailbox } from '../support/mailbox';
import { jpeg } from '../support/receipts';
import { askFrom, storedTasksFrom, type XeroTransaction } from './support/connected';
import { connectToHub, type FirmWorld, startFirmWorld } from './support/firm-hub';
import { accountIdOf, connectAsAdmin, type E2E, type SandboxOrg } from './support/harness';

/**
 * The whole loop of a client's answer, with every part real: the built extension in Chromium, the
 * Xero sandbox, the Client Hub server in its own process sending email over SMTP to a test mail
 * server. The bookkeeper pushes a task from a Xero page; the client, invited by email, signs in on a
 * phone-sized screen and answers with a photo and an account; the Client Tasks page shows Answered
 * within 5 s; the bookkeeper closes it, and Xero has the note, the photo and the recoded line.
 */

const ADMIN = { email: 'ada@loop-e2e.test', password: 'correct horse battery staple' };
const CLIENT = { email: `owner-${randomUUID().slice(0, 8)}@kowhai.test`, name: 'Kiri Owner' };
const PHOTO = jpeg(24_000);

let world: FirmWorld & { mailbox: Mailbox };
let e2e: E2E;
let hub: HubProcess;
let mailbox: Mailbox;
let org: SandboxOrg;
let options: Page;

/** The hub's API as the firm's Admin (setting up what a test needs, as an Admin would). */
const asAdmin = <T>(method: string, apiPath: string, body?: unknown) =>
  hubApiAs<T>(hub.url, ADMIN, method, apiPath, body);

interface Truth {
  LineItems: { AccountID: string }[];
  Attachments: { FileName: string; ContentLength: number; Sha256: string }[];
  History: { Changes: string; Details: string }[];
}
const truthOf = async (id: string) =>
  (await (
    await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions/${id}`)
  ).json()) as Truth;

const linkIn = (text: string | undefined) => /(https?:\/\/\S+)/.exec(text ?? '')?.[1]?.replace(/[.,)]$/, '');

beforeAll(async () => {
  world = await startFirmWorld({ firm: 'Kōwhai Bookkeeping', admin: ADMIN, mailbox: true, scale: 'full' });
  ({ e2e, hub, org, mailbox } = world);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

test('push from Xero → invitation over SMTP → answer on a phone → Answered within 5 s → Close → Xero has note, photo and recode', async () => {
  // The bookkeeper, an Admin, connects the extension to the firm's server and links the company.
  options = await e2e.options();
  await connectToHub(options, hub.url, ADMIN);
  await connectAsAdmin(
    e2e,
    options,
    [org],
    (dialog) => dialog.getByTestId('workspaces-on-server').waitFor(),
    { onHub: true },
  );
  const uncategorized = await accountIdOf(e2e.sandbox, org.tenantId, 'Uncategorized Expense');
  await askFrom(options, {
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [uncategorized],
    types: ['SPEND'],
  });
  await askFrom(options, { type: 'sync.now', tenantId: org.tenantId });
  const { workspaces } = await asAdmin<{ workspaces: { id: string; tenantId: string | null }[] }>(
    'GET',
    '/api/workspaces',
  );
  const workspaceId = workspaces.find((w) => w.tenantId === org.tenantId)?.id;
  if (!workspaceId) throw new Error('the company is not linked to a workspace');
  // Account choice on, with the account the firm lets the client pick (from the synced chart).
  const fuel = {
    id: (await accountIdOf(e2e.sandbox, org.tenantId, 'Motor Vehicle Expenses')).toLowerCase(),
    label: '449 · Motor Vehicle Expenses',
  };
  await asAdmin('PUT', `/api/workspaces/${workspaceId}/settings`, {
    clientAccountChoice: true,
    clientAccountIds: [fuel.id],
  });

  // The bookkeeper pushes a transaction from Xero's own page.
  const listed = (await (
    await fetch(`${e2e.sandbox.url}/__sandbox/orgs/${org.tenantId}/bank-transactions`)
  ).json()) as XeroTransaction[] | { BankTransactions: XeroTransaction[] };
  const dateOf = (t: XeroTransaction) => Number(/\d+/.exec(t.Date)?.[0]);
  const withTasks = new Set((await storedTasksFrom(options)).map((t) => t.bankTransactionId));
  // The newest Spend Money with no task yet, coded to an ordinary account (the list shows it first).
  const target = (Array.isArray(listed) ? listed : listed.BankTransactions)
    .sort((x, y) => dateOf(y) - dateOf(x))
    .find(
      (t) =>
        t.Type === 'SPEND' &&
        t.Status === 'AUTHORISED' &&
        t.LineItems.length > 0 &&
        t.LineItems.every((l) => l.AccountID && l.AccountID !== uncategorized) &&
        !withTasks.has(t.BankTransactionID),
    );
  if (!target) throw new Error('no Spend Money to push in the seed');
  const xero = await e2e.browser.context.newPage();
  await xero.goto(
    `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${target.BankAccount.AccountID}&tenant=${org.tenantId}&rows=300`,
  );
  await xero.locator(`a[href*="${target.BankTransactionID}"]`).first().scrollIntoViewIfNeeded();
  const badge = xero
    .getByRole('row')
    .filter({ has: xero.locator(`a[href*="${target.BankTransactionID}"]`) })
    .getByRole('button');
  await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('Push to Client Hub');
  await badge.click();
  await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('Task: Open');
  const task = (await storedTasksFrom(options)).find((t) => t.bankTransactionId === target.BankTransactionID);
  if (!task) throw new Error('the push made no task');
  // The extension sends it to the server (the open Xero tab keeps it in touch).
  const hubTaskId = async () => {
    const feed = await asAdmin<{
      changes: { kind: string; task?: { id: string; bankTransactionId: string } }[];
    }>('GET', `/api/workspaces/${workspaceId}/changes?since=0&limit=1000`);
    return feed.changes.find((c) => c.task?.bankTransactionId === target.BankTransactionID.toLowerCase())
      ?.task?.id;
  };
  await expect.poll(hubTaskId, { timeout: 30_000, interval: 500 }).toBeTruthy();
  const onHub = (await hubTaskId()) as string;

  // The Client Tasks page is open on the task (it keeps the extension polling the server).
  const tasksPage = await e2e.browser.context.newPage();
  await tasksPage.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html#task=${task.id}`);
  const panel = tasksPage.getByTestId('task-panel');
  await panel.waitFor();
  expect(await panel.getByTestId('task-status').textContent()).toBe('Open');

  // The client is invited; the invitation arrives over SMTP.
  const before = mailbox.to(CLIENT.email).length;
  await asAdmin('POST', `/api/workspaces/${workspaceId}/clients`, CLIENT);
  const invitation = await mailbox.next(CLIENT.email, { after: before, timeoutMs: 30_000 });
  expect(invitation.subject).toContain('Kōwhai Bookkeeping');
  const opened = linkIn(invitation.text);
  if (!opened) throw new Error('the invitation has no link');

  // On a phone: the invitation's link, the sign-in email (over SMTP too), Continue.
  const client = await e2e.browser.context.newPage();
  await client.setViewportSize({ width: 390, height: 844 });
  await client.goto(opened);
  await client.getByLabel(/email/i).fill(CLIENT.email);
  const asked = mailbox.to(CLIENT.email).length;
  await client.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const signInMail = await mailbox.next(CLIENT.email, { after: asked, timeoutMs: 30_000 });
  const link = /(https?:\/\/\S+\/portal\/sign-in\/link\?token=\S+)/.exec(signInMail.text ?? '')?.[1];
  if (!link) throw new Error('the sign-in email has no link');
  await client.goto(link);
  await client.getByRole('button', { name: 'Continue' }).click();
  await client.waitForURL(`${hub.url}/portal`);

  // The question the bookkeeper pushed; the account list comes from the chart the extension sent.
  await client.locator(`a[href$="/tasks/${onHub}"]`).first().click();
  await client.getByRole('heading', { name: 'Your answer' }).waitFor();
  expect(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expect
    .poll(
      async () => {
        const offered = await client.getByLabel('Account').locator(`option[value="${fuel.id}"]`).count();
        if (offered === 0) await client.reload();
        return offered;
      },
      { timeout: 60_000, interval: 2_000 },
    )
    .toBe(1);
  await client.getByLabel('Your answer').fill('Diesel for the delivery van');
  await client.getByLabel('Account').selectOption(fuel.id);
  await client
    .getByLabel('Or choose a photo or PDF')
    .setInputFiles({ name: 'receipt.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(PHOTO) });
  await client.getByRole('button', { name: 'Send answer', exact: true }).click();
  await client
    .getByRole('status')
    .filter({ hasText: /your answer was sent/ })
    .waitFor();
  const answeredAt = Date.now();

  // The Client Tasks page shows Answered within 5 s, with the client's account choice. (Waited for
  // longer, so a miss says by how much; the goal is asserted on the time taken.)
  await expect
    .poll(() => panel.getByTestId('task-status').textContent(), { timeout: 60_000, interval: 100 })
    .toBe('Answered');
  const took = Date.now() - answeredAt;
  expect(took, `Answered shown ${took} ms after the client sent it`).toBeLessThanOrEqual(5_000);
  await expect
    .poll(() => panel.getByTestId('client-chose').textContent(), { timeout: 10_000 })
    .toBe('Client chose: 449 Motor Vehicle Expenses');
  await panel.getByTestId('hub-file').filter({ hasText: 'receipt.jpg' }).waitFor();

  // The bookkeeper Closes, accepting the client's account.
  const recode = panel.getByRole('checkbox', { name: /Also recode to/ });
  expect(await recode.isChecked()).toBe(true);
  await panel.getByRole('button', { name: 'Close', exact: true }).click();
  await expect.poll(() => panel.getByTestId('task-status').textContent(), { timeout: 60_000 }).toBe('Closed');

  // Xero (the sandbox) has the note, the photo and the recoded line.
  const truth = await truthOf(target.BankTransactionID);
  expect(
    truth.History.filter((h) => h.Changes === 'Note' && h.Details.includes('Diesel for the delivery van')),
  ).toHaveLength(1);
  const sha = createHash('sha256').update(PHOTO).digest('hex');
  expect(truth.Attachments.filter((a) => a.Sha256 === sha)).toHaveLength(1);
  expect(truth.LineItems.map((l) => l.AccountID.toLowerCase())).toEqual(truth.LineItems.map(() => fuel.id));
  // Every browser of the firm is told who wrote it into Xero.
  await expect
    .poll(() => panel.getByTestId('written-to-xero').textContent(), { timeout: 30_000 })
    .toMatch(/^Written to Xero by .+ at /);
  await client.close();
  await xero.close();
});
