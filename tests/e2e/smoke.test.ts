import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SANDBOX_CHROME_EXTENSION_ID } from '@/lib/config/sandbox-build';
import { type LaunchedExtension, launchWithExtension } from '../../scripts/chromium';

const extensionDir = path.resolve(import.meta.dirname, '../../.output/chrome-mv3-sandbox');
let browser: LaunchedExtension;
type ExtensionGlobal = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };

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
  const reply = await page.evaluate(() =>
    (globalThis as unknown as ExtensionGlobal).chrome.runtime.sendMessage({ type: 'tokens.dump' }),
  );
  expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
});
