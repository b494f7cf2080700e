import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { createHistoryReader } from '@/lib/suggestions/history-read';
import { historyFromDate } from '@/lib/suggestions/score';
import { createSuggestionService } from '@/lib/suggestions/service';
import { joinNotes } from '@/lib/tasks/notes';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { startTestBackground } from '../support/background';
import { control, groundTruth, harness } from '../sync/support';
import { ADMIN, notesOf, outboxSettled, statusOf, truthOf } from '../tasks/support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 17, scale: 600 });
});
afterAll(async () => {
  await sandbox?.close();
});

const truthSchema = z.array(z.object({ BankTransactionID: z.string(), AccountCode: z.string() }));

async function world(options: { fetch?: typeof fetch } = {}) {
  const h = await harness(sandbox, options.fetch ? { fetch: options.fetch } : {});
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  expect((await h.engine.syncOrganisation(company.tenantId))?.state).toBe('succeeded');
  const reader = createHistoryReader({
    db: h.db,
    api: h.api,
    now: () => sandbox.clock.now(),
    ...(h.governor ? { governor: h.governor } : {}),
  });
  return { h, company, reader };
}

test('the twelve-month read builds the index in pages of 1,000, once; the sync keeps it current', async () => {
  const { h, company, reader } = await world();
  const cursor = await reader.backfill(company.tenantId);
  expect(cursor.done).toBe(true);
  const fromDate = historyFromDate(sandbox.clock.now());
  const truth = await groundTruth(sandbox, company.tenantId);
  const coded = truth.filter(
    (t) =>
      (t.Type === 'SPEND' || t.Type === 'RECEIVE') &&
      t.Status === 'AUTHORISED' &&
      t.DateString.slice(0, 10) >= fromDate,
  );
  expect(cursor.scanned).toBe(coded.length);
  expect(cursor.calls).toBe(Math.ceil(coded.length / 1000));
  const entries = await h.db.historyEntries.where('tenantId').equals(company.tenantId).toArray();
  // The sync's own 90 days of Spend Money were indexed too; the read added the rest.
  expect(new Set(entries.map((e) => e.bankTransactionId))).toEqual(
    new Set(coded.map((t) => t.BankTransactionID.toLowerCase())),
  );
  // Ids, words and dates only: no amount of any transaction is kept.
  const stored = JSON.stringify(entries);
  for (const t of coded.slice(0, 50)) expect(stored).not.toContain(String(t.Total));
  // Done once: the next call reads nothing.
  const requestsBefore = (await control(sandbox, 'GET', '/requests')) as { stats: { total: number } };
  await reader.afterSync(company.tenantId);
  const requestsAfter = (await control(sandbox, 'GET', '/requests')) as { stats: { total: number } };
  expect(requestsAfter.stats.total).toBe(requestsBefore.stats.total);

  // A payment deleted in Xero leaves the index through the sync's incremental read.
  const gone = coded.find((t) => t.Type === 'SPEND' && t.DateString.slice(0, 10) >= fromDate);
  if (!gone) throw new Error('no spend');
  sandbox.clock.advance(60_000);
  await control(sandbox, 'DELETE', `/orgs/${company.tenantId}/bank-transactions/${gone.BankTransactionID}`);
  sandbox.clock.advance(60_000);
  expect((await h.engine.syncOrganisation(company.tenantId))?.state).toBe('succeeded');
  expect(
    await h.db.historyEntries.get([company.tenantId, gone.BankTransactionID.toLowerCase()]),
  ).toBeUndefined();

  // Suggestions on the synced tasks: high ones are right against the sandbox's hidden truth.
  const service = createSuggestionService({ db: h.db, now: () => sandbox.clock.now() });
  const suggestions = await service.forWorkspace('workspace-1');
  const tasks = await h.db.clientTasks.where('tenantId').equals(company.tenantId).toArray();
  const answers = new Map(
    truthSchema
      .parse(await control(sandbox, 'GET', `/orgs/${company.tenantId}/suggestion-truth`))
      .map((t) => [t.BankTransactionID.toLowerCase(), t.AccountCode]),
  );
  const byTask = new Map(tasks.map((t) => [t.id, t.bankTransactionId]));
  const high = suggestions.filter((s) => s.confidence === 'high');
  expect(high.length / suggestions.length).toBeGreaterThan(0.4);
  const right = high.filter((s) => answers.get(byTask.get(s.taskId) ?? '') === s.account?.code);
  expect(right.length / high.length).toBeGreaterThan(0.9);
}, 120_000);

test('Accept recodes every line, writes the History note, closes the task: once, through a worker restart', async () => {
  // The first worker dies after its History note reached Xero, before the answer came back.
  let reachedXero: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reachedXero = resolve;
  });
  const dyingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    if (url.endsWith('/History') && method === 'PUT') {
      reachedXero();
      return new Promise<Response>(() => undefined);
    }
    return response;
  };
  const { h, company, reader } = await world();
  await reader.backfill(company.tenantId);
  const first = startTestBackground({
    sandboxUrl: sandbox.url,
    db: h.db,
    fetch: dyingFetch,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  await first.ask({ type: 'setup.saveFirmUser', user: ADMIN });
  const { suggestions } = await first.ask({ type: 'suggestions.forWorkspace', workspaceId: 'workspace-1' });
  const pick = suggestions.find((s) => s.confidence === 'high');
  if (!pick?.account) throw new Error('no high-confidence suggestion');
  const task = await h.db.clientTasks.where('id').equals(pick.taskId).first();
  if (!task) throw new Error('no task');
  const accepted = await first.ask({
    type: 'suggestions.accept',
    accepts: [{ taskId: pick.taskId, accountId: pick.account.id }],
    onlyHigh: true,
  });
  expect(accepted).toEqual({ accepted: 1, skipped: 0 });
  // Pressed again while writing: nothing more is queued.
  expect(
    await first.ask({
      type: 'suggestions.accept',
      accepts: [{ taskId: pick.taskId, accountId: pick.account.id }],
      onlyHigh: true,
    }),
  ).toEqual({ accepted: 0, skipped: 1 });
  await reached;
  first.background.tasks.outbox.stop();
  expect(await statusOf(h.db, pick.taskId)).toBe('Open');

  const next = startTestBackground({
    sandboxUrl: sandbox.url,
    db: h.db,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  await next.ask({ type: 'setup.saveFirmUser', user: ADMIN });
  await outboxSettled(h.db);
  expect(await statusOf(h.db, pick.taskId)).toBe('Closed');
  const truth = await truthOf(sandbox, company.tenantId, task.bankTransactionId);
  expect(truth.LineItems.every((l) => l.AccountID.toLowerCase() === pick.account?.id)).toBe(true);
  const job = await h.db.outbox
    .filter((j) => j.taskId === pick.taskId && j.payload.kind === 'history')
    .first();
  const sent = job?.payload.kind === 'history' ? job.payload.notes : [];
  // Written once (a note over Xero's 250 characters goes as numbered parts).
  expect(notesOf(truth)).toEqual(sent);
  expect(joinNotes(notesOf(truth))).toContain(
    `Client Hub: coded from the company's history by ${ADMIN.name}. ${pick.evidence}.`,
  );
  expect(truth.History.filter((e) => e.Changes === 'Updated')).toHaveLength(1);
  // A closed task has no suggestion and cannot be accepted again.
  expect(
    await next.ask({
      type: 'suggestions.accept',
      accepts: [{ taskId: pick.taskId, accountId: pick.account.id }],
      onlyHigh: false,
    }),
  ).toEqual({ accepted: 0, skipped: 1 });
}, 120_000);

test('a stale preview is not applied, only an Admin accepts, and a possible suggestion can be asked', async () => {
  const { h, company, reader } = await world();
  await reader.backfill(company.tenantId);
  const bg = startTestBackground({
    sandboxUrl: sandbox.url,
    db: h.db,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  await bg.ask({ type: 'setup.saveFirmUser', user: { ...ADMIN, role: 'staff' } });
  const { suggestions } = await bg.ask({ type: 'suggestions.forWorkspace', workspaceId: 'workspace-1' });
  const high = suggestions.find((s) => s.confidence === 'high');
  if (!high?.account) throw new Error('no high suggestion');
  await expect(
    bg.ask({
      type: 'suggestions.accept',
      accepts: [{ taskId: high.taskId, accountId: high.account.id }],
      onlyHigh: true,
    }),
  ).rejects.toThrow(/Admin/);
  await bg.ask({ type: 'setup.saveFirmUser', user: ADMIN });
  const other = suggestions.find((s) => s.account && s.account.id !== high.account?.id)?.account;
  if (!other) throw new Error('no other account');
  expect(
    await bg.ask({
      type: 'suggestions.accept',
      accepts: [{ taskId: high.taskId, accountId: other.id }],
      onlyHigh: true,
    }),
  ).toEqual({ accepted: 0, skipped: 1 });
  const possible = suggestions.find((s) => s.confidence === 'possible');
  if (!possible?.question) throw new Error('no possible suggestion');
  expect(await bg.ask({ type: 'suggestions.ask', taskId: possible.taskId })).toEqual({
    question: possible.question,
  });
  const messages = await h.db.taskMessages.where('taskId').equals(possible.taskId).toArray();
  expect(messages.map((m) => [m.from, m.text])).toEqual([['firm', possible.question]]);
  expect(await statusOf(h.db, possible.taskId)).toBe('Open');
  expect(company.tenantId).toBeTruthy();
}, 120_000);
