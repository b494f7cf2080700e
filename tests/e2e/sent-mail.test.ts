import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sentMailStore } from '../../hub/email/mailer';
import { findChromium } from '../../scripts/chromium';
import { createFirmWithCli, type HubProcess, hubApiAs, startHubProcess } from '../support/hub-process';

/**
 * The hub's "Sent mail" page (no SMTP set up) in real Chromium: an email's HTML part is shown in its
 * own sandboxed frame, visible below the text part, and nothing of it runs or reaches the hub's page.
 */
const ADMIN = { email: 'ada@sent-mail.test', password: 'correct horse battery staple' };

let hub: HubProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sent-mail-e2e-'));
  await createFirmWithCli({
    dataDir,
    name: 'Kauri Accounting',
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  });
  hub = await startHubProcess({ dataDir, env: { SMTP_URL: '' } });
  browser = await chromium.launch({ executablePath: findChromium(), headless: true });
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  if (hub) await rm(hub.dataDir, { recursive: true, force: true });
});

const open = async (subject: RegExp) => {
  await page.goto(`${hub.url}/sent-mail`);
  await page.getByRole('link', { name: subject }).first().click();
  return page.frameLocator('iframe.mail');
};

test('an invitation’s HTML part shows in a sandboxed frame below its text, its link opening outside it', async () => {
  const workspace = await hubApiAs<{ id: string }>(hub.url, ADMIN, 'POST', '/api/workspaces', {
    name: 'Harbour Lane Cafe',
  });
  await hubApiAs(hub.url, ADMIN, 'POST', `/api/workspaces/${workspace.id}/clients`, {
    name: 'Olive Owner',
    email: 'olive@client.test',
  });
  await expect
    .poll(async () => (await fetch(`${hub.url}/sent-mail`)).text(), { timeout: 30_000 })
    .toContain('invites you to answer questions');
  const html = await open(/invites you to answer questions/);
  const frame = page.locator('iframe.mail');
  // Sandboxed: no scripts, an origin of its own; only its links may open a new tab.
  expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
  // Below the fold of a 720-pixel window, and shown once scrolled to, with its content laid out.
  await frame.scrollIntoViewIfNeeded();
  const box = await frame.boundingBox();
  expect(box?.height).toBeGreaterThan(300);
  const button = html.getByRole('link', { name: 'Open Client Hub' });
  await expect.poll(() => button.isVisible(), { timeout: 10_000 }).toBe(true);
  expect(
    await button.evaluate(
      (a) => (a as HTMLAnchorElement).target || a.ownerDocument.querySelector('base')?.target,
    ),
  ).toBe('_blank');
  await expect.poll(() => html.getByText('Hello Olive Owner,').isVisible()).toBe(true);
  // The HTML is the frame's own document: none of it is in the hub's page.
  expect(await page.getByRole('link', { name: 'Open Client Hub' }).count()).toBe(0);
});

test('a hostile HTML part runs nothing, neither in its frame nor in the page', async () => {
  const store = sentMailStore(join(hub.dataDir, 'sent-mail'), () => new Date());
  await store.save({
    from: 'Kauri Accounting <hub@kauri.test>',
    to: 'olive@client.test',
    subject: 'Hostile preview',
    text: 'Plain words',
    html: `<p id="shown">Shown as written</p><script>document.body.dataset.ran = '1'; parent.document.title = 'ran';</script><img src="x" onerror="document.body.dataset.ran = '2'">`,
  });
  const html = await open(/Hostile preview/);
  await expect.poll(() => html.locator('#shown').isVisible(), { timeout: 10_000 }).toBe(true);
  expect(await html.locator('body').getAttribute('data-ran')).toBeNull();
  expect(await page.title()).toBe('Hostile preview');
  expect(await page.locator('#shown').count()).toBe(0);
});
