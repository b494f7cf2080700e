import type { Page } from 'playwright-core';
import { answerXeroSignIn, type E2E, fillFirstRun, type SandboxOrg, sandboxOrgs, startE2E } from './harness';

/** A bank transaction as the sandbox's control API lists it. */
export interface XeroTransaction {
  BankTransactionID: string;
  Type: string;
  Status: string;
  Date: string;
  BankAccount: { AccountID: string };
  LineItems: { AccountID?: string }[];
}

export interface Connected {
  e2e: E2E;
  /** The options page: the extension's origin, for messages and IndexedDB reads. */
  options: Page;
  org: SandboxOrg;
  /** The organisation's transactions, newest first (as the list shows them). */
  transactions: XeroTransaction[];
  /** A transaction the sync turned into a task. */
  synced: XeroTransaction;
  /** A Spend Money transaction in the same account as `synced`, with no task and not in `exclude`. */
  pushable(exclude?: string[]): XeroTransaction;
  listUrl(rows?: number): string;
  storedTasks(): Promise<{ id: string; bankTransactionId: string; status: string }[]>;
}

const dateOf = (t: XeroTransaction) => Number(/\d+/.exec(t.Date)?.[0]);

/**
 * Chromium with the extension, an Admin, and the demo user's first organisation connected through
 * Xero sign-in, its "Uncategorized Expense" monitored and synced (so some transactions have tasks).
 */
export async function startConnected(): Promise<Connected> {
  const e2e = await startE2E();
  const base = e2e.sandbox.url;
  const json = async <T>(path: string) => (await (await fetch(`${base}/__sandbox${path}`)).json()) as T;
  const users = await json<{ email: string; tenantIds: string[] }[]>('/users');
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  const org = (await sandboxOrgs(e2e.sandbox)).find((o) => demo?.tenantIds.includes(o.tenantId));
  if (!org) throw new Error('the demo user has no organisation');
  const full = await json<{ tenantId: string; accounts: { AccountID: string; Name: string }[] }[]>('/orgs');
  const uncategorized = full
    .find((o) => o.tenantId === org.tenantId)
    ?.accounts.find((x) => x.Name === 'Uncategorized Expense');
  if (!uncategorized) throw new Error('no Uncategorized Expense account');
  const truth = await json<XeroTransaction[] | { BankTransactions: XeroTransaction[] }>(
    `/orgs/${org.tenantId}/bank-transactions`,
  );
  const transactions = (Array.isArray(truth) ? truth : truth.BankTransactions).sort(
    (x, y) => dateOf(y) - dateOf(x),
  );

  const options = await e2e.options();
  await fillFirstRun(options, { name: 'Ada Admin', email: 'ada@firm.test', role: 'Admin' });
  await answerXeroSignIn(
    e2e.browser.context,
    () => options.getByRole('button', { name: '+ Add Another Xero company' }).click(),
    [org.name],
  );
  const dialog = options.getByRole('dialog', { name: `Choose a workspace for ${org.name}` });
  await dialog.getByRole('button', { name: 'Link workspace' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const ask = (message: Record<string, unknown>) =>
    options.evaluate(async (m) => {
      const runtime = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } } }
      ).chrome.runtime;
      return runtime.sendMessage(m);
    }, message);
  await ask({
    type: 'accounts.save',
    tenantId: org.tenantId,
    monitoredAccountIds: [uncategorized.AccountID],
    types: ['SPEND'],
  });
  await ask({ type: 'sync.now', tenantId: org.tenantId });

  const storedTasks: Connected['storedTasks'] = () =>
    options.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('client-hub');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('clientTasks').objectStore('clientTasks').getAll();
            all.onsuccess = () => {
              resolve(all.result);
              open.result.close();
            };
          };
        }),
    );
  const tasks = await storedTasks();
  const synced = transactions.find((t) =>
    tasks.some((task) => task.bankTransactionId.toLowerCase() === t.BankTransactionID.toLowerCase()),
  );
  if (!synced) throw new Error('the sync made no task for a known transaction');
  return {
    e2e,
    options,
    org,
    transactions,
    synced,
    storedTasks,
    listUrl: (rows = 300) =>
      `${base}/Bank/BankTransactions.aspx?accountID=${synced.BankAccount.AccountID}&tenant=${org.tenantId}&rows=${rows}`,
    pushable(exclude = []) {
      const found = transactions.find(
        (t) =>
          t.Type === 'SPEND' &&
          t.Status === 'AUTHORISED' &&
          t.BankAccount.AccountID === synced.BankAccount.AccountID &&
          !t.LineItems.some((l) => l.AccountID === uncategorized.AccountID) &&
          !exclude.includes(t.BankTransactionID),
      );
      if (!found) throw new Error('no pushable transaction in the seed');
      return found;
    },
  };
}
