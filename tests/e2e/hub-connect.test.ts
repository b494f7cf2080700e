import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolated } from '@/lib/text/hostile';
import { type HubProcess, hubApiAs } from '../support/hub-process';
import {
  companyRow,
  connectToHub,
  type FirmPerson,
  type FirmWorld,
  startFirmWorld,
} from './support/firm-hub';
import { answerXeroSignIn, type E2E, readStore, type SandboxOrg } from './support/harness';

/**
 * The built extension in Chromium, connected to a Client Hub server in its own process (as
 * `npm run hub` starts it): the role shown is the server's, and a Staff member's table is read-only.
 */
const ADMIN = { email: 'ada@hub-e2e.test', password: 'correct horse battery staple' };
const STAFF = { email: 'sam@hub-e2e.test', password: 'another long passphrase', name: 'Sam Staff' };

let e2e: E2E;
let hub: HubProcess;
let org: SandboxOrg;

/** The hub's API as the firm's Admin (setting up what a test needs, as an Admin would). */
const asAdmin = <T>(method: string, apiPath: string, body?: unknown) =>
  hubApiAs<T>(hub.url, ADMIN, method, apiPath, body);

let world: FirmWorld;
beforeAll(async () => {
  world = await startFirmWorld({ firm: 'Kauri Accounting', admin: ADMIN, staff: STAFF });
  ({ hub, e2e, org } = world);
});
afterAll(() => world?.close());

const connectTo = (page: Page, who: FirmPerson) => connectToHub(page, hub.url, who);

const rowOf = companyRow;

describe('the options page on the firm’s Client Hub server', () => {
  test('an Admin signs in: the role is the server’s, no first-run form, and their Xero company reaches the server', async () => {
    const page = await e2e.options();
    // Local use until connected: the first-run form is there, and the server section first.
    await page.getByRole('heading', { name: 'Who is using Client Hub?' }).waitFor();
    await connectTo(page, ADMIN);
    expect(await page.getByTestId('hub-role').textContent()).toContain('Your role, from the server: Admin');
    expect(await page.getByTestId('firm-user').textContent()).toContain('Client Hub Admin');
    expect(await page.getByRole('heading', { name: 'Who is using Client Hub?' }).count()).toBe(0);
    // The token stays in the extension's database; the page was never given it.
    const settings = await readStore<{ key: string; value: { token?: string } }>(page, 'settings');
    const token = settings.find((s) => s.key === 'hubSession')?.value.token;
    expect(token).toBeTruthy();
    expect(await page.content()).not.toContain(token);

    await answerXeroSignIn(
      e2e.browser.context,
      () => page.getByRole('button', { name: '+ Add Another Xero company' }).click(),
      [org.name],
    );
    const dialog = page.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
    await dialog.getByTestId('workspaces-on-server').waitFor();
    await dialog.getByRole('button', { name: 'Link workspace' }).click();
    const row = rowOf(page, org.name);
    await row.getByRole('img', { name: 'Healthy' }).waitFor();
    await expect.poll(async () => row.getByTestId('synced-by').textContent()).toBe('Synced by this browser');
    // On the server: the connection (no token) and the workspace linked to it.
    const { connections } = await asAdmin<{
      connections: { tenantId: string; connectedBy: { name: string } }[];
    }>('GET', '/api/connections');
    expect(connections).toEqual([expect.objectContaining({ tenantId: org.tenantId })]);
    const { workspaces } = await asAdmin<{ workspaces: { id: string; tenantId: string | null }[] }>(
      'GET',
      '/api/workspaces',
    );
    const linked = workspaces.find((w) => w.tenantId === org.tenantId);
    expect(linked).toBeTruthy();
    // Sam is assigned to it, so Sam's browser will see this company.
    const users = await asAdmin<{ users: { id: string; email: string }[] }>('GET', '/api/users');
    const sam = users.users.find((u) => u.email === STAFF.email);
    await asAdmin('POST', `/api/workspaces/${linked?.id}/staff`, { userId: sam?.id });
  });

  test('a Staff member in another browser sees the firm’s table read-only, synced by a colleague', async () => {
    await e2e.newProfile();
    const page = await e2e.options();
    await connectTo(page, STAFF);
    expect(await page.getByTestId('hub-role').textContent()).toContain('Your role, from the server: Staff');
    expect(await page.getByTestId('firm-user').textContent()).toContain('Sam Staff · Client Hub Staff');
    const row = rowOf(page, org.name);
    await row.waitFor();
    expect(await row.getByTestId('synced-by').textContent()).toBe('Synced by a colleague');
    // "Sent by": the Admin as the server names them (create-firm names them after their address).
    expect(await row.textContent()).toContain('ada');
    // Nothing of the setup to change; only the workspace's clients and reminders (the server decides there).
    expect(await row.getByRole('button').allTextContents()).toEqual([
      expect.stringMatching(/^Clients & reminders/),
    ]);
    expect(await page.locator('#staff-note').textContent()).toContain(
      'comes from your firm’s Client Hub server',
    );
    expect(await page.getByRole('button', { name: '+ Add Another Xero company' }).isDisabled()).toBe(true);

    // Signing out goes back to local use; nothing of the firm's table is left on the page.
    await page.getByTestId('hub-server').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Who is using Client Hub?' }).waitFor();
    expect(await page.getByTestId('hub-server').getByRole('button', { name: 'Connect' }).count()).toBe(1);
  });
});
