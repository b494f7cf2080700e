import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolated } from '@/lib/text/hostile';
import { transaction } from '../support/hub';
import { type HubProcess, hubApiAs } from '../support/hub-process';
import type { Mailbox } from '../support/mailbox';
import { companyRow, connectToHub, type FirmWorld, startFirmWorld } from './support/firm-hub';
import { answerXeroSignIn, type E2E, type SandboxOrg, sendFromPage } from './support/harness';

/**
 * The firm's "Clients & reminders" in the built extension in Chromium, against a Client Hub server
 * in its own process sending mail over real SMTP: an Admin invites a client from the options page
 * (the email arrives), sets the schedule, presses Notify now and sees who was reminded; a Staff
 * member's browser shows what the server allows them.
 */
const FIRM = 'Kauri Accounting';
const ADMIN = { email: 'ada@clients-e2e.test', password: 'correct horse battery staple' };
const STAFF = { email: 'sam@clients-e2e.test', password: 'another long passphrase', name: 'Sam Staff' };
const CLIENT = { name: 'Olive Owner', email: 'olive@business.test' };

let e2e: E2E;
let hub: HubProcess;
let mailbox: Mailbox;
let org: SandboxOrg;
let workspaceId: string;
const asAdmin = <T>(method: string, apiPath: string, body?: unknown) =>
  hubApiAs<T>(hub.url, ADMIN, method, apiPath, body);

let world: FirmWorld & { mailbox: Mailbox };
beforeAll(async () => {
  world = await startFirmWorld({
    firm: FIRM,
    admin: ADMIN,
    staff: STAFF,
    mailbox: true,
    env: { MAIL_FROM: 'Kauri Accounting <hub@kauri.test>' },
  });
  ({ hub, e2e, org, mailbox } = world);
});
afterAll(async () => {
  await world?.close();
});

const rowOf = companyRow;

async function openClients(page: Page): Promise<Locator> {
  await rowOf(page, org.name)
    .getByRole('button', { name: /Clients & reminders/ })
    .click();
  const dialog = page.getByRole('dialog', { name: `Clients & reminders for ${isolated(org.name)}` });
  await dialog.getByRole('heading', { name: 'Invite client' }).waitFor({ timeout: 30_000 });
  return dialog;
}

const WAIT = { timeout: 60_000, interval: 250 };

describe('Clients & reminders, from the extension', () => {
  test('an Admin invites a client from the options page, sets the schedule, notifies them and sees the history', async () => {
    const page = await e2e.options();
    await connectToHub(page, hub.url, ADMIN);
    await answerXeroSignIn(
      e2e.browser.context,
      () => page.getByRole('button', { name: '+ Add Another Xero company' }).click(),
      [org.name],
    );
    const link = page.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
    await link.getByRole('button', { name: 'Link workspace' }).click();
    await rowOf(page, org.name).getByRole('img', { name: 'Healthy' }).waitFor({ timeout: 30_000 });
    const { workspaces } = await asAdmin<{ workspaces: { id: string; tenantId: string | null }[] }>(
      'GET',
      '/api/workspaces',
    );
    workspaceId = workspaces.find((w) => w.tenantId === org.tenantId)?.id ?? '';
    expect(workspaceId).toBeTruthy();
    // Two open questions for the client (as the extension's sync would send them).
    await asAdmin('PUT', `/api/workspaces/${workspaceId}/tasks`, {
      tasks: [
        { transaction: transaction(), question: 'What was this for?' },
        { transaction: transaction(), question: 'Is this fuel?' },
      ],
    });
    // The company's chart, as Manage Accounts loads it.
    await sendFromPage(page, { type: 'accounts.list', tenantId: org.tenantId });

    const dialog = await openClients(page);
    expect(await dialog.textContent()).toContain('Nobody from this business is invited yet.');
    // A mistyped address is said in plain words, and nothing is sent.
    await dialog.getByLabel('Client’s name').fill(CLIENT.name);
    await dialog.getByLabel('Client’s email').fill('olive at business');
    await dialog.getByRole('button', { name: 'Invite client' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent(), WAIT)
      .toContain('Enter the client’s email address');
    await dialog.getByLabel('Client’s email').fill(CLIENT.email);
    await dialog.getByRole('button', { name: 'Invite client' }).click();
    await expect
      .poll(() => dialog.getByTestId('invite-result').textContent(), WAIT)
      .toBe(`Invitation emailed to ${isolated(CLIENT.email)}.`);
    const invitation = await mailbox.next(CLIENT.email, { timeoutMs: 60_000 });
    expect(invitation.text).toContain(FIRM);
    expect(invitation.text).toMatch(/\/portal\/sign-in/);
    const clientRow = dialog.getByRole('row').filter({ hasText: CLIENT.name });
    await expect.poll(() => clientRow.getByTestId('invitation-status').textContent(), WAIT).toBe('Invited');

    // Mondays and Wednesdays at 9:30, in the client's time zone.
    await dialog.getByLabel('Email the clients a reminder on a schedule').check();
    await dialog.getByLabel('Wednesday').check();
    await dialog.getByLabel('Time', { exact: true }).fill('09:30');
    await dialog.getByLabel('Client’s time zone').fill('Pacific/Auckland');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await expect
      .poll(() => dialog.getByTestId('schedule-result').textContent(), WAIT)
      .toBe('Saved: reminders go out on Monday, Wednesday at 09:30 (Pacific/Auckland).');
    expect(await dialog.getByTestId('next-reminder').textContent()).toContain('9:30');

    await dialog.getByRole('button', { name: 'Notify now' }).click();
    await expect
      .poll(() => dialog.getByTestId('notify-result').textContent(), WAIT)
      .toBe('Emailed 1 client about 2 open questions.');
    const reminder = await mailbox.next(CLIENT.email, { after: 1, timeoutMs: 60_000 });
    expect(reminder.text).toContain('2');
    // The history reads itself again until the email is out.
    await expect
      .poll(() => dialog.getByTestId('reminder-history').textContent(), WAIT)
      .toMatch(/Olive Owner \(olive@business\.test\) · .+ · 2 open questions · Notify now · emailed/);

    // Account choice: the client may pick from the accounts the Admin ticks.
    await dialog.getByLabel('Let the client pick the account').check();
    const firstAccount = dialog.locator('label.account').first();
    await firstAccount.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Save account choice' }).click();
    await expect
      .poll(() => dialog.getByTestId('account-choice-result').textContent(), WAIT)
      .toBe('Saved: the client may pick from 1 account.');
    const saved = await asAdmin<{ clientAccountChoice: boolean; clientAccountIds: string[] }>(
      'GET',
      `/api/workspaces/${workspaceId}`,
    );
    expect(saved).toMatchObject({ clientAccountChoice: true, clientAccountIds: [expect.any(String)] });

    await clientRow.getByRole('button', { name: /End sessions/ }).click();
    await expect
      .poll(() => dialog.getByTestId('sessions-result').textContent(), WAIT)
      .toContain('is signed out on every device');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The same view from the Client Tasks page, for the workspace chosen there.
    const tasks = await e2e.browser.context.newPage();
    await tasks.goto(`chrome-extension://${e2e.browser.extensionId}/tasks.html`);
    await tasks.getByRole('button', { name: 'Clients & reminders' }).click({ timeout: 30_000 });
    const fromTasks = tasks.getByRole('dialog', { name: `Clients & reminders for ${isolated(org.name)}` });
    await expect
      .poll(() => fromTasks.getByRole('row').filter({ hasText: CLIENT.name }).count(), WAIT)
      .toBe(1);
  });

  test('a Staff member assigned to the workspace invites a client; account choice is refused as the server says', async () => {
    const users = await asAdmin<{ users: { id: string; email: string }[] }>('GET', '/api/users');
    const sam = users.users.find((u) => u.email === STAFF.email);
    await asAdmin('POST', `/api/workspaces/${workspaceId}/staff`, { userId: sam?.id });
    await e2e.newProfile();
    const page = await e2e.options();
    await connectToHub(page, hub.url, STAFF);
    const dialog = await openClients(page);
    await expect.poll(() => dialog.getByRole('row').filter({ hasText: CLIENT.name }).count(), WAIT).toBe(1);
    // This browser does not sync the company: no chart to offer, and the server refuses anyway.
    expect(await dialog.textContent()).toContain('has not synced this company’s chart of accounts');
    await dialog.getByRole('button', { name: 'Save account choice' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent(), WAIT)
      .toContain('Your role does not allow this');
    const partner = 'pat@business.test';
    await dialog.getByLabel('Client’s name').fill('Pat Partner');
    await dialog.getByLabel('Client’s email').fill(partner);
    await dialog.getByRole('button', { name: 'Invite client' }).click();
    await expect
      .poll(() => dialog.getByTestId('invite-result').textContent(), WAIT)
      .toBe(`Invitation emailed to ${isolated(partner)}.`);
    expect((await mailbox.next(partner, { timeoutMs: 60_000 })).text).toContain(FIRM);
  });
});
