import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { isolated } from '@/lib/text/hostile';
import {
  connectAsAdmin,
  demoUserOrgs,
  type E2E,
  readEveryStoreOf,
  type SandboxOrg,
  sendFromPage,
  startE2E,
  storedTasksOf,
} from './support/harness';

/**
 * Remove in Chromium with the built sandbox extension: a company with tasks, an answer, a file and a
 * Close; the dialog says what will be deleted; afterwards no object store of the extension's
 * IndexedDB holds anything of it, and the other company is untouched. Also "Check for new
 * transactions" saying a task was resolved in Xero, not "nothing new".
 */

let e2e: E2E;
let page: Page;
let a: SandboxOrg;
let b: SandboxOrg;

const ask = (message: Record<string, unknown>) => sendFromPage(page, message);
const rowOf = (name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });
const tasksOf = (tenantId: string) => storedTasksOf(page, tenantId);

beforeAll(async () => {
  e2e = await startE2E();
  const orgs = await demoUserOrgs(e2e.sandbox);
  if (!orgs[0] || !orgs[1]) throw new Error('two organisations expected');
  [a, b] = [orgs[0], orgs[1]];
  page = await e2e.options();
  await connectAsAdmin(e2e, page, [a, b]);
  const full = (await (await fetch(`${e2e.sandbox.url}/__sandbox/orgs`)).json()) as {
    tenantId: string;
    accounts: { AccountID: string; Name: string }[];
  }[];
  for (const org of [a, b]) {
    const account = full
      .find((o) => o.tenantId === org.tenantId)
      ?.accounts.find((x) => x.Name === 'Uncategorized Expense');
    if (!account) throw new Error('no Uncategorized Expense');
    await ask({
      type: 'accounts.save',
      tenantId: org.tenantId,
      monitoredAccountIds: [account.AccountID],
      types: ['SPEND'],
    });
    await ask({ type: 'sync.now', tenantId: org.tenantId });
  }
});
afterAll(async () => {
  await e2e?.close();
});

test('"Check for new transactions" says a task was resolved in Xero, not "nothing new"', async () => {
  const [task] = (await tasksOf(b.tenantId)).filter((t) => t.status === 'Open');
  if (!task) throw new Error('no open task');
  const edited = await fetch(
    `${e2e.sandbox.url}/__sandbox/orgs/${b.tenantId}/bank-transactions/${task.bankTransactionId}`,
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recategorise: { accountCode: '429' } }),
    },
  );
  expect(edited.status).toBe(200);
  await page.getByRole('button', { name: 'Check for new transactions' }).click();
  const status = page.getByRole('status').filter({ hasText: `${isolated(b.name)}:` });
  await expect
    .poll(() => status.textContent(), { timeout: 60_000 })
    .toContain(`${isolated(b.name)}: 1 task resolved in Xero.`);
  expect(await status.textContent()).toContain(`${isolated(a.name)}: nothing new.`);
});

test('Remove says what it deletes, then nothing of the company is left in any IndexedDB store', async () => {
  const tasks = await tasksOf(a.tenantId);
  const open = tasks.filter((t) => t.status === 'Open');
  const [answered, closed] = open;
  if (!answered || !closed) throw new Error('two open tasks expected');
  // An answer with a staged file, and a Close that writes to Xero: messages, files, outbox, Close
  // request, attachment list and events of the company.
  const fileId = await page.evaluate(
    ({ task, tenantId }) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('client-hub');
        open.onsuccess = () => {
          const id = crypto.randomUUID();
          const tx = open.result.transaction('taskFiles', 'readwrite');
          tx.objectStore('taskFiles').put({
            id,
            taskId: task.id,
            tenantId,
            bankTransactionId: task.bankTransactionId,
            fileName: 'receipt.pdf',
            originalName: 'receipt.pdf',
            mimeType: 'application/pdf',
            size: 12,
            sha256: null,
            blob: new Blob(['%PDF-1.4 e2e']),
            addedAt: Date.now(),
            state: 'staged',
          });
          tx.oncomplete = () => {
            open.result.close();
            resolve(id);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { task: closed, tenantId: a.tenantId },
  );
  await ask({
    type: 'tasks.recordAnswer',
    taskId: answered.id,
    text: 'Unsent answer',
    account: null,
    fileIds: [],
  });
  await ask({
    type: 'tasks.recordAnswer',
    taskId: closed.id,
    text: 'Stamps',
    account: null,
    fileIds: [fileId],
  });
  await ask({ type: 'tasks.close', taskIds: [closed.id], recode: false });
  await expect
    .poll(async () => (await tasksOf(a.tenantId)).find((t) => t.id === closed.id)?.status, {
      timeout: 30_000,
    })
    .toBe('Closed');
  await ask({ type: 'tasks.refreshAttachments', taskId: closed.id });

  const before = await readEveryStoreOf(page);
  const marks = [a.tenantId, ...tasks.map((t) => t.id)];
  const mentions = (rows: string[]) => rows.filter((row) => marks.some((mark) => row.includes(mark))).length;
  for (const store of [
    'clientTasks',
    'taskMessages',
    'taskFiles',
    'outbox',
    'closeRequests',
    'taskEvents',
    'xeroAttachments',
  ]) {
    expect(mentions(before[store] ?? []), `${store} before Remove`).toBeGreaterThan(0);
  }
  const tasksOfB = (await tasksOf(b.tenantId)).length;

  await rowOf(a.name)
    .getByRole('button', { name: /^Remove/ })
    .click();
  const dialog = page.getByRole('dialog', { name: `Remove ${isolated(a.name)}?` });
  const impact = dialog.getByTestId('removal-impact');
  const openNow = tasks.length - 2; // one Answered, one Closed
  await expect
    .poll(() => impact.textContent())
    .toContain(`${tasks.length} Client Tasks (${openNow} open, 1 answered, 1 closed).`);
  expect(await impact.textContent()).toContain('1 client answer not yet written to Xero: it will be lost.');
  await dialog.getByRole('button', { name: `Remove ${isolated(a.name)}` }).click();
  await rowOf(a.name).waitFor({ state: 'detached', timeout: 30_000 });

  const after = await readEveryStoreOf(page);
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const [store, rows] of Object.entries(after)) {
    expect(mentions(rows), `${store} after Remove`).toBe(0);
  }
  expect(JSON.stringify(after)).not.toContain('Unsent answer');
  expect((await tasksOf(b.tenantId)).length).toBe(tasksOfB);
});
