import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolated } from '@/lib/text/hostile';
import {
  answerXeroSignIn,
  connectAsAdmin,
  type E2E,
  fillFirstRun,
  type SandboxOrg,
  sandboxOrgs,
  sendFromPage,
  startE2E,
} from './support/harness';

let e2e: E2E;
let page: Page;
let orgs: SandboxOrg[];

beforeAll(async () => {
  e2e = await startE2E();
  const users = (await (await fetch(`${e2e.sandbox.url}/__sandbox/users`)).json()) as {
    email: string;
    tenantIds: string[];
  }[];
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  orgs = (await sandboxOrgs(e2e.sandbox)).filter((o) => demo?.tenantIds.includes(o.tenantId)).slice(0, 2);
  page = await e2e.options();
});
afterAll(async () => {
  await e2e?.close();
});

const rowOf = (name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });

describe('Xero integration, as an Admin', () => {
  test('an Admin adds two organisations in one consent and sees both rows healthy, sent by them', async () => {
    const [a, b] = orgs;
    if (!a || !b) throw new Error('the sandbox offers fewer than two organisations');
    // Each new company is linked to a workspace named after it.
    await connectAsAdmin(e2e, page, [a, b], async (dialog, org) => {
      expect(await dialog.getByLabel('New workspace name').inputValue()).toBe(org.name);
    });
    for (const org of [a, b]) {
      const row = rowOf(org.name);
      await row.getByRole('img', { name: 'Healthy' }).waitFor();
      expect(await row.textContent()).toContain('Ada Admin');
      expect(await row.textContent()).toContain(org.shortCode);
      expect(await row.getByRole('cell').first().textContent()).toContain(org.name);
    }
    expect(await page.getByRole('status').first().textContent()).toContain(
      `Connected ${isolated(a.name)}, ${isolated(b.name)}`,
    );
  });

  test('the options page passes axe with no serious violations', async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  test('a connection removed from Xero’s side shows a plain-language message after the next contact', async () => {
    const [a] = orgs;
    if (!a) throw new Error('no organisation');
    const connections = (await (await fetch(`${e2e.sandbox.url}/__sandbox/connections`)).json()) as {
      id: string;
      tenantId: string;
    }[];
    const connection = connections.find((c) => c.tenantId === a.tenantId);
    const removed = await fetch(`${e2e.sandbox.url}/__sandbox/connections/${connection?.id}`, {
      method: 'DELETE',
    });
    expect(removed.ok).toBe(true);
    await page.reload();
    const row = rowOf(a.name);
    await row.getByRole('img', { name: 'Needs attention' }).waitFor();
    const alert = row.getByRole('alert');
    expect(await alert.textContent()).toMatch(/removed/i);
    expect(await alert.textContent()).toMatch(/Refresh/);
  });

  test('Refresh reconnects it through sign-in, keeping its workspace', async () => {
    const [a] = orgs;
    if (!a) throw new Error('no organisation');
    const row = rowOf(a.name);
    await answerXeroSignIn(e2e.browser.context, () => row.getByRole('button', { name: /^Refresh/ }).click(), [
      a.name,
    ]);
    await row.getByRole('img', { name: 'Healthy' }).waitFor();
    expect((await row.getByRole('cell').nth(0).textContent())?.trim()).toBe(a.name);
    expect(await page.getByRole('status').first().textContent()).toContain(`Reconnected ${isolated(a.name)}`);
  });

  test('every control works from the keyboard: Remove opens from Tab and Enter, Escape cancels', async () => {
    const [, b] = orgs;
    if (!b) throw new Error('no organisation');
    const remove = rowOf(b.name).getByRole('button', { name: /^Remove/ });
    await remove.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Remove ${isolated(b.name)}?` });
    await dialog.waitFor();
    // The safe choice has focus first.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await rowOf(b.name).count()).toBe(1);
  });

  test('Remove deletes the row and the sandbox confirms the connection is gone', async () => {
    const [, b] = orgs;
    if (!b) throw new Error('no organisation');
    await rowOf(b.name)
      .getByRole('button', { name: /^Remove/ })
      .click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Remove ${isolated(b.name)}` })
      .click();
    await rowOf(b.name).waitFor({ state: 'detached' });
    expect(await page.getByRole('status').first().textContent()).toContain(`Removed ${isolated(b.name)}`);
    const connections = (await (await fetch(`${e2e.sandbox.url}/__sandbox/connections`)).json()) as {
      tenantId: string;
    }[];
    expect(connections.map((c) => c.tenantId)).not.toContain(b.tenantId);
  });
});

test('a Staff user sees the table but cannot change anything', async () => {
  await e2e.newProfile();
  const staffPage = await e2e.options();
  await fillFirstRun(staffPage, { name: 'Sam Staff', email: 'sam@firm.test', role: 'Staff' });
  expect(await staffPage.getByText('Only a Client Hub Admin can connect').count()).toBe(1);
  expect(await staffPage.getByRole('button', { name: '+ Add Another Xero company' }).isDisabled()).toBe(true);
  // Asking the background directly is refused too.
  const reply = await sendFromPage(staffPage, { type: 'connections.add' });
  expect(reply).toMatchObject({ ok: false, error: { code: 'admin-only' } });
});
