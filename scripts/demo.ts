/**
 * The demo: the Xero sandbox on its default port, the sandbox build of the extension in Chromium,
 * and the options page open. With --headless (or without a display) it runs the same start-up
 * unattended, saves a screenshot of the options page and stops.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SANDBOX_DEFAULT_PORT, SANDBOX_DEMO_USER } from '../lib/config/sandbox-build';
import { startSandbox } from '../sandbox/server';
import { buildSandboxExtension, ROOT } from './build-extension';
import { launchWithExtension } from './chromium';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    screenshot: { type: 'string', default: path.join(ROOT, 'artifacts', 'demo-options.png') },
    seed: { type: 'string', default: '1' },
  },
});
const headless = values.headless || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
if (headless && !values.headless) console.log('No display found: running the demo headless.');

const extensionDir = buildSandboxExtension('chrome');
const sandbox = await startSandbox({ port: SANDBOX_DEFAULT_PORT, seed: Number(values.seed) });
console.log(`Xero sandbox listening on ${sandbox.url}`);
const browser = await launchWithExtension(extensionDir, { headless });
const page = await browser.context.newPage();
await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
await page.getByRole('heading', { name: 'Xero integration' }).waitFor();

const stop = async () => {
  await browser.close().catch(() => undefined);
  await sandbox.close();
};

if (headless) {
  await page.getByTestId('background-status').waitFor();
  await mkdir(path.dirname(values.screenshot), { recursive: true });
  await page.screenshot({ path: values.screenshot, fullPage: true });
  console.log(`Options page screenshot saved to ${values.screenshot}`);
  await stop();
} else {
  console.log(
    `Chromium is open on the options page. Xero sign-in: ${SANDBOX_DEMO_USER.email} / ${SANDBOX_DEMO_USER.password}`,
  );
  console.log('Press Ctrl+C to stop.');
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void stop().then(() => process.exit(0)));
  browser.context.on('close', () => void sandbox.close().then(() => process.exit(0)));
}
