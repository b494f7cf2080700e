/**
 * The demo: the Xero sandbox on its default port, the firm's Client Hub server (embedded PGlite, its
 * data in .hub-data/demo, mail kept on its "Sent mail" page), the sandbox build of the extension in
 * Chromium connected to that server, and the options page open.
 *
 * With --headless (or without a display) it walks the whole loop unattended and saves a screenshot
 * of each screen in order into artifacts/: the options page with a connected company, a Xero page
 * with badges, the Client Tasks page, the invitation email, the client portal on a 390×844 phone,
 * and the answered task back in the Client Tasks page. Then it stops.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { createFirm } from '../hub/domain/users';
import { startHub } from '../hub/server';
import { SANDBOX_DEFAULT_PORT, SANDBOX_DEMO_USER } from '../lib/config/sandbox-build';
import { isolated } from '../lib/text/hostile';
import { startSandbox } from '../sandbox/server';
import { connectToHub } from '../tests/e2e/support/firm-hub';
import { accountIdOf, answerXeroSignIn, demoUserOrgs, sendFromPage } from '../tests/e2e/support/harness';
import { keptMail } from '../tests/support/portal';
import { buildSandboxExtension, ROOT } from './build-extension';
import { launchWithExtension } from './chromium';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    artifacts: { type: 'string', default: path.join(ROOT, 'artifacts') },
    seed: { type: 'string', default: '1' },
  },
});
const headless = values.headless || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
if (headless && !values.headless) console.log('No display found: running the demo headless.');

const FIRM = 'Kauri Accounting';
const ADMIN = { name: 'Ada Admin', email: 'ada@kauri.test', password: 'demo password, change me' };
const CLIENT = { name: 'Olive Owner', email: 'olive@client.test' };

const extensionDir = buildSandboxExtension('chrome');
const sandbox = await startSandbox({ port: SANDBOX_DEFAULT_PORT, seed: Number(values.seed) });
console.log(`Xero sandbox listening on ${sandbox.url}`);

// A fresh firm each run (the browser profile is fresh too): the folder is ignored by git.
const hubData = path.join(ROOT, '.hub-data', 'demo');
await rm(hubData, { recursive: true, force: true });
await mkdir(hubData, { recursive: true });
const hub = await startHub({ dataDir: hubData, smtpUrl: '', jobs: { pollSeconds: 1 } });
await createFirm(hub.services, hub.auth, {
  name: FIRM,
  adminEmail: ADMIN.email,
  adminName: ADMIN.name,
  adminPassword: ADMIN.password,
});
console.log(`Client Hub server listening on ${hub.url} (data in ${path.relative(ROOT, hubData)})`);

const browser = await launchWithExtension(extensionDir, { headless });
const options = await browser.context.newPage();
await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
await options.getByRole('heading', { name: 'Xero integration' }).waitFor();
await connectToHub(options, hub.url, ADMIN);

const stop = async () => {
  await browser.close().catch(() => undefined);
  await hub.close();
  await sandbox.close();
};

let shot = 0;
/**
 * Saves what the page shows. With `fullPage`, the window is first made tall enough to show it all at
 * once, with the whole of `panel` (a panel that scrolls on its own): a full-page capture shows neither
 * what a scrolling panel hides nor a sandboxed frame (the email's HTML) that was below the fold.
 */
async function screenshot(page: Page, name: string, options: { fullPage?: boolean; panel?: Locator } = {}) {
  shot++;
  const file = path.join(values.artifacts, `demo-${shot}-${name}.png`);
  const window = page.viewportSize();
  if (options.fullPage !== false && window) {
    const hidden = options.panel
      ? await options.panel.evaluate((el) => el.scrollHeight - el.clientHeight)
      : 0;
    const whole = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: window.width, height: Math.max(whole, window.height + hidden) });
    // Let a resized page lay out and its frames paint before the capture.
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
  }
  await page.screenshot({ path: file, fullPage: options.fullPage !== false });
  if (window) await page.setViewportSize(window);
  console.log(`Screenshot ${shot}: ${path.relative(ROOT, file)}`);
}

/** Waits, reloading, until `ready` holds (the extension and the hub work on their own schedules). */
async function until(
  page: Page,
  ready: () => Promise<boolean>,
  what: string | (() => Promise<string>),
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error(`The demo gave up waiting for ${typeof what === 'string' ? what : await what()}.`);
    }
    await page.waitForTimeout(1000);
  }
}

async function walkThrough() {
  await mkdir(values.artifacts, { recursive: true });
  const [org] = await demoUserOrgs(sandbox);
  if (!org) throw new Error('the sandbox offers no organisation');

  // 1. The Admin connects a Xero company, links it to a new workspace and monitors its
  //    Uncategorized Expense account; the first sync turns those transactions into Client Tasks.
  await answerXeroSignIn(
    browser.context,
    () => options.getByRole('button', { name: '+ Add Another Xero company' }).click(),
    [org.name],
  );
  const link = options.getByRole('dialog', { name: `Choose a workspace for ${isolated(org.name)}` });
  await link.getByRole('button', { name: 'Link workspace' }).click();
  const uncategorized = await accountIdOf(sandbox, org.tenantId, 'Uncategorized Expense');
  await sendFromPage(options, {
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [uncategorized],
    types: ['SPEND'],
  });
  await sendFromPage(options, { type: 'sync.now', tenantId: org.tenantId });
  await options.reload();
  await options.getByRole('img', { name: 'Healthy' }).first().waitFor();
  await screenshot(options, 'options');

  // 2. Xero's own bank transactions page, with the extension's badges beside each row.
  const xero = await browser.context.newPage();
  const bankAccount = await bankAccountOfATask(options);
  await xero.goto(
    `${sandbox.url}/Bank/BankTransactions.aspx?accountID=${bankAccount}&tenant=${org.tenantId}&rows=50`,
  );
  await xero.getByRole('button', { name: 'Task: Open' }).first().waitFor({ timeout: 60_000 });
  await screenshot(xero, 'xero-badges');

  // 3. The Client Tasks page.
  const tasksPage = await browser.context.newPage();
  await tasksPage.goto(`chrome-extension://${browser.extensionId}/tasks.html`);
  await tasksPage.getByRole('tab', { name: /^Open/ }).waitFor();
  await until(tasksPage, async () => (await tasksPage.getByRole('row').count()) > 2, 'the task list');
  await screenshot(tasksPage, 'client-tasks');

  // 4. The bookkeeper invites the client from "Clients & reminders"; the email, on the hub's Sent mail page.
  await tasksPage.getByRole('button', { name: 'Clients & reminders' }).click();
  const clients = tasksPage.getByRole('dialog', { name: /^Clients & reminders for/ });
  await clients.getByLabel('Client’s name').fill(CLIENT.name);
  await clients.getByLabel('Client’s email').fill(CLIENT.email);
  await clients.getByRole('button', { name: 'Invite client' }).click();
  await clients.getByTestId('invite-result').waitFor({ timeout: 60_000 });
  await clients.getByRole('button', { name: 'Close' }).click();
  const mail = await browser.context.newPage();
  await mail.goto(`${hub.url}/sent-mail`);
  await mail
    .getByRole('link', { name: /invites you to answer questions/ })
    .first()
    .click();
  await mail.getByText('You need no password').waitFor();
  // The HTML part, in its sandboxed frame (its own document, never this page's).
  await mail.frameLocator('iframe.mail').getByRole('link', { name: 'Open Client Hub' }).waitFor();
  await screenshot(mail, 'email');

  // 5. The client on their phone: the invitation's sign-in page, the emailed link, Continue, the portal.
  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  const signInMail = keptMail(hubData, CLIENT.email, 60_000);
  await phone.goto(`${hub.url}/portal/sign-in?email=${encodeURIComponent(CLIENT.email)}`);
  await phone.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const signInLink = /(https?:\/\/\S+\/portal\/sign-in\/link\?token=\S+)/.exec(await signInMail())?.[1];
  if (!signInLink) throw new Error('the sign-in email has no link');
  await phone.goto(signInLink);
  await phone.getByRole('button', { name: 'Continue' }).click();
  // The extension sends the tasks to the hub in the background: the questions appear when they are in.
  await until(
    phone,
    async () => {
      await phone.reload();
      return (await phone.getByRole('link', { name: 'Answer this question' }).count()) > 0;
    },
    'the questions to reach the portal',
  );
  // What the phone's screen shows (the page itself is much longer).
  await screenshot(phone, 'portal-phone', { fullPage: false });
  await phone.getByRole('link', { name: 'Answer this question' }).first().click();
  await phone.getByLabel('Your answer').fill('Fuel for the delivery van');
  await phone.getByRole('button', { name: 'Send answer' }).click();
  await phone.getByText('Thank you').first().waitFor();

  // 6. Back in the extension: the task is Answered, with the client's words (the page polls the hub
  //    while it is open; reloading it starts a round at once).
  await tasksPage.bringToFront();
  await until(
    tasksPage,
    async () => {
      await tasksPage.reload();
      await tasksPage.getByRole('tab', { name: /^Answered/ }).click();
      await tasksPage.waitForTimeout(2000);
      return (await tasksPage.getByRole('row').count()) > 1;
    },
    async () =>
      `the answered task (the Client Hub server has it; tasks in this browser by status: ${JSON.stringify(await statusesIn(tasksPage))})`,
    120_000,
  );
  await tasksPage.getByRole('row').nth(1).click();
  const panel = tasksPage.getByTestId('task-panel');
  await panel.getByText('Fuel for the delivery van').first().waitFor({ timeout: 30_000 });
  // The panel scrolls on its own: its Close button is below the fold of a 720-pixel window.
  await panel.getByRole('button', { name: 'Close', exact: true }).waitFor();
  await screenshot(tasksPage, 'answered-task', { panel });
}

/** How many Client Tasks this browser holds, by status (said when the demo gives up waiting). */
async function statusesIn(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('client-hub');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('clientTasks').objectStore('clientTasks').getAll();
          all.onsuccess = () => {
            const counts: Record<string, number> = {};
            for (const task of all.result as { status: string }[])
              counts[task.status] = (counts[task.status] ?? 0) + 1;
            open.result.close();
            resolve(counts);
          };
        };
      }),
  );
}

/** The bank account of one synced task (the Xero page to open). */
async function bankAccountOfATask(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('client-hub');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('clientTasks').objectStore('clientTasks').getAll();
          all.onsuccess = () => {
            const task = (all.result as { snapshot: { bankAccount: { id: string } } }[])[0];
            open.result.close();
            if (task) resolve(task.snapshot.bankAccount.id);
            else reject(new Error('no Client Task after the first sync'));
          };
        };
      }),
  );
}

if (headless) {
  try {
    await walkThrough();
    console.log(`Demo finished: screenshots in ${path.relative(ROOT, values.artifacts)}/`);
  } finally {
    await stop();
  }
} else {
  console.log(`Chromium is open on the options page, connected to the Client Hub server as ${ADMIN.email}.`);
  console.log(`Xero sign-in: ${SANDBOX_DEMO_USER.email} / ${SANDBOX_DEMO_USER.password}`);
  console.log(`Client Hub: ${ADMIN.email} / ${ADMIN.password}; the hub's email: ${hub.url}/sent-mail`);
  console.log('Press Ctrl+C to stop.');
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void stop().then(() => process.exit(0)));
  browser.context.on('close', () => void stop().then(() => process.exit(0)));
}
