// @vitest-environment happy-dom
import { expect, test, vi } from 'vitest';
import { transactionBadges } from '@/lib/content/features/transaction-badges';
import type { PageView } from '@/lib/content/page';
import { createTaskStore } from '@/lib/content/task-store';
import { keepShadowRoots } from './closed-roots';

/** The badges' roots, closed outside the sandbox build, kept as they are attached. */
const roots = keepShadowRoots();

const idOf = (n: number) => `3a1b2c3d-1111-4222-8333-${String(n).padStart(12, '0')}`;

/** Starts the feature on a list of `hrefs`; every lookup the background was asked for is recorded. */
async function listWith(hrefs: string[]) {
  document.body.innerHTML = `<table><tbody>${hrefs
    .map((href) => `<tr><td><a href="${href}">Payee</a></td></tr>`)
    .join('')}</tbody></table>`;
  const asked: string[][] = [];
  const ask = (async (message: { type: string; bankTransactionIds?: string[] }) => {
    if (message.type !== 'tasks.lookup') throw new Error('not expected');
    asked.push(message.bankTransactionIds ?? []);
    return { tasks: [] };
  }) as unknown as Parameters<typeof createTaskStore>[1];
  const store = createTaskStore('tenant-a', ask);
  const page: PageView = {
    url: new URL('https://go.xero.com/Bank/BankTransactions.aspx?accountID=1'),
    organisation: async () => ({ store, isAdmin: false }),
  };
  const controller = new AbortController();
  await transactionBadges.init(controller.signal, page);
  return { asked, stop: () => controller.abort() };
}

const buttonBeside = (link: Element) => {
  const host = link.previousElementSibling;
  return host ? roots.get(host)?.querySelector('button') : undefined;
};

test('every transaction link gets one badge drawn with its status; a link that names no transaction gets nothing', async () => {
  const transactions = Array.from(
    { length: 130 },
    (_, n) => `/Bank/ViewTransaction.aspx?bankTransactionID=${idOf(n)}`,
  );
  const { asked, stop } = await listWith([
    ...transactions,
    '/Bank/ViewTransaction.aspx?bankTransactionID=not-a-transaction',
  ]);
  const links = [...document.querySelectorAll('a')];
  await vi.waitFor(
    () => expect(buttonBeside(links[129] as Element)?.getAttribute('data-state')).toBe('none'),
    { timeout: 5000 },
  );
  expect(document.querySelectorAll('client-hub-badge')).toHaveLength(130);
  expect(buttonBeside(links[0] as Element)?.textContent).toBe('Push to Client Hub');
  expect(links[130]?.previousElementSibling).toBeNull();
  // The top of the list is asked for on its own (at most 60 rows: a busy machine ends a slice, and
  // sends what it read, sooner), then the rest; each transaction once.
  expect(asked[0]?.length).toBeGreaterThan(0);
  expect(asked[0]?.length).toBeLessThanOrEqual(60);
  expect(asked.length).toBeGreaterThanOrEqual(2);
  expect(asked.flat().sort()).toEqual(transactions.map((_, n) => idOf(n)).sort());
  stop();
  expect(document.querySelectorAll('client-hub-badge')).toHaveLength(0);
});
