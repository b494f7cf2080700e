import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sandbox } from '../../../sandbox/server';
import { signIn } from '../../hub/harness';
import type { RestartableHub } from '../../support/hub-server';
import { notesOf, truthOf } from '../tasks/support';
import {
  type Browser,
  feedOf,
  type HubFirm,
  type HubSync,
  newTransaction,
  openBrowser,
  startHubSync,
} from './support';

let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let admin: Browser;
let staff: Browser;

beforeAll(async () => {
  world = await startHubSync(31);
  ({ sandbox, hub, firm } = world);
  admin = await openBrowser(sandbox, hub, firm.admin.email, { xero: true });
  staff = await openBrowser(sandbox, hub, firm.staff.email);
}, 120_000);

afterAll(() => world?.close());

test('the tasks the sync makes reach the hub once each; a colleague without a Xero token sees them Open', async () => {
  await admin.settle(); // links the company to its workspace on the hub
  await admin.sync();
  const local = await admin.tasks();
  expect(local.length).toBeGreaterThan(0);
  await admin.settle();

  const { changes } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const onHub = changes.flatMap((c) => (c.kind === 'task' && 'bankTransactionId' in c.task ? [c.task] : []));
  expect(onHub.map((t) => t.bankTransactionId).sort()).toEqual(local.map((t) => t.bankTransactionId).sort());
  expect(await admin.pendingHubJobs()).toEqual([]);
  for (const task of await admin.tasks()) {
    expect(task.hub?.taskId).toBe(onHub.find((t) => t.bankTransactionId === task.bankTransactionId)?.id);
  }

  await staff.settle();
  const seen = await staff.tasks();
  expect(seen.map((t) => [t.bankTransactionId, t.status, t.workspaceId]).sort()).toEqual(
    local.map((t) => [t.bankTransactionId, 'Open', firm.workspaceId]).sort(),
  );
  // The colleague's Client Tasks page lists the firm's workspace.
  expect((await staff.db.workspaces.get(firm.workspaceId))?.name).toBe('Corner Stationers Ltd');
  const one = local[0];
  const copy = seen.find((t) => t.bankTransactionId === one?.bankTransactionId);
  expect(copy?.snapshot).toEqual({ ...one?.snapshot, attachmentCount: null });
});

test("the client's answer from the portal (comment + Answered) arrive; nothing goes back", async () => {
  const [task] = await admin.tasks();
  if (!task?.hub) throw new Error('no task on the hub');
  const client = await signIn(hub.url, firm.client.email);
  const path = `/api/workspaces/${firm.workspaceId}/tasks/${task.hub.taskId}`;
  expect(
    (await client.request('POST', `${path}/comments`, { body: 'Printer paper for the office' })).status,
  ).toBe(201);
  expect((await client.request('PUT', `${path}/status`, { status: 'Answered' })).status).toBe(200);
  const before = (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).lastSeq;

  await admin.settle();
  const answered = (await admin.tasks()).find((t) => t.id === task.id);
  expect(answered?.status).toBe('Answered');
  expect(answered?.hub?.statusChangedBy?.name).toBe('Cleo Client');
  const messages = await admin.db.taskMessages.where('taskId').equals(task.id).toArray();
  expect(messages.map((m) => [m.from, m.recordedBy, m.text])).toEqual([
    ['client', 'Cleo Client', 'Printer paper for the office'],
  ]);
  const events = await admin.db.taskEvents.where('taskId').equals(task.id).toArray();
  expect(events.map((e) => e.text)).toContain('Answered by Cleo Client');

  // Pulled changes are never pushed back: more rounds on both sides change nothing on the hub.
  await staff.settle();
  await admin.settle();
  expect(await admin.pendingHubJobs()).toEqual([]);
  expect((await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).lastSeq).toBe(before);
});

test('comments and Re-open made in one browser reach the hub once and the colleague sees them', async () => {
  const [task] = (await admin.tasks()).filter((t) => t.status === 'Answered');
  if (!task) throw new Error('no answered task');
  await admin.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Thanks, coding it now' });
  await admin.bg.ask({ type: 'tasks.reopen', taskIds: [task.id] });
  await admin.settle();
  await staff.settle();
  await admin.settle();

  const { changes } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const comments = changes.flatMap((c) =>
    c.kind === 'comment' && c.comment.taskId === task.hub?.taskId ? [c.comment] : [],
  );
  expect(comments.map((c) => c.body)).toEqual(['Printer paper for the office', 'Thanks, coding it now']);
  // One copy each, in both browsers.
  for (const browser of [admin, staff]) {
    const local = (await browser.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
    expect(local?.status).toBe('Open');
    const messages = await browser.db.taskMessages
      .where('taskId')
      .equals(local?.id ?? '')
      .sortBy('at');
    expect(messages.map((m) => m.text)).toEqual(['Printer paper for the office', 'Thanks, coding it now']);
  }
  const colleague = (await staff.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  expect(colleague?.hub?.statusChangedBy?.name).toBe('Ada Admin');
});

test('a transaction the sync finds later is pushed on the next round, and a new round pushes nothing twice', async () => {
  const monitoredId = [...(admin.h?.companies[0]?.monitored ?? [])][0] as string;
  const id = await newTransaction(sandbox, admin.tenantId, monitoredId, 77.7);
  await admin.sync();
  await admin.settle();
  await staff.settle();
  expect((await staff.tasks()).some((t) => t.bankTransactionId === id)).toBe(true);
  const { lastSeq } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  // The sync runs again over the same transactions: the hub sees nothing new.
  await admin.sync();
  await admin.settle();
  expect((await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).lastSeq).toBe(lastSeq);
});

test('a Close from a browser without the Xero token is recorded on the hub; the browser that holds it writes the answer to Xero', async () => {
  const [task] = (await admin.tasks()).filter((t) => t.status === 'Open' && t.hub);
  if (!task?.hub) throw new Error('no open task on the hub');
  const client = await signIn(hub.url, firm.client.email);
  const path = `/api/workspaces/${firm.workspaceId}/tasks/${task.hub.taskId}`;
  await client.request('POST', `${path}/comments`, { body: 'Team lunch with the Smith account' });
  await client.request('PUT', `${path}/status`, { status: 'Answered' });
  await staff.settle();
  const there = (await staff.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  if (!there) throw new Error('not pulled');
  expect(there.status).toBe('Answered');

  // Sam's browser holds no Xero token: the Close is recorded, nothing is written to Xero from here.
  expect(await staff.bg.ask({ type: 'tasks.close', taskIds: [there.id], recode: false })).toMatchObject({
    closed: 1,
  });
  await staff.settle();
  expect(await staff.db.outbox.filter((j) => !j.payload.kind.startsWith('hub-')).count()).toBe(0);

  await admin.settle();
  await admin.bg.background.tasks.outbox.idle();
  const truth = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(truth).some((note) => note.includes('Team lunch with the Smith account'))).toBe(true);
  const closed = (await admin.tasks()).find((t) => t.id === task.id);
  expect(closed?.status).toBe('Closed');
  expect(closed?.hub?.statusChangedBy?.name).toBe('Sam Staff');
  const events = (await admin.db.taskEvents.where('taskId').equals(task.id).toArray()).map((e) => e.text);
  expect(events).toContain('Closed by Sam Staff');
  expect(events.some((e) => /answer written to the transaction's History in Xero/i.test(e))).toBe(true);
  const written = await admin.db.taskMessages.where('taskId').equals(task.id).toArray();
  expect(written.every((m) => m.from !== 'client' || m.writtenToXeroAt !== null)).toBe(true);
  // Another round writes nothing twice.
  await admin.settle();
  const again = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(again)).toEqual(notesOf(truth));
});
