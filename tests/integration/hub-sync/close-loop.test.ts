import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { taskSchema } from '@/lib/hub/contract';
import { sessionApi } from '@/lib/hub/live';
import { createHubPull } from '@/lib/hub/pull';
import { hubSessionStore } from '@/lib/hub/session';
import { createUser } from '../../../hub/domain/users';
import { chartOf } from '../../../hub/domain/workspaces';
import type { Sandbox } from '../../../sandbox/server';
import { signIn, uniqueEmail } from '../../hub/harness';
import type { RestartableHub } from '../../support/hub-server';
import { keptMail, type PortalVisitor, signInByLink } from '../../support/portal';
import { jpeg } from '../../support/receipts';
import { startTestBackground } from '../support/background';
import { dyingOn, notesOf, outboxSettled, truthOf } from '../tasks/support';
import {
  type Browser,
  feedOf,
  type HubFirm,
  type HubSync,
  hubFirm,
  newTransaction,
  openBrowser,
  PASSWORD,
  startHubSync,
} from './support';

/**
 * The way back from a client's answer on the hub into Xero: the chart the portal offers from, the
 * client's files downloaded only when needed, and Close writing History, the files and the recode
 * exactly once, whether it was made in the browser holding the Xero token or in a colleague's.
 */

let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let admin: Browser;
/** A second Admin of the firm whose browser holds no Xero token (a laptop, say). */
let colleague: Browser;
let client: PortalVisitor;
let fuel: { accountId: string; code: string; name: string };

const W = () => `/api/workspaces/${firm.workspaceId}`;

beforeAll(async () => {
  world = await startHubSync(47);
  ({ sandbox, hub, firm } = world);
  const second = await createUser(hub.hub().services, hub.hub().auth, firm.firmId, {
    email: uniqueEmail('admin2'),
    name: 'Cal Colleague',
    role: 'Admin',
    password: PASSWORD,
  });
  admin = await openBrowser(sandbox, hub, firm.admin.email, { xero: true });
  colleague = await openBrowser(sandbox, hub, second.email);
  client = await signInByLink(hub.url, firm.client.email, keptMail(hub.dataDir, firm.client.email));
}, 180_000);

afterAll(() => world?.close());

/** The chart the portal offers from, as the hub stored it (it has no route to read it back). */
const chartOnHub = async () => chartOf(hub.hub().services, firm.workspaceId);

const chartUploads = async () => {
  const activity = await firm.adminCaller.request<{ activity: { action: string }[] }>(
    'GET',
    `${W()}/activity`,
  );
  return activity.body.activity.filter((a) => a.action === 'workspace.chart-replaced').length;
};

const hubTask = async (hubTaskId: string) =>
  taskSchema.parse((await firm.adminCaller.request('GET', `${W()}/tasks/${hubTaskId}`)).body);

/** The client answers one question in the portal: words, a photo of the receipt, an account. */
async function clientAnswers(hubTaskId: string, answer: string, photo: Uint8Array<ArrayBuffer>) {
  const form = new FormData();
  form.append('taskId', hubTaskId);
  form.append('answer', answer);
  form.append('accountId', fuel.accountId);
  form.append('submission', randomUUID());
  form.append('receipt', new Blob([photo], { type: 'image/jpeg' }), 'receipt photo.jpg');
  const sent = await client.post(`/portal/workspaces/${firm.workspaceId}/answers`, form);
  expect(sent.status).toBe(303);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An open task of the admin's browser that the hub knows, not used by an earlier test. */
const used = new Set<string>();
async function freshTask() {
  const task = (await admin.tasks()).find((t) => t.status === 'Open' && t.hub && !used.has(t.id));
  if (!task?.hub)
    throw new Error(
      `no open task on the hub: ${JSON.stringify((await admin.tasks()).map((t) => [t.status, Boolean(t.hub)]))}`,
    );
  used.add(task.id);
  return { ...task, hub: task.hub };
}

test('the chart of accounts goes to the workspace after the sync, without bank or archived accounts, and only when it changed', async () => {
  await admin.settle(); // links the company
  // Enough questions for every test of this file, one each.
  const monitoredId = [...(admin.h?.companies[0]?.monitored ?? [])][0] as string;
  for (let i = 0; i < 4; i++) await newTransaction(sandbox, admin.tenantId, monitoredId, 20 + i);
  await admin.sync(); // loads the chart and makes the tasks
  await admin.settle();
  const chart = await chartOnHub();
  const local = await admin.db.accounts.where('tenantId').equals(admin.tenantId).toArray();
  const usable = local.filter((a) => a.status === 'ACTIVE' && !a.isBankAccount && !a.systemAccount);
  expect(chart.map((a) => a.accountId).sort()).toEqual(usable.map((a) => a.accountId).sort());
  expect(local.some((a) => a.isBankAccount)).toBe(true);
  expect(await chartUploads()).toBe(1);

  // The same chart again (another sync that reloads it, a worker start): nothing is sent.
  await admin.h?.engine.loadAccounts(admin.tenantId);
  await admin.settle();
  expect(await chartUploads()).toBe(1);

  const expense = chart.find((a) => a.type === 'EXPENSE' && a.code);
  if (!expense) throw new Error('no expense account in the chart');
  fuel = { accountId: expense.accountId, code: expense.code, name: expense.name };
  const settings = await firm.adminCaller.request('PUT', `${W()}/settings`, {
    clientAccountChoice: true,
    clientAccountIds: [fuel.accountId],
  });
  expect(settings.status).toBe(200);
});

test("the client's photo is listed but downloaded only when someone opens it; then it is kept", async () => {
  const task = await freshTask();
  const photo = jpeg(3000);
  await clientAnswers(task.hub.taskId, 'Fuel for the van', photo);
  const downloads: string[] = [];
  const counting = await openBrowser(sandbox, hub, firm.staff.email, {
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (/\/files\/[^/]+$/.test(new URL(url).pathname)) downloads.push(url);
      return fetch(input, init);
    },
  });
  await counting.settle();
  const seen = (await counting.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  expect(seen?.status).toBe('Answered');
  expect(seen?.hub?.clientAccount).toEqual(fuel);
  const [listed] = await counting.db.hubFiles
    .where('taskId')
    .equals(seen?.id ?? '')
    .toArray();
  expect(listed).toMatchObject({ fileName: 'receipt photo.jpg', size: 3000, sha256: sha(photo) });
  expect(await counting.db.hubFileBytes.count()).toBe(0);
  expect(downloads).toEqual([]);

  // Opened in the Client Tasks page: downloaded once, kept, and the second opening reads it here.
  expect(await counting.bg.ask({ type: 'tasks.fetchHubFile', fileId: listed?.id ?? '' })).toEqual({
    size: 3000,
  });
  expect(await counting.bg.ask({ type: 'tasks.fetchHubFile', fileId: listed?.id ?? '' })).toEqual({
    size: 3000,
  });
  expect(downloads).toHaveLength(1);
  const kept = await counting.db.hubFileBytes.get(listed?.id ?? '');
  if (!kept) throw new Error('not kept');
  expect(sha(new Uint8Array(await kept.blob.arrayBuffer()))).toBe(sha(photo));
});

test('Close in the browser holding the token writes History, the photo and the recode once, and the hub says who wrote it', async () => {
  const task = await freshTask();
  const photo = jpeg(4100);
  await clientAnswers(task.hub.taskId, 'Diesel at the Z station', photo);
  await admin.settle();
  const answered = (await admin.tasks()).find((t) => t.id === task.id);
  expect(answered?.status).toBe('Answered');
  expect(answered?.hub?.clientAccount).toEqual(fuel);
  expect(await admin.db.hubFileBytes.count()).toBe(0);

  expect(await admin.bg.ask({ type: 'tasks.close', taskIds: [task.id], recode: true })).toMatchObject({
    writing: 1,
  });
  await outboxSettled(admin.db);
  await admin.settle();
  const truth = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(truth).filter((n) => n.includes('Diesel at the Z station'))).toHaveLength(1);
  expect(truth.Attachments.filter((a) => a.Sha256 === sha(photo))).toHaveLength(1);
  expect(truth.LineItems.map((l) => l.AccountID.toLowerCase())).toEqual(
    truth.LineItems.map(() => fuel.accountId.toLowerCase()),
  );
  const closed = (await admin.tasks()).find((t) => t.id === task.id);
  expect(closed?.status).toBe('Closed');
  const onHub = await hubTask(task.hub.taskId);
  expect(onHub.status).toBe('Closed');
  expect(onHub.writtenToXero?.name).toBe('Ada Admin');
  expect(closed?.hub?.writtenToXero?.name).toBe('Ada Admin');
  // Every colleague's browser shows it.
  await colleague.settle();
  const there = (await colleague.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  expect(there?.hub?.writtenToXero).toEqual(onHub.writtenToXero);

  // More rounds in both browsers write nothing twice.
  await admin.settle();
  await colleague.settle();
  await outboxSettled(admin.db);
  const again = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(again)).toEqual(notesOf(truth));
  expect(again.Attachments).toEqual(truth.Attachments);
});

/**
 * The client answers a fresh task with a photo of `size` bytes; the colleague (no Xero token) pulls
 * it and Closes it accepting the client's account; the Close reaches the hub.
 */
async function closedByColleague(answer: string, size: number) {
  const task = await freshTask();
  const photo = jpeg(size);
  await clientAnswers(task.hub.taskId, answer, photo);
  await colleague.settle();
  const there = (await colleague.tasks()).find((t) => t.bankTransactionId === task.bankTransactionId);
  if (!there) throw new Error('not pulled');
  expect(await colleague.bg.ask({ type: 'tasks.close', taskIds: [there.id], recode: true })).toMatchObject({
    closed: 1,
  });
  await colleague.settle();
  return { task, there, photo };
}

test("a colleague's Close without a token (accepting the client's account) is written by the token holder: History, photo, recode, once", async () => {
  const { task, there, photo } = await closedByColleague('Petrol for the ute', 5200);
  expect(await colleague.db.outbox.filter((j) => !j.payload.kind.startsWith('hub-')).count()).toBe(0);
  expect(await hubTask(task.hub.taskId)).toMatchObject({
    status: 'Closed',
    clientAccountAccepted: true,
    writtenToXero: null,
  });

  await admin.settle();
  await outboxSettled(admin.db);
  await admin.settle();
  const truth = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(truth).filter((n) => n.includes('Petrol for the ute'))).toHaveLength(1);
  expect(truth.Attachments.filter((a) => a.Sha256 === sha(photo))).toHaveLength(1);
  expect(new Set(truth.LineItems.map((l) => l.AccountID.toLowerCase()))).toEqual(
    new Set([fuel.accountId.toLowerCase()]),
  );
  expect((await hubTask(task.hub.taskId)).writtenToXero?.name).toBe('Ada Admin');
  await colleague.settle();
  const shown = (await colleague.tasks()).find((t) => t.id === there.id);
  expect(shown?.hub?.writtenToXero?.name).toBe('Ada Admin');

  // The worker starts again (the sweep for closes it never wrote) and more rounds: nothing twice.
  await admin.bg.background.tasks.service.writeClosedElsewhere();
  await admin.settle();
  await outboxSettled(admin.db);
  const again = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(again)).toEqual(notesOf(truth));
  expect(again.Attachments).toEqual(truth.Attachments);
});

test('a worker killed while uploading the photo of a Close made elsewhere finishes after restart, exactly once', async () => {
  const { task, photo } = await closedByColleague('Parking at the airport', 6300);

  // The admin's background dies just after the photo's upload reached Xero (its answer never came).
  const dying = dyingOn((method, url) => method === 'PUT' && /\/Attachments\//.test(url));
  // Each worker has its own locks: a dead worker's locks die with it.
  const doomed = startTestBackground({
    sandboxUrl: sandbox.url,
    db: admin.db,
    fetch: dying.fetch,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  admin.bg.background.tasks.outbox.stop();
  void doomed.background.hub.live.catchUp();
  await dying.reached;
  doomed.background.tasks.outbox.stop();

  const next = startTestBackground({
    sandboxUrl: sandbox.url,
    db: admin.db,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  for (let i = 0; i < 3; i++) {
    await next.background.hub.live.catchUp();
    await next.background.tasks.outbox.idle();
  }
  await outboxSettled(admin.db);
  await next.background.hub.live.catchUp();
  const truth = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(truth).filter((n) => n.includes('Parking at the airport'))).toHaveLength(1);
  expect(truth.Attachments.filter((a) => a.Sha256 === sha(photo))).toHaveLength(1);
  expect(new Set(truth.LineItems.map((l) => l.AccountID.toLowerCase()))).toEqual(
    new Set([fuel.accountId.toLowerCase()]),
  );
  expect((await hubTask(task.hub.taskId)).writtenToXero?.name).toBe('Ada Admin');
  next.background.tasks.outbox.stop();
});

test("a worker that stopped right after pulling a colleague's Close writes it to Xero when it starts again", async () => {
  const { task, photo } = await closedByColleague('Taxi to the client meeting', 7400);
  // The pull stores the page (and the Close) but its worker stops before queuing the writes.
  admin.bg.background.tasks.outbox.stop();
  const cut = createHubPull({
    db: admin.db,
    api: sessionApi(hubSessionStore(admin.db.settings)),
    now: Date.now,
    newId: () => randomUUID(),
    withLock: async (_name, run) => run(),
  });
  await cut.pullAll();
  expect((await admin.tasks()).find((t) => t.id === task.id)?.status).toBe('Closed');
  expect(
    await admin.db.outbox
      .where('taskId')
      .equals(task.id)
      .filter((j) => !j.payload.kind.startsWith('hub-'))
      .count(),
  ).toBe(0);

  // A new worker on the same database: on start it finds the Close waiting and writes it.
  const next = startTestBackground({
    sandboxUrl: sandbox.url,
    db: admin.db,
    launchSignIn: async () => {
      throw new Error('no sign-in');
    },
  });
  await expect
    .poll(
      async () =>
        await admin.db.outbox
          .where('taskId')
          .equals(task.id)
          .filter((j) => !j.payload.kind.startsWith('hub-'))
          .count(),
      { timeout: 30_000, interval: 200 },
    )
    .toBeGreaterThan(0);
  await next.background.tasks.outbox.idle();
  await outboxSettled(admin.db);
  await next.background.hub.live.catchUp();
  const truth = await truthOf(sandbox, admin.tenantId, task.bankTransactionId);
  expect(notesOf(truth).filter((n) => n.includes('Taxi to the client meeting'))).toHaveLength(1);
  expect(truth.Attachments.filter((a) => a.Sha256 === sha(photo))).toHaveLength(1);
  expect(new Set(truth.LineItems.map((l) => l.AccountID.toLowerCase()))).toEqual(
    new Set([fuel.accountId.toLowerCase()]),
  );
  expect((await hubTask(task.hub.taskId)).writtenToXero).not.toBeNull();
  next.background.tasks.outbox.stop();
});

test("the first upload after linking does not turn a colleague's newer status on the hub back", async () => {
  // A second firm: its workspace is linked to the company only after this browser made tasks alone.
  const orgs = (await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json()) as { tenantId: string }[];
  const tenantId = orgs[0]?.tenantId as string;
  const other = await hubFirm(hub.hub(), randomUUID());
  const early = await openBrowser(sandbox, hub, other.admin.email, { xero: true });
  await early.sync();
  await early.settle(); // signed in; the company is not linked on the hub yet
  const [task] = await early.tasks();
  if (!task) throw new Error('no task');
  expect(task.hub).toBeUndefined();
  // Recorded here while not linked: the state this browser would upload later.
  await early.bg.ask({
    type: 'tasks.recordAnswer',
    taskId: task.id,
    text: 'Old answer from before the server',
    account: null,
    fileIds: [],
  });
  expect((await early.tasks()).find((t) => t.id === task.id)?.status).toBe('Answered');

  // Meanwhile a colleague's browser (holding the token too) links the company and the task is closed.
  const linked = await other.adminCaller.request('PATCH', `/api/workspaces/${other.workspaceId}`, {
    tenantId,
  });
  expect(linked.status).toBe(200);
  const colleagueBrowser = await openBrowser(sandbox, hub, other.staff.email, { xero: true });
  await colleagueBrowser.settle();
  await colleagueBrowser.sync();
  await colleagueBrowser.settle();
  const staffCaller = await signIn(hub.url, other.staff.email);
  const onHub = (await feedOf(hub, other.adminCaller.token, other.workspaceId)).changes.flatMap((c) =>
    c.kind === 'task' && 'bankTransactionId' in c.task && c.task.bankTransactionId === task.bankTransactionId
      ? [c.task]
      : [],
  )[0];
  if (!onHub) throw new Error('the colleague did not send the task');
  const closedThere = await staffCaller.request(
    'PUT',
    `/api/workspaces/${other.workspaceId}/tasks/${onHub.id}/status`,
    { status: 'Closed' },
  );
  expect(closedThere.status).toBe(200);

  // This browser now links and uploads what it had: the hub's newer Closed stays, and wins here.
  await early.settle();
  await early.settle();
  const after = taskSchema.parse(
    (await other.adminCaller.request('GET', `/api/workspaces/${other.workspaceId}/tasks/${onHub.id}`)).body,
  );
  expect(after.status).toBe('Closed');
  expect(after.statusChangedBy?.name).toBe('Sam Staff');
  expect((await early.tasks()).find((t) => t.id === task.id)?.status).toBe('Closed');
  expect(await early.pendingHubJobs()).toEqual([]);
});
