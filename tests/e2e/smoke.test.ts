import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SANDBOX_CHROME_EXTENSION_ID } from '@/lib/config/sandbox-build';
import { startSandbox } from '../../sandbox/server';
import { type LaunchedExtension, launchWithExtension } from '../../scripts/chromium';
import { sendFromPage } from './support/harness';

const extensionDir = path.resolve(import.meta.dirname, '../../.output/chrome-mv3-sandbox');
let browser: LaunchedExtension;

beforeAll(async () => {
  browser = await launchWithExtension(extensionDir, { headless: true });
});
afterAll(async () => {
  await browser?.close();
});

test('the sandbox build loads with its pinned id and its background answers the options page', async () => {
  expect(browser.extensionId).toBe(SANDBOX_CHROME_EXTENSION_ID);
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByRole('heading', { name: 'Xero integration' }).waitFor();
  const status = page.getByTestId('background-status');
  await status.waitFor();
  expect(await status.textContent()).toContain('Xero sandbox at http://127.0.0.1:4560');
  // A fresh profile starts by asking who is using Client Hub.
  await page.getByRole('heading', { name: 'Who is using Client Hub?' }).waitFor();
});

test('the background refuses a message that is not in the contract', async () => {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const reply = await sendFromPage(page, { type: 'tokens.dump' });
  expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
});

test('the popup and the Client Tasks page render', async () => {
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByRole('heading', { name: 'Client Hub' }).waitFor();
  await popup.getByTestId('background-status').waitFor();
  const tasks = await browser.context.newPage();
  await tasks.goto(`chrome-extension://${browser.extensionId}/tasks.html`);
  await tasks.getByRole('heading', { name: 'Client Tasks' }).waitFor();
});

test('the content script runs on the sandbox’s pages, and marks nothing on them', async () => {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const page = await browser.context.newPage();
    // The content script's isolated world, as the browser reports it: nothing in the page shows it.
    const cdp = await browser.context.newCDPSession(page);
    const worlds: { origin: string; auxData?: { type?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => worlds.push(context));
    await cdp.send('Runtime.enable');
    await page.goto(`${sandbox.url}/identity/connect/authorize?client_id=nobody`);
    await expect
      .poll(() =>
        worlds.some(
          (w) => w.auxData?.type === 'isolated' && w.origin === `chrome-extension://${browser.extensionId}`,
        ),
      )
      .toBe(true);
    const attributes = await page.evaluate(() =>
      [...document.querySelectorAll('*')].flatMap((el) =>
        [...el.attributes].map((a) => `${a.name}=${a.value}`),
      ),
    );
    expect(attributes.filter((a) => /client-?hub|0\.1\.0/i.test(a))).toEqual([]);
    await cdp.detach();
  } finally {
    await sandbox.close();
  }
});
