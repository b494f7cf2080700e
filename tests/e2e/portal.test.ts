import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { findChromium } from '../../scripts/chromium';
import { type Caller, signIn, transaction } from '../hub/harness';
import { createFirmWithCli, type HubProcess, startHubProcess } from '../support/hub-process';
import { keptMail } from '../support/portal';
import { png } from '../support/receipts';

/**
 * The client portal in real Chromium, on a hub started as `npm run hub` starts it: axe finds nothing
 * at 360 px and at 390×844 (a phone), nothing is wider than the screen, the page breaks no rule of its
 * own content security policy, and a client answers two questions together with a photo.
 */

const PASSWORD = 'correct horse battery staple';
const PHONES = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
];

let hub: HubProcess;
let dataDir: string;
let browser: Browser;
let admin: Caller;
let workspaceId: string;
let clientEmail: string;
const ACCOUNT = { accountId: randomUUID(), code: '449', name: 'Motor Vehicle Expenses', type: 'EXPENSE' };

/** A client's phone: a fresh browser context at that size, signed in from the emailed link. */
async function phone(size: {
  width: number;
  height: number;
}): Promise<{ page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: size, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // As the client does: ask for an email, open its link on the phone, tap Continue.
  const nextMail = keptMail(dataDir, clientEmail);
  await page.goto(`${hub.url}/portal/sign-in`);
  await page.getByLabel(/email/i).fill(clientEmail);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const link = /(https?:\/\/\S+\/portal\/sign-in\/link\?token=\S+)/.exec(await nextMail())?.[1];
  if (!link) throw new Error('the sign-in email has no link');
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${hub.url}/portal`);
  return { page, cspViolations };
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) => `${v.impact}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

const widerThanScreen = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'portal-e2e-'));
  const adminEmail = `admin-${randomUUID().slice(0, 8)}@harbour.test`;
  // The embedded database belongs to one process at a time: the firm is made before the hub starts.
  await createFirmWithCli({
    dataDir,
    name: 'Harbour Lane Accounting',
    adminEmail,
    adminPassword: PASSWORD,
  });
  hub = await startHubProcess({ dataDir });
  admin = await signIn(hub.url, adminEmail);
  const created = await admin.request<{ id: string }>('POST', '/api/workspaces', {
    name: 'Kangaroo Point Café',
    tenantId: randomUUID(),
  });
  workspaceId = created.body.id;
  clientEmail = `owner-${randomUUID().slice(0, 8)}@kangaroo.test`;
  const invited = await admin.request('POST', `/api/workspaces/${workspaceId}/clients`, {
    email: clientEmail,
    name: 'Kim Owner',
  });
  expect(invited.status).toBe(201);
  await admin.request('PUT', `/api/workspaces/${workspaceId}/chart`, { accounts: [ACCOUNT] });
  await admin.request('PUT', `/api/workspaces/${workspaceId}/settings`, {
    clientAccountChoice: true,
    clientAccountIds: [ACCOUNT.accountId],
  });
  const bank = { AccountID: randomUUID(), Name: 'Business Cheque Account' };
  const sent = await admin.request('PUT', `/api/workspaces/${workspaceId}/tasks`, {
    tasks: [
      {
        transaction: transaction({ Contact: { Name: 'Z Energy Kingsland' }, BankAccount: bank, Total: 84.2 }),
        question: 'Fuel?',
      },
      {
        transaction: transaction({ Contact: { Name: 'BP Connect' }, BankAccount: bank, Total: 61 }),
        question: 'Fuel?',
      },
      {
        transaction: transaction({
          Contact: {
            Name: 'Reversed \u202eLtd with a very long name that has to wrap on a small phone screen',
          },
          BankAccount: bank,
          Total: 1234567.89,
          LineItems: [
            { Description: 'Supercalifragilisticexpialidocious-unbroken-description-text', LineAmount: 1 },
          ],
        }),
        question: 'What was this for? Please attach the invoice.',
      },
    ],
  });
  expect(sent.status).toBe(200);
  browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--disable-background-networking',
      '--disable-component-update',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test.each(PHONES)(
  'the portal passes axe at $width×$height, fits the screen and breaks no CSP rule',
  async (size) => {
    const { page, cspViolations } = await phone(size);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toContain('Kangaroo Point Café');
    expect(await axeViolations(page)).toEqual([]);
    expect(await widerThanScreen(page)).toBe(false);
    // One question's page, with its answer form.
    await page.getByRole('link', { name: 'Answer this question' }).last().click();
    await page.getByRole('heading', { name: 'Your answer' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await widerThanScreen(page)).toBe(false);
    expect(cspViolations).toEqual([]);
    await page.context().close();
  },
);

test('a client answers two questions together from the phone, with a photo and an account, by keyboard', async () => {
  const { page, cspViolations } = await phone({ width: 390, height: 844 });
  const cards = page.locator('li.q');
  for (const payee of ['Z Energy Kingsland', 'BP Connect']) {
    const card = cards.filter({ hasText: payee });
    await card.getByRole('checkbox').focus();
    await page.keyboard.press('Space');
  }
  await page.getByLabel('Your answer').fill('Both are fuel for the van');
  await page.getByLabel('Account').selectOption(ACCOUNT.accountId);
  expect(await page.getByLabel('Account').locator('option:checked').textContent()).toContain(
    '449 · Motor Vehicle Expenses',
  );
  await page
    .getByLabel('Or choose a photo or PDF')
    .setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from(png()) });
  await page.getByRole('button', { name: 'Send answer for the ticked questions' }).press('Enter');
  await page.getByRole('status').filter({ hasText: '2 questions were answered' }).waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: /^Answered \(2\)/ }).click();
  await page.getByRole('link', { name: 'See or add to your answer' }).first().click();
  await page.getByRole('heading', { name: 'Add to your answer' }).waitFor();
  expect(await page.getByText('Both are fuel for the van').count()).toBe(1);
  expect(await page.getByRole('link', { name: 'receipt.png' }).count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  expect(cspViolations).toEqual([]);
  // The firm sees both Answered, with the account the client picked.
  const feed = await admin.request<{
    changes: { kind: string; task?: { status: string; clientAccount: unknown } }[];
  }>('GET', `/api/workspaces/${workspaceId}/changes?since=0`);
  const answered = feed.body.changes.filter((c) => c.kind === 'task' && c.task?.status === 'Answered');
  expect(answered.map((c) => c.task?.clientAccount)).toEqual([
    { accountId: ACCOUNT.accountId, code: '449', name: 'Motor Vehicle Expenses' },
    { accountId: ACCOUNT.accountId, code: '449', name: 'Motor Vehicle Expenses' },
  ]);
  await page.context().close();
});
