import type { Page } from 'playwright-core';
import { connectAsAdmin, type E2E, type SandboxOrg, sandboxOrgs, startE2E } from './harness';

/** A bank transaction as the sandbox's ground truth lists it. */
export interface XeroTransaction {
  BankTransactionID: string;
  Type: string;
  Status: string;
  Date: string;
  Contact?: { Name?: string };
  BankAccount: { AccountID: string };
  LineItems: { AccountID?: string }[];
}

/** Messages as the extension's own pages send them (the background refuses anyone else). */
export function askFrom<T>(options: Page, message: Record<string, unknown>): Promise<T> {
  return options.evaluate(async (m) => {
    const runtime = (
      globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<unknown> } } }
    ).chrome.runtime;
    return runtime.sendMessage(m);
  }, message) as Promise<T>;
}

/** Every Client Task row in the extension's IndexedDB, read from the options page (same origin). */
export function storedTasksFrom(
  options: Page,
): Promise<{ id: string; bankTransactionId: string; status: string }[]> {
  return options.evaluate(
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
}

/**
 * An Admin connects the demo user's first organisation (A) and leaves the second (B) unconnected;
 * A's "Uncategorized Expense" is monitored for Spend Money and synced, so some transactions have tasks.
 */
export async function connectFirstCompany(e2e: E2E) {
  const base = e2e.sandbox.url;
  const users = (await (await fetch(`${base}/__sandbox/users`)).json()) as {
    email: string;
    tenantIds: string[];
  }[];
  const demo = users.find((u) => u.email === 'demo@sandbox.test');
  const [a, b] = (await sandboxOrgs(e2e.sandbox)).filter((o) => demo?.tenantIds.includes(o.tenantId)) as [
    SandboxOrg,
    SandboxOrg,
  ];
  if (!a || !b) throw new Error('the demo user needs two organisations');
  const full = (await (await fetch(`${base}/__sandbox/orgs`)).json()) as {
    tenantId: string;
    accounts: { AccountID: string; Name: string }[];
  }[];
  const account = full
    .find((o) => o.tenantId === a.tenantId)
    ?.accounts.find((x) => x.Name === 'Uncategorized Expense');
  if (!account) throw new Error('no Uncategorized Expense account');
  const truth = (await (await fetch(`${base}/__sandbox/orgs/${a.tenantId}/bank-transactions`)).json()) as
    | XeroTransaction[]
    | { BankTransactions: XeroTransaction[] };
  const dateOf = (t: XeroTransaction) => Number(/\d+/.exec(t.Date)?.[0]);
  const transactions = (Array.isArray(truth) ? truth : truth.BankTransactions).sort(
    (x, y) => dateOf(y) - dateOf(x),
  );

  const options = await e2e.options();
  await connectAsAdmin(e2e, options, [a]);
  // The sync turns transactions coded to Uncategorized Expense into tasks.
  await askFrom(options, {
    type: 'accounts.save',
    tenantId: a.tenantId,
    monitoredAccountIds: [account.AccountID],
    types: ['SPEND'],
  });
  // Waits for the backfill that saving started (one sync per company at a time), then syncs again.
  await askFrom(options, { type: 'sync.now', tenantId: a.tenantId });
  const tasks = await storedTasksFrom(options);
  const synced = transactions.find((t) =>
    tasks.some((task) => task.bankTransactionId === t.BankTransactionID),
  );
  if (!synced) throw new Error('the sync made no task for a known transaction');
  return { a, b, options, transactions, synced, uncategorizedId: account.AccountID };
}

/** A Spend Money transaction in the same bank account as `synced`, not coded to the monitored account. */
export function pushableIn(
  world: { transactions: XeroTransaction[]; synced: XeroTransaction; uncategorizedId: string },
  exclude: (id: string) => boolean,
): XeroTransaction {
  const found = world.transactions.find(
    (t) =>
      t.Type === 'SPEND' &&
      t.Status === 'AUTHORISED' &&
      t.BankAccount.AccountID === world.synced.BankAccount.AccountID &&
      !t.LineItems.some((l) => l.AccountID === world.uncategorizedId) &&
      !exclude(t.BankTransactionID),
  );
  if (!found) throw new Error('no pushable transaction in the seed');
  return found;
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

/** Chromium with the extension and the first company connected (connectFirstCompany), for one test file. */
export async function startConnected(launch: { extensionDir?: string } = {}): Promise<Connected> {
  const e2e = await startE2E(launch);
  const world = await connectFirstCompany(e2e);
  const { a, options, transactions, synced } = world;
  return {
    e2e,
    options,
    org: a,
    transactions,
    synced,
    storedTasks: () => storedTasksFrom(options),
    listUrl: (rows = 300) =>
      `${e2e.sandbox.url}/Bank/BankTransactions.aspx?accountID=${synced.BankAccount.AccountID}&tenant=${a.tenantId}&rows=${rows}`,
    pushable: (exclude = []) => pushableIn(world, (id) => exclude.includes(id)),
  };
}
