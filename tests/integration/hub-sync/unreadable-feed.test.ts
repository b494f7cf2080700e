import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hubLinkSchema } from '@/lib/hub/records';
import { clientTask } from '../../../hub/db/schema/index';
import { takeChangeNumbers } from '../../../hub/domain/changes';
import type { Sandbox } from '../../../sandbox/server';
import { signIn } from '../../hub/harness';
import type { RestartableHub } from '../../support/hub-server';
import { type Browser, feedOf, type HubFirm, type HubSync, openBrowser, startHubSync } from './support';

/**
 * A feed entry this version cannot read. One of a kind it knows (here a task in a status a newer
 * server added, written straight into the hub's database) stops the pull just before it: what came
 * before it is kept, nothing after it is passed over, and the options page says so until the entry
 * can be read. Entries of kinds it does not know (a newer server's) are passed over.
 */
let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let admin: Browser;

beforeAll(async () => {
  world = await startHubSync(41);
  ({ sandbox, hub, firm } = world);
  admin = await openBrowser(sandbox, hub, firm.admin.email, { xero: true });
  await admin.settle();
  await admin.sync();
  await admin.settle();
}, 120_000);

afterAll(() => world?.close());

/** The hub's database, as a newer server version would have written a task. */
async function writeStatus(taskId: string, status: string, newSeq: boolean) {
  const { db } = hub.hub().services;
  return db.transaction(async (tx) => {
    const seq = newSeq ? await takeChangeNumbers(tx, firm.firmId, 1) : undefined;
    const [row] = await tx
      .update(clientTask)
      .set({ status: status as 'Open', ...(seq === undefined ? {} : { seq }) })
      .where(eq(clientTask.id, taskId))
      .returning({ seq: clientTask.seq });
    return row?.seq as number;
  });
}

const linkOf = async (b: Browser) => hubLinkSchema.parse(await b.db.hubLinks.get(b.tenantId));
const hubProblem = async (b: Browser) => (await b.bg.ask({ type: 'hub.state' })).problem;

test('an entry of an unknown kind (a newer server) is passed over; everything else arrives', async () => {
  let injected = 0;
  // The real hub's pages, with an entry of a kind this version does not know put in the middle.
  const newerServer: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes('/changes?') || !response.ok) return response;
    const page = (await response.json()) as { changes: { seq: number }[] };
    const [first] = page.changes;
    if (first) {
      page.changes.splice(1, 0, {
        kind: 'reminder-sent',
        seq: first.seq,
        reminder: { to: 'client' },
      } as never);
      injected++;
    }
    return Response.json(page, { status: response.status, headers: response.headers });
  };
  const staff = await openBrowser(sandbox, hub, firm.staff.email, { fetch: newerServer });
  await staff.settle();
  expect(injected).toBeGreaterThan(0);
  const mine = (await admin.tasks()).map((t) => t.bankTransactionId).sort();
  expect((await staff.tasks()).map((t) => t.bankTransactionId).sort()).toEqual(mine);
  const { lastSeq } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const link = await linkOf(staff);
  expect(link.since).toBe(lastSeq);
  expect(link.unreadable).toBeUndefined();
  expect(await hubProblem(staff)).toBeNull();
});

test('a task this version cannot read stops the pull before it; nothing after it is lost once it can be read', async () => {
  const [unreadable, answered] = await admin.tasks();
  if (!unreadable?.hub || !answered?.hub) throw new Error('two tasks on the hub expected');
  const client = await signIn(hub.url, firm.client.email);
  const path = `/api/workspaces/${firm.workspaceId}/tasks/${answered.hub.taskId}`;
  const feedEnd = (await linkOf(admin)).since;

  // Before the unreadable entry: the client's comment (kept). After it: the client's Answered.
  expect((await client.request('POST', `${path}/comments`, { body: 'Receipt for the toner' })).status).toBe(
    201,
  );
  const { lastSeq: commentSeq } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const badSeq = await writeStatus(unreadable.hub.taskId, 'On hold', true);
  expect((await client.request('PUT', `${path}/status`, { status: 'Answered' })).status).toBe(200);
  expect(commentSeq).toBeGreaterThan(feedEnd);
  expect(badSeq).toBeGreaterThan(commentSeq);

  await admin.round();
  const stopped = await linkOf(admin);
  expect(stopped.since).toBe(commentSeq);
  expect(stopped.unreadable).toMatchObject({ seq: badSeq, kind: 'task' });
  expect(stopped.unreadable?.reason).toContain('task.status: invalid_value');
  const texts = async () =>
    (await admin.db.taskMessages.where('taskId').equals(answered.id).toArray()).map((m) => m.text);
  expect(await texts()).toEqual(['Receipt for the toner']);
  expect((await admin.tasks()).find((t) => t.id === answered.id)?.status).toBe('Open');
  expect((await admin.tasks()).find((t) => t.id === unreadable.id)?.status).toBe('Open');

  const problem = await hubProblem(admin);
  expect(problem).toMatchObject({ code: 'hub-unreadable-change' });
  expect(problem?.message).toContain('The firm’s server sent a task this browser could not read');
  expect(problem?.message).toContain('Corner Stationers Ltd');
  expect(problem?.action).toMatch(/Update the Client Hub extension.*tell your firm’s Client Hub admin/);
  expect(problem?.supportDetail).toContain(`seq ${badSeq} (task)`);
  expect(problem?.supportDetail).toContain('task.status: invalid_value');
  // For support: where and what failed, never the entry's words.
  expect(problem?.supportDetail).not.toMatch(/On hold|toner|Corner Stationers/);

  // Every round stops at the same place until the entry can be read.
  await admin.round();
  expect((await linkOf(admin)).since).toBe(commentSeq);
  expect((await admin.tasks()).find((t) => t.id === answered.id)?.status).toBe('Open');

  // The entry becomes readable at the same place in the feed (as an updated extension would read it).
  await writeStatus(unreadable.hub.taskId, 'Open', false);
  await admin.round();
  const { lastSeq } = await feedOf(hub, firm.adminCaller.token, firm.workspaceId);
  const read = await linkOf(admin);
  expect(read.since).toBe(lastSeq);
  expect(read.unreadable).toBeUndefined();
  const after = (await admin.tasks()).find((t) => t.id === answered.id);
  expect(after?.status).toBe('Answered');
  expect(after?.hub?.statusChangedBy?.name).toBe('Cleo Client');
  expect(await texts()).toEqual(['Receipt for the toner']);
  expect(await hubProblem(admin)).toBeNull();
});

test('an entry without a kind or seq is not passed over either', async () => {
  const staff = await openBrowser(sandbox, hub, firm.staff.email, {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!url.includes('/changes?') || !response.ok) return response;
      const page = (await response.json()) as { changes: unknown[] };
      page.changes.splice(2, 0, { task: {} });
      return Response.json(page, { status: response.status, headers: response.headers });
    },
  });
  await staff.round();
  const link = await linkOf(staff);
  expect(link.unreadable).toMatchObject({ seq: null, kind: 'entry' });
  // The two entries before it are applied, and the cursor rests on the second.
  const firstTwo = (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes.slice(0, 2);
  expect(link.since).toBe(firstTwo[1]?.seq);
  const tasks = firstTwo.flatMap((c) => (c.kind === 'task' && 'bankTransactionId' in c.task ? [c.task] : []));
  expect((await staff.tasks()).map((t) => t.bankTransactionId).sort()).toEqual(
    tasks.map((t) => t.bankTransactionId).sort(),
  );
  expect((await hubProblem(staff))?.supportDetail).toContain('seq unknown (entry)');
});
