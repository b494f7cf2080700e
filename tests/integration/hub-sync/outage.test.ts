import { afterAll, beforeAll, expect, test } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import { sessionApi } from '@/lib/hub/live';
import { createHubPull } from '@/lib/hub/pull';
import { hubSessionStore } from '@/lib/hub/session';
import type { Sandbox } from '../../../sandbox/server';
import type { RestartableHub } from '../../support/hub-server';
import { createLocks } from '../support/background';
import {
  type Browser,
  feedOf,
  type HubFirm,
  type HubSync,
  newTransaction,
  openBrowser,
  signInToHub,
  startHubSync,
} from './support';

let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let admin: Browser;
/** Hub requests of the admin's browser whose answer is lost on the way back (the server did them). */
const loseAnswers = { to: null as RegExp | null, lost: 0 };

const lossyFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  if (loseAnswers.to?.test(`${method} ${url}`)) {
    loseAnswers.lost++;
    loseAnswers.to = null;
    throw new TypeError('fetch failed (connection reset)');
  }
  return response;
};

beforeAll(async () => {
  world = await startHubSync(53);
  ({ sandbox, hub, firm } = world);
  admin = await openBrowser(sandbox, hub, firm.admin.email, { xero: true, fetch: lossyFetch });
  await admin.settle();
  await admin.sync();
  await admin.settle();
}, 120_000);

afterAll(() => world?.close());

const hubTaskCount = async () =>
  (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes.filter((c) => c.kind === 'task')
    .length;

test('while the hub is down everything waits in the outbox; after a restart on the same data it arrives once', async () => {
  const before = await hubTaskCount();
  const [task] = await admin.tasks();
  if (!task) throw new Error('no task');
  await hub.stop();
  const monitoredId = [...(admin.h?.companies[0]?.monitored ?? [])][0] as string;
  const id = await newTransaction(sandbox, admin.tenantId, monitoredId, 12.34);
  await admin.sync();
  await admin.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Asked the client by phone' });
  await admin.round();
  const waiting = await admin.pendingHubJobs();
  expect(waiting.map((j) => j.payload.kind).sort()).toEqual(['hub-comment', 'hub-task']);
  expect(
    waiting.every(
      (j) => j.state === 'pending' && j.problem?.title === 'The Client Hub server cannot be reached',
    ),
  ).toBe(true);

  await hub.start();
  // The outbox backs off; the next round after its wait sends what waited.
  await admin.db.outbox.toCollection().modify({ nextAttemptAt: 0 });
  await admin.settle();
  expect(await admin.pendingHubJobs()).toEqual([]);
  expect(await hubTaskCount()).toBe(before + 1);
  const { changes } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  expect(
    changes.some(
      (c) => c.kind === 'task' && 'bankTransactionId' in c.task && c.task.bankTransactionId === id,
    ),
  ).toBe(true);
  expect(
    changes.filter((c) => c.kind === 'comment').map((c) => c.kind === 'comment' && c.comment.body),
  ).toEqual(['Asked the client by phone']);
});

test('a comment whose answer was lost is sent again with the same Idempotency-Key and lands once', async () => {
  const [, task] = await admin.tasks();
  if (!task) throw new Error('no task');
  loseAnswers.to = /^POST .*\/comments$/;
  await admin.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Receipt is in the glovebox' });
  await admin.round();
  expect(loseAnswers.lost).toBe(1);
  expect((await admin.pendingHubJobs()).map((j) => j.payload.kind)).toEqual(['hub-comment']);
  await admin.db.outbox.toCollection().modify({ nextAttemptAt: 0 });
  await admin.settle();
  const bodies = (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes.flatMap((c) =>
    c.kind === 'comment' ? [c.comment.body] : [],
  );
  expect(bodies.filter((b) => b === 'Receipt is in the glovebox')).toHaveLength(1);
  const messages = await admin.db.taskMessages.where('taskId').equals(task.id).toArray();
  expect(messages.map((m) => m.text)).toEqual(['Receipt is in the glovebox']);
});

test('a pull cut off mid-way (network drop, worker restart) resumes after the last applied page: nothing lost or doubled', async () => {
  const db = new ClientHubDb(`hub-sync-resume-${process.pid}`);
  await signInToHub(db, hub.url, firm.staff.email);
  let pages = 0;
  const dropAfterTwoPages: typeof fetch = async (input, init) => {
    if (String(input instanceof Request ? input.url : input).includes('/changes') && ++pages === 3) {
      throw new TypeError('fetch failed (network dropped)');
    }
    return fetch(input, init);
  };
  const pull = (f: typeof fetch) =>
    createHubPull({
      db,
      api: sessionApi(hubSessionStore(db.settings), f),
      now: Date.now,
      newId: () => crypto.randomUUID(),
      withLock: createLocks(),
      pageSize: 1,
    });
  await expect(pull(dropAfterTwoPages).pullAll()).rejects.toThrow(/No answer came from/);
  const link = await db.hubLinks.get(admin.tenantId);
  expect(link?.since).toBeGreaterThan(0);
  expect(await db.clientTasks.count()).toBeGreaterThan(0);
  // A new worker: the same database, a fresh pull.
  await pull(fetch).pullAll();
  const expected = await hubTaskCount();
  expect(await db.clientTasks.count()).toBe(expected);
  const messages = await db.taskMessages.toArray();
  expect(messages.map((m) => m.text).sort()).toEqual([
    'Asked the client by phone',
    'Receipt is in the glovebox',
  ]);
  db.close();
});

test('a paced pull (a page of ours open) rests after each stored page, never after the last, and stores the same', async () => {
  const db = new ClientHubDb(`hub-sync-paced-${process.pid}`);
  await signInToHub(db, hub.url, firm.staff.email);
  const rests: { workedMs: number; stored: number; since: number }[] = [];
  const pull = createHubPull({
    db,
    api: sessionApi(hubSessionStore(db.settings)),
    now: Date.now,
    newId: () => crypto.randomUUID(),
    withLock: createLocks(),
    pageSize: 1,
    pace: async (workedMs) => {
      rests.push({
        workedMs,
        stored: (await db.taskMessages.count()) + (await db.clientTasks.count()),
        since: (await db.hubLinks.get(admin.tenantId))?.since ?? 0,
      });
    },
  });
  const summary = await pull.pullAll();
  const feed = (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes;
  // One entry a page: a rest between each two, each after its page was stored with its cursor.
  expect(summary.applied).toBe(feed.length);
  expect(rests).toHaveLength(feed.length - 1);
  expect(rests.map((r) => r.since)).toEqual(feed.slice(0, -1).map((c) => c.seq));
  expect(rests.every((r) => r.workedMs > 0)).toBe(true);
  for (const [i, rest] of rests.entries()) expect(rest.stored).toBeGreaterThanOrEqual(i + 1);
  expect(await db.clientTasks.count()).toBe(await hubTaskCount());
  // Pulled again: nothing new, no rest.
  rests.length = 0;
  expect((await pull.pullAll()).applied).toBe(0);
  expect(rests).toEqual([]);
  db.close();
});

test('a signed-out (revoked) sign-in: a plain problem, the queue is kept, and it is sent after signing in again', async () => {
  const session = await admin.bg.background.hub.sessions.load();
  if (!session) throw new Error('no session');
  // Signed out elsewhere: the server no longer accepts this browser's token.
  const out = await fetch(`${hub.url}/api/auth/sign-out`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(out.status).toBe(200);
  const [, , task] = await admin.tasks();
  if (!task) throw new Error('no task');
  await admin.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Chased again' });
  await admin.round();
  const [job] = await admin.pendingHubJobs();
  expect(job?.state).toBe('pending');
  expect(job?.problem?.title).toBe('The Client Hub server signed you out');
  expect(job?.problem?.action).toMatch(/Sign in to the Client Hub server again/);
  expect((await admin.bg.background.hub.sessions.load())?.refusedAt).not.toBeNull();

  await signInToHub(admin.db, hub.url, firm.admin.email);
  await admin.db.outbox.toCollection().modify({ nextAttemptAt: 0 });
  await admin.settle();
  expect(await admin.pendingHubJobs()).toEqual([]);
  const bodies = (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes.flatMap((c) =>
    c.kind === 'comment' ? [c.comment.body] : [],
  );
  expect(bodies.filter((b) => b === 'Chased again')).toHaveLength(1);
});
