import { afterAll, beforeAll, expect, test } from 'vitest';
import { UI_WORDS } from '@/lib/content/snapshot';
import { type E2E, sandboxOrgs, startE2E } from './support/harness';

/**
 * "Report a page problem" in the popup over a Xero tab: the page's structure and what the content
 * script concluded, copied to the clipboard and shown, with no text from the page.
 * (The redaction itself is unit-tested in tests/unit/content/snapshot.test.ts.)
 */

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

test('the popup over a Xero tab copies the page’s structure, without a word the page says', async () => {
  const { context, extensionId } = e2e.browser;
  const [org] = await sandboxOrgs(e2e.sandbox);
  if (!org) throw new Error('no organisation');
  const full = (await (await fetch(`${e2e.sandbox.url}/__sandbox/orgs`)).json()) as {
    tenantId: string;
    accounts: { AccountID: string; BankAccountType?: string; Type?: string }[];
  }[];
  const account = full.find((o) => o.tenantId === org.tenantId)?.accounts.find((a) => a.Type === 'BANK');
  if (!account) throw new Error('no bank account');
  const xero = await context.newPage();
  const url = `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${account.AccountID}&tenant=${org.tenantId}`;
  await xero.goto(url);
  const texts = await xero.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text && text.length >= 3) found.push(text);
    }
    return found;
  });
  expect(texts.length).toBeGreaterThan(50);

  // The popup as if opened over that tab (a page can't be the toolbar popup in tests: ?tab= names it).
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const tabId = await popup.evaluate(async (wanted) => {
    const tabs = (
      globalThis as unknown as {
        chrome: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } };
      }
    ).chrome.tabs;
    return (await tabs.query({})).find((tab) => tab.url === wanted)?.id;
  }, url);
  await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=${tabId}`);
  await popup.getByRole('button', { name: 'Report a page problem' }).click();
  await popup.getByText('Copied. Paste it into your message').waitFor();
  const shown = await popup.getByLabel('Page report').inputValue();
  // What the clipboard holds, pasted by the keyboard (reading it by script needs a permission).
  await popup.evaluate(() => {
    const paste = document.createElement('textarea');
    paste.id = 'paste-here';
    document.body.append(paste);
    paste.focus();
  });
  await popup.keyboard.press('ControlOrMeta+V');
  const copied = await popup.locator('#paste-here').inputValue();
  expect(copied).toBe(shown);

  expect(shown).toContain('table#bankTransactions');
  expect(shown).toContain('tbody#bankTransactionList');
  expect(shown).toContain('a[href=/Bank/ViewTransaction.aspx?bankTransactionID={guid}]');
  expect(shown).toContain('"pageKind":"account-transactions"');
  expect(shown).toContain('"transactionLinks":');
  expect(shown).toContain(`page: /Bank/BankTransactions.aspx?accountID={guid}&tenant={guid}`);
  // Nothing the page says: contact names, amounts, references, the organisation's name.
  // (A text made only of interface words, "Bank" or "Page", may appear as part of the structure.)
  const interfaceOnly = (text: string) =>
    text.split(/\s+/).every((word) => UI_WORDS.has(word.toLowerCase().replace(/[^\p{L}]/gu, '')));
  expect(texts.filter((text) => shown.includes(text) && !interfaceOnly(text))).toEqual([]);
  expect(shown).not.toContain(org.name);
  expect(shown).not.toContain(org.shortCode.replace(/^!/, ''));

  // A tab that is not Xero's offers no report.
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await popup.getByTestId('background-status').waitFor();
  expect(await popup.getByRole('button', { name: 'Report a page problem' }).count()).toBe(0);
});
