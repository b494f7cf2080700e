import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  DRAWN_BADGES,
  type DrawnBadgeLook,
  expectXeroLook,
  isSansSerif,
  REMOVE_BADGES,
  TABLE_LAYOUT,
  type TableLayout,
} from '../support/badge-layout';
import { type Connected, startConnected } from './support/connected';

/**
 * Badges look like part of Xero (Chromium; Firefox in e2e-firefox/tasks.test.ts): Xero's sans-serif
 * at its table text size, never cut off, inside their cell and row, and Xero's table lays out exactly
 * as it does without them. Screenshots go to test-results/screenshots/ for a person to look at.
 */

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
let c: Connected;

beforeAll(async () => {
  c = await startConnected();
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await c?.e2e.close();
});

test('badges use Xero’s sans-serif, are never cut off and leave Xero’s rows and columns where they were', async () => {
  const page = await c.e2e.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(c.listUrl(50));
  const target = c.pushable();
  // The task's and a pushable transaction's rows both on screen, every badge there drawn.
  await page.locator(`a[href*="${c.synced.BankTransactionID}"]`).scrollIntoViewIfNeeded();
  const taskBadge = page
    .getByRole('row')
    .filter({ has: page.locator(`a[href*="${c.synced.BankTransactionID}"]`) })
    .getByRole('button');
  await expect.poll(() => taskBadge.textContent()).toBe('Task: Open');
  await page.locator(`a[href*="${target.BankTransactionID}"]`).scrollIntoViewIfNeeded();
  await page.evaluate(() => scrollTo(0, 0));
  await expect
    .poll(async () => ((await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[]).length)
    .toBeGreaterThan(5);
  await page.waitForTimeout(300);

  const badges = (await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[];
  expect(badges.map((b) => b.text)).toContain('Push to Client Hub');
  expectXeroLook(badges);
  await page.screenshot({ path: path.join(SHOTS, 'chromium-list-with-badges.png') });
  const withBadges = (await page.evaluate(TABLE_LAYOUT)) as TableLayout;
  await page.evaluate(REMOVE_BADGES);
  await page.screenshot({ path: path.join(SHOTS, 'chromium-list-without-badges.png') });
  const without = (await page.evaluate(TABLE_LAYOUT)) as TableLayout;
  expect(withBadges.rows.length).toBeGreaterThan(10);
  expect(withBadges).toEqual(without);
  await page.close();
});

test('a page’s own CSS, even important rules aimed at our hosts, cannot hide, resize or restyle badges', async () => {
  const page = await c.e2e.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(c.listUrl(50));
  // What a stylesheet of Xero's (or of another extension) could do to an element it does not know.
  await page.addStyleTag({
    content: `client-hub-badge, td client-hub-badge, td > * {
      display: inline-block !important; float: none !important; visibility: hidden !important;
      width: 0 !important; height: 60px !important; padding: 12px !important;
      border: 4px solid red !important; opacity: 0 !important; font: 30px serif !important;
    }`,
  });
  const taskBadge = page
    .getByRole('row')
    .filter({ has: page.locator(`a[href*="${c.synced.BankTransactionID}"]`) })
    .getByRole('button');
  await page.locator(`a[href*="${c.synced.BankTransactionID}"]`).scrollIntoViewIfNeeded();
  await expect.poll(() => taskBadge.textContent(), { timeout: 15_000 }).toBe('Task: Open');
  expect(await taskBadge.isVisible()).toBe(true);
  await page.evaluate(() => scrollTo(0, 0));
  await expect
    .poll(async () => ((await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[]).length, { timeout: 15_000 })
    .toBeGreaterThan(5);
  const badges = (await page.evaluate(DRAWN_BADGES)) as DrawnBadgeLook[];
  expectXeroLook(badges);
  const hosts = await page.evaluate(() =>
    [...document.querySelectorAll('client-hub-badge')].slice(0, 20).map((host) => {
      const style = getComputedStyle(host);
      return `${style.display} ${style.float} ${style.height} ${style.opacity}`;
    }),
  );
  expect(new Set(hosts)).toEqual(new Set(['block right 1px 1']));
  await page.close();
});

test('the single transaction page’s panel uses the same sans-serif', async () => {
  const page = await c.e2e.browser.context.newPage();
  await page.goto(
    `${c.e2e.sandbox.url}/Bank/ViewTransaction.aspx?bankTransactionID=${c.synced.BankTransactionID}&tenant=${c.org.tenantId}`,
  );
  const panel = page.locator('client-hub-panel section');
  await panel.waitFor();
  const family = await panel.evaluate((section) => getComputedStyle(section).fontFamily);
  expect(isSansSerif(family), family).toBe(true);
  await page.screenshot({ path: path.join(SHOTS, 'chromium-transaction-panel.png') });
  await page.close();
});
