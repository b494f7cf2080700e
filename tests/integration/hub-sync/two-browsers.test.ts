import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sandbox } from '../../../sandbox/server';
import type { RestartableHub } from '../../support/hub-server';
import { type Browser, feedOf, type HubFirm, type HubSync, openBrowser, startHubSync } from './support';

let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let first: Browser;
let second: Browser;

beforeAll(async () => {
  world = await startHubSync(47);
  ({ sandbox, hub, firm } = world);
  // Two firm users who both connected the same Xero company, each in their own browser.
  first = await openBrowser(sandbox, hub, firm.admin.email, { xero: true });
  second = await openBrowser(sandbox, hub, firm.staff.email, { xero: true });
}, 120_000);

afterAll(() => world?.close());

test('two browsers syncing one Xero company make one task per transaction on the hub', async () => {
  await Promise.all([first.settle(), second.settle()]);
  // Both sync the same transactions and send them at the same time.
  await Promise.all([first.sync(), second.sync()]);
  await Promise.all([first.round(), second.round()]);
  await Promise.all([first.settle(), second.settle()]);

  const { changes } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const onHub = changes.flatMap((c) => (c.kind === 'task' && 'bankTransactionId' in c.task ? [c.task] : []));
  const ids = onHub.map((t) => t.bankTransactionId);
  expect(new Set(ids).size).toBe(ids.length);
  const local = await first.tasks();
  expect(ids.sort()).toEqual(local.map((t) => t.bankTransactionId).sort());
  // Each browser knows each task by the hub's one id.
  const hubIdOf = new Map(onHub.map((t) => [t.bankTransactionId, t.id]));
  for (const browser of [first, second]) {
    const tasks = await browser.tasks();
    expect(tasks).toHaveLength(onHub.length);
    for (const task of tasks) expect(task.hub?.taskId).toBe(hubIdOf.get(task.bankTransactionId));
    expect(await browser.pendingHubJobs()).toEqual([]);
  }
});

test("a Close in one browser shows in the other with who did it, and the browsers' updates do not ping-pong", async () => {
  const [task] = await first.tasks();
  if (!task) throw new Error('no task');
  // No answer to write to Xero: the task closes at once.
  const closed = await first.bg.ask({ type: 'tasks.close', taskIds: [task.id], recode: false });
  expect(closed).toMatchObject({ closed: 1 });
  await first.settle();
  await second.settle();
  const there = (await second.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  expect(there?.status).toBe('Closed');
  expect(there?.hub?.statusChangedBy?.name).toBe('Ada Admin');

  const { lastSeq } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  // Both keep syncing Xero and polling the hub: nothing changes on the hub any more.
  await Promise.all([first.sync(), second.sync()]);
  for (let i = 0; i < 3; i++) await Promise.all([first.settle(), second.settle()]);
  expect((await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).lastSeq).toBe(lastSeq);
  expect((await first.tasks()).find((t) => t.id === task.id)?.status).toBe('Closed');
});

test('conflicting status changes: the change sent last wins in both browsers, and neither flips back', async () => {
  const [, task] = await first.tasks();
  if (!task) throw new Error('no task');
  const other = (await second.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  if (!other) throw new Error('not in the second browser');
  // Both act before either has heard of the other's change.
  await first.bg.ask({ type: 'tasks.close', taskIds: [task.id], recode: false });
  await second.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: other.id,
    text: 'It was a client lunch',
    account: null,
    fileIds: [],
  });
  await first.round();
  await second.round();
  await Promise.all([first.settle(), second.settle()]);
  const a = (await first.tasks()).find((t) => t.id === task.id);
  const b = (await second.tasks()).find((t) => t.id === other.id);
  // The second browser's Answered reached the hub last.
  expect(a?.status).toBe('Answered');
  expect(b?.status).toBe('Answered');
  expect(a?.hub?.seq).toBe(b?.hub?.seq);
  const messages = await first.db.taskMessages.where('taskId').equals(task.id).toArray();
  expect(messages.map((m) => m.text)).toEqual(['It was a client lunch']);
});
