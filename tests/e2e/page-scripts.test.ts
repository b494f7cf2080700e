import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Connected, startConnected } from './support/connected';

/**
 * A script in Xero's page (another extension, an XSS, a third-party script) must not be able to drive
 * our UI: its clicks and keys do nothing (we act on trusted events only), its events do not switch the
 * content script off or make it start over, and the page learns nothing of the extension (no id or
 * version in its DOM or window messages). The sandbox build keeps the badges' shadow roots open (see
 * components/badge/shadow.ts), so here a page script can even reach our buttons: the worst case.
 */

let c: Connected;

beforeAll(async () => {
  c = await startConnected();
});
afterAll(async () => {
  await c?.e2e.close();
});

const rowOf = (page: Page, id: string) =>
  page.getByRole('row').filter({ has: page.locator(`a[href*="${id}"]`) });
const badgeOf = (page: Page, id: string) => rowOf(page, id).getByRole('button');
const showRow = (page: Page, id: string) => page.locator(`a[href*="${id}"]`).first().scrollIntoViewIfNeeded();

/** Everything a page script can do to a badge, from the page's own world, `times` times over. */
const DRIVE_BADGES = `(({ ids, times }) => {
  for (const id of ids) {
    const link = document.querySelector('a[href*="' + id + '"]');
    const host = link && link.previousElementSibling;
    const button = host && host.shadowRoot && host.shadowRoot.querySelector('button');
    if (!button) throw new Error('no badge for ' + id);
    for (let i = 0; i < times; i++) {
      button.click();
      host.click();
      button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      button.focus();
      for (const key of ['Enter', ' ', 'Escape']) {
        button.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
        button.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, composed: true }));
      }
    }
  }
})`;

async function xeroReadsOf(id: string): Promise<number> {
  const log = (await (await fetch(`${c.e2e.sandbox.url}/__sandbox/requests`)).json()) as {
    recent: { method: string; path: string }[];
  };
  return log.recent.filter((r) => r.method === 'GET' && r.path.toLowerCase().includes(id.toLowerCase()))
    .length;
}

describe('page scripts cannot drive Client Hub', () => {
  test('their clicks and keys on badges (even on a link they injected) create no task and open no tab', async () => {
    const page = await c.e2e.browser.context.newPage();
    await page.goto(c.listUrl());
    const target = c.pushable();
    const injected = c.pushable([target.BankTransactionID]);
    // A link the page script adds itself, to a real transaction of the company, at the top of the page.
    await page.evaluate((id) => {
      const link = document.createElement('a');
      link.href = `/Bank/ViewTransaction.aspx?bankTransactionID=${id}`;
      link.textContent = 'injected';
      document.body.prepend(link);
    }, injected.BankTransactionID);
    await showRow(page, c.synced.BankTransactionID);
    await expect.poll(() => badgeOf(page, c.synced.BankTransactionID).textContent()).toBe('Task: Open');
    await showRow(page, target.BankTransactionID);
    await expect.poll(() => badgeOf(page, target.BankTransactionID).textContent()).toBe('Push to Client Hub');
    await page.evaluate(() => scrollTo(0, 0));
    const injectedBadge = page.locator('body > client-hub-badge').getByRole('button');
    await expect.poll(() => injectedBadge.textContent()).toBe('Push to Client Hub');
    await showRow(page, target.BankTransactionID);

    const tasksBefore = (await c.storedTasks()).length;
    const tabsBefore = c.e2e.browser.context.pages().length;
    await page.evaluate(
      `${DRIVE_BADGES}(${JSON.stringify({
        ids: [target.BankTransactionID, injected.BankTransactionID, c.synced.BankTransactionID],
        times: 20,
      })})`,
    );
    // Long enough for a push (a Xero read and a write) or a new tab to have happened.
    await page.waitForTimeout(2_000);
    expect((await c.storedTasks()).length).toBe(tasksBefore);
    expect(c.e2e.browser.context.pages().length).toBe(tabsBefore);
    expect(await xeroReadsOf(target.BankTransactionID)).toBe(0);
    expect(await xeroReadsOf(injected.BankTransactionID)).toBe(0);
    expect(await badgeOf(page, target.BankTransactionID).textContent()).toBe('Push to Client Hub');
    expect(await injectedBadge.textContent()).toBe('Push to Client Hub');
    // The task's badge opened no menu.
    const taskBadge = badgeOf(page, c.synced.BankTransactionID);
    expect(await taskBadge.getAttribute('aria-expanded')).toBe('false');
    expect(await rowOf(page, c.synced.BankTransactionID).getByRole('menu').count()).toBe(0);

    // The same badges still work for the person at the keyboard and mouse (trusted events).
    await badgeOf(page, target.BankTransactionID).click();
    await expect
      .poll(() => badgeOf(page, target.BankTransactionID).textContent(), { timeout: 15_000 })
      .toBe('Task: Open');
    expect((await c.storedTasks()).length).toBe(tasksBefore + 1);
    await taskBadge.focus();
    await page.keyboard.press('Enter');
    await rowOf(page, c.synced.BankTransactionID).getByRole('menuitem', { name: 'Open task' }).waitFor();
    await page.close();
  });

  test('the single transaction page’s panel ignores a page script’s clicks', async () => {
    const target = c.pushable([]);
    const tasks = await c.storedTasks();
    const fresh = c.transactions.find(
      (t) =>
        t.Type === 'SPEND' &&
        t.Status === 'AUTHORISED' &&
        !tasks.some((task) => task.bankTransactionId.toLowerCase() === t.BankTransactionID.toLowerCase()) &&
        t.BankTransactionID !== target.BankTransactionID,
    );
    if (!fresh) throw new Error('no transaction without a task');
    const page = await c.e2e.browser.context.newPage();
    await page.goto(
      `${c.e2e.sandbox.url}/Bank/ViewTransaction.aspx?bankTransactionID=${fresh.BankTransactionID}&tenant=${c.org.tenantId}`,
    );
    const button = page.locator('client-hub-panel').getByRole('button', { name: 'Push to Client Hub' });
    await button.waitFor();
    await page.evaluate(() => {
      const root = document.querySelector('client-hub-panel')?.shadowRoot;
      const push = root?.querySelector('button');
      for (let i = 0; i < 20; i++) push?.click();
    });
    await page.waitForTimeout(1_500);
    expect(await xeroReadsOf(fresh.BankTransactionID)).toBe(0);
    expect(await button.textContent()).toBe('Push to Client Hub');
    expect((await c.storedTasks()).length).toBe(tasks.length);
    await page.close();
  });

  test('events a page dispatches do not switch the content script off or make it start over', async () => {
    const page = await c.e2e.browser.context.newPage();
    await page.goto(c.listUrl(50));
    const links = await page.locator('a[href*="bankTransactionID="]').count();
    await expect.poll(() => page.locator('client-hub-badge').count()).toBe(links);
    const id = c.e2e.browser.extensionId;
    // WXT's content-script context stops itself on "a newer copy started" and re-runs on "location
    // changed": both are DOM events named after the extension's id, which a page can know and send.
    await page.evaluate((extensionId) => {
      for (const host of document.querySelectorAll('client-hub-badge'))
        (host as unknown as { mark: boolean }).mark = true;
      const started = `${extensionId}:xero:wxt:content-script-started`;
      const detail = { contentScriptName: 'xero', messageId: 'page' };
      document.dispatchEvent(new CustomEvent(started, { detail }));
      window.postMessage({ type: started, contentScriptName: 'xero', messageId: 'page' }, '*');
      window.dispatchEvent(new Event(`${extensionId}:xero:wxt:locationchange`));
      const navigation = (globalThis as unknown as { navigation?: EventTarget }).navigation;
      navigation?.dispatchEvent(new Event('currententrychange'));
      navigation?.dispatchEvent(new Event('navigate'));
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('pagehide'));
    }, id);
    await page.waitForTimeout(1_000);
    // Nothing was torn down and drawn again: the same hosts are there...
    expect(
      await page.evaluate(() =>
        [...document.querySelectorAll('client-hub-badge')].every(
          (host) => (host as unknown as { mark?: boolean }).mark === true,
        ),
      ),
    ).toBe(true);
    expect(await page.locator('client-hub-badge').count()).toBe(links);
    // ...and the script still watches the page: a row Xero adds later gets its badge.
    const added = c.pushable();
    await page.evaluate((txId) => {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      const link = document.createElement('a');
      link.href = `/Bank/ViewTransaction.aspx?bankTransactionID=${txId}`;
      link.textContent = 'added later';
      cell.append(link);
      row.append(cell);
      document.querySelector('tbody')?.prepend(row);
      scrollTo(0, 0);
    }, added.BankTransactionID);
    await expect.poll(() => page.locator('client-hub-badge').count()).toBe(links + 1);
    await page.close();
  });

  test('the page learns nothing of the extension: no id or version in its DOM or window messages', async () => {
    const page = await c.e2e.browser.context.newPage();
    await page.addInitScript((extensionId) => {
      const seen: string[] = [];
      (globalThis as unknown as { seenMessages: string[] }).seenMessages = seen;
      addEventListener('message', (event) => seen.push(JSON.stringify(event.data) ?? String(event.data)));
      // A page that knows our public id could listen for WXT's start event, named after it: a DOM
      // event dispatched in our world reaches the page's listeners too. Nothing of ours sends one.
      const started = `${extensionId}:xero:wxt:content-script-started`;
      for (const target of [document, window])
        target.addEventListener(started, () => seen.push(`event ${started}`), { capture: true });
    }, c.e2e.browser.extensionId);
    await page.goto(c.listUrl(50));
    await showRow(page, c.synced.BankTransactionID);
    await expect.poll(() => badgeOf(page, c.synced.BankTransactionID).textContent()).toBe('Task: Open');
    await page.waitForTimeout(500);
    const { html, attributes, messages } = await page.evaluate(() => {
      const all: string[] = [];
      const collect = (root: Document | ShadowRoot) => {
        for (const element of root.querySelectorAll('*')) {
          for (const attribute of element.attributes) all.push(`${attribute.name}=${attribute.value}`);
          if (element.shadowRoot) collect(element.shadowRoot);
        }
      };
      collect(document);
      for (const attribute of document.documentElement.attributes)
        all.push(`${attribute.name}=${attribute.value}`);
      return {
        html: document.documentElement.outerHTML,
        attributes: all,
        messages: (globalThis as unknown as { seenMessages: string[] }).seenMessages,
      };
    });
    const id = c.e2e.browser.extensionId;
    expect(html).not.toContain(id);
    expect(html).not.toContain('chrome-extension://');
    expect(attributes.filter((a) => a.includes(id) || /client-?hub/i.test(a.split('=')[0] ?? ''))).toEqual(
      [],
    );
    expect(attributes.filter((a) => a.includes('0.1.0'))).toEqual([]);
    expect(messages.filter((m) => m.includes(id) || m.includes('wxt'))).toEqual([]);
    await page.close();
  });
});
