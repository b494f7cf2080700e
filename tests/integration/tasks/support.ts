import { expect } from 'vitest';
import { z } from 'zod';
import type { ClientHubDb } from '@/lib/db/database';
import { clientTaskSchema } from '@/lib/sync/records';
import type { TaskFile } from '@/lib/tasks/records';
import type { Sandbox } from '../../../sandbox/server';
import { startTestBackground } from '../support/background';
import { control, harness } from '../sync/support';

export const ADMIN = { name: 'Ada Admin', email: 'ada@firm.test', role: 'admin' as const };

const truthSchema = z
  .object({
    BankTransactionID: z.string(),
    Status: z.string(),
    LineItems: z.array(
      z.object({ AccountID: z.string(), LineItemID: z.string(), LineAmount: z.number() }).loose(),
    ),
    Total: z.number(),
    Attachments: z.array(z.object({ FileName: z.string(), Sha256: z.string(), ContentLength: z.number() })),
    History: z.array(z.object({ Changes: z.string(), Details: z.string() }).loose()),
  })
  .loose();
export type Truth = z.infer<typeof truthSchema>;

/** The sandbox's ground truth for one transaction (attachments with hashes, full history). */
export async function truthOf(sandbox: Sandbox, tenantId: string, id: string): Promise<Truth> {
  return truthSchema.parse(await control(sandbox, 'GET', `/orgs/${tenantId}/bank-transactions/${id}`));
}

/** History notes written through the API (not Xero's own "Created"/"Updated" entries). */
export const notesOf = (truth: Truth) =>
  truth.History.filter((h) => h.Changes === 'Note').map((h) => h.Details);

/**
 * A firm with one connected Xero company (the sync engineer's harness), a fresh transaction in a
 * monitored account turned into a Client Task by a real sync, and the real background on the same
 * IndexedDB with an Admin signed in.
 */
export async function taskWorld(
  sandbox: Sandbox,
  options: {
    orgIndex?: number;
    lines?: { description: string; amount: number; monitored?: boolean }[];
    fetch?: typeof fetch;
    db?: ClientHubDb;
  } = {},
) {
  const h = await harness(sandbox, {
    orgIndexes: [options.orgIndex ?? 0],
    ...(options.db ? { db: options.db } : {}),
  });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  const monitoredId = [...company.monitored][0] as string;
  const orgs = z
    .array(
      z
        .object({
          tenantId: z.string(),
          accounts: z.array(
            z
              .object({
                AccountID: z.string(),
                Code: z.string(),
                Name: z.string(),
                Type: z.string(),
                Status: z.string(),
                Class: z.string(),
              })
              .loose(),
          ),
        })
        .loose(),
    )
    .parse(await control(sandbox, 'GET', '/orgs'));
  const accounts = orgs.find((o) => o.tenantId === company.tenantId)?.accounts ?? [];
  const expense = accounts.find(
    (a) =>
      a.Class === 'EXPENSE' &&
      a.Status === 'ACTIVE' &&
      a.Type !== 'BANK' &&
      !company.monitored.has(a.AccountID.toLowerCase()),
  );
  if (!expense) throw new Error('no expense account');
  const date = new Date(sandbox.clock.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const lines = options.lines ?? [{ description: 'Mystery card payment', amount: 42.5, monitored: true }];
  const created = z.object({ BankTransactionID: z.string() }).parse(
    await control(sandbox, 'POST', `/orgs/${company.tenantId}/bank-transactions`, {
      type: 'SPEND',
      contactName: 'Corner Stationers',
      date,
      lineItems: lines.map((line) => ({
        description: line.description,
        amount: line.amount,
        accountId: line.monitored === false ? expense.AccountID : monitoredId,
      })),
    }),
  );
  const bankTransactionId = created.BankTransactionID.toLowerCase();
  await h.engine.syncOrganisation(company.tenantId);
  const task = clientTaskSchema.parse(await h.db.clientTasks.get([company.tenantId, bankTransactionId]));
  const bg = startTestBackground({
    sandboxUrl: sandbox.url,
    db: h.db,
    launchSignIn: async () => {
      throw new Error('no sign-in in task tests');
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  await bg.ask({ type: 'setup.saveFirmUser', user: ADMIN });
  return {
    h,
    bg,
    task,
    tenantId: company.tenantId,
    bankTransactionId,
    monitoredId,
    expense: { id: expense.AccountID.toLowerCase(), code: expense.Code, name: expense.Name },
  };
}

let fileCounter = 0;

/** What the page does with a file the person picks: keep it in IndexedDB as a staged Blob. */
export async function stageFile(
  db: ClientHubDb,
  task: { id: string; tenantId: string; bankTransactionId: string },
  name: string,
  content: Uint8Array<ArrayBuffer> | string,
  mimeType = 'application/pdf',
): Promise<string> {
  const blob = new Blob([content], { type: mimeType });
  const file: TaskFile = {
    id: `file-${process.pid}-${++fileCounter}`,
    taskId: task.id,
    tenantId: task.tenantId,
    bankTransactionId: task.bankTransactionId,
    fileName: name,
    originalName: name,
    mimeType,
    size: blob.size,
    sha256: null,
    blob,
    addedAt: Date.now(),
    state: 'staged',
  };
  await db.taskFiles.add(file);
  return file.id;
}

/** Waits until the outbox has nothing pending or running (retries included). */
export async function outboxSettled(db: ClientHubDb, timeout = 45_000) {
  await expect
    .poll(async () => db.outbox.where('state').anyOf('pending', 'running').count(), {
      timeout,
      interval: 100,
    })
    .toBe(0);
}

export async function statusOf(db: ClientHubDb, taskId: string) {
  return (await db.clientTasks.where('id').equals(taskId).first())?.status;
}

/** A fetch whose first matching write reaches Xero, then never answers: the worker "dies" there. */
export function dyingOn(matches: (method: string, url: string) => boolean) {
  let reachedXero: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reachedXero = resolve;
  });
  let died = false;
  const fetchThatDies: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = (input instanceof Request ? input.method : init?.method) ?? 'GET';
    if (!died && matches(method, url)) {
      died = true;
      reachedXero();
      return new Promise<Response>(() => undefined);
    }
    return response;
  };
  return { fetch: fetchThatDies, reached };
}

/** A new background (service worker) on the same IndexedDB, the dead one's outbox stopped. */
export async function nextWorker(sandbox: Sandbox, w: Awaited<ReturnType<typeof taskWorld>>) {
  w.bg.background.tasks.outbox.stop();
  const next = startTestBackground({
    sandboxUrl: sandbox.url,
    db: w.h.db,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  await next.ask({ type: 'setup.saveFirmUser', user: ADMIN });
  return next;
}
