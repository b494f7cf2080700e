import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Connected, startConnected } from './support/connected';
import { EXTENSION_DIR } from './support/harness';

/**
 * The production content script's shadow roots are closed (the sandbox build keeps them open for the
 * other tests: components/badge/shadow.ts). The production build matches go.xero.com only, so this
 * test runs the production build's own content script file, byte for byte, inside a copy of the
 * sandbox build (whose manifest matches the sandbox's pages and whose background talks to the sandbox).
 * Page scripts see no way into the badges; the badges still render and push on a person's click.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const PRODUCTION_SCRIPT = path.join(ROOT, '.output/chrome-mv3/xero-page.js');

let c: Connected;
let dir: string;

beforeAll(async () => {
  execFileSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = await mkdtemp(path.join(tmpdir(), 'client-hub-production-script-'));
  await cp(EXTENSION_DIR, dir, { recursive: true });
  await cp(PRODUCTION_SCRIPT, path.join(dir, 'xero-page.js'));
  c = await startConnected({ extensionDir: dir });
}, 180_000);
afterAll(async () => {
  await c?.e2e.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface DomNode {
  nodeName: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: (DomNode & { shadowRootType?: string })[];
  nodeValue?: string;
}

/** Every badge as the browser itself sees it (DevTools' DOM, which shows closed roots too). */
async function badgesSeenByTheBrowser(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  await cdp.detach();
  const text = (node: DomNode): string =>
    (node.nodeValue ?? '') + (node.children ?? []).map((child) => text(child)).join('');
  const found: { rootType: string | undefined; state: string | null; text: string; href: string }[] = [];
  const attribute = (node: DomNode | undefined, name: string) => {
    const list = node?.attributes ?? [];
    const at = list.indexOf(name);
    return at >= 0 ? (list[at + 1] ?? null) : null;
  };
  const walk = (node: DomNode, siblings: DomNode[] = []) => {
    if (node.nodeName === 'CLIENT-HUB-BADGE') {
      const shadow = node.shadowRoots?.[0];
      const button = shadow?.children?.find((child) => child.nodeName === 'BUTTON');
      found.push({
        rootType: shadow?.shadowRootType,
        state: attribute(button, 'data-state'),
        text: button ? text(button) : '',
        // The link the badge sits beside.
        href:
          attribute(
            siblings.find((sibling) => sibling.nodeName === 'A'),
            'href',
          ) ?? '',
      });
    }
    for (const child of node.children ?? []) walk(child, node.children);
    for (const shadow of node.shadowRoots ?? []) walk(shadow);
  };
  walk(root);
  return found;
}

test('the production build’s badges live in closed shadow roots: the page cannot reach them', async () => {
  const page = await c.e2e.browser.context.newPage();
  await page.goto(c.listUrl(40));
  const links = await page.locator('a[href*="bankTransactionID="]').count();
  await expect.poll(() => page.locator('client-hub-badge').count(), { timeout: 15_000 }).toBe(links);
  await expect
    .poll(async () => (await badgesSeenByTheBrowser(page)).filter((b) => b.state !== null).length, {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  const badges = await badgesSeenByTheBrowser(page);
  expect(badges.every((badge) => badge.rootType === 'closed')).toBe(true);
  // What a script of the page can do: nothing of ours answers.
  const reach = await page.evaluate(`(() => {
    const hosts = [...document.querySelectorAll('client-hub-badge')];
    return {
      hosts: hosts.length,
      openRoots: hosts.filter((host) => host.shadowRoot !== null).length,
      buttons: [...document.querySelectorAll('button')].filter((b) => /Client Hub|Task:/.test(b.textContent)).length,
      textInHosts: hosts.map((host) => host.textContent).join(''),
    };
  })()`);
  expect(reach).toEqual({ hosts: links, openRoots: 0, buttons: 0, textInHosts: '' });
  await page.close();
});

test('a person’s click on a closed badge still pushes the transaction, and the badge shows the task', async () => {
  const page = await c.e2e.browser.context.newPage();
  const target = c.pushable();
  await page.goto(c.listUrl(300));
  const link = page.locator(`a[href*="${target.BankTransactionID}"]`);
  await link.scrollIntoViewIfNeeded();
  const row = page.getByRole('row').filter({ has: link });
  const badgeText = async () =>
    (await badgesSeenByTheBrowser(page)).find((b) => b.href.includes(target.BankTransactionID))?.text;
  await expect.poll(badgeText, { timeout: 15_000 }).toBe('Push to Client Hub');
  // A real click where the badge is drawn: from the host's right end, leftwards.
  const host = await row.locator('client-hub-badge').boundingBox();
  if (!host) throw new Error('no badge host in the row');
  await page.mouse.click(host.x + host.width - 20, host.y + 8);
  await expect
    .poll(async () => (await c.storedTasks()).some((t) => t.bankTransactionId === target.BankTransactionID), {
      timeout: 15_000,
    })
    .toBe(true);
  await expect.poll(badgeText, { timeout: 15_000 }).toMatch(/^Task: /);
  await page.close();
});
