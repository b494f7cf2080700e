import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangesPage,
  changesPageSchema,
  taskSchema,
  upsertResultSchema,
} from '../../lib/hub/contract.ts';
import { DATABASE, type FirmFixture, makeFirm, startTestHub, type TestHub, transaction } from './harness.ts';

let hub: TestHub;
let firm: FirmFixture;
let tasksPath: string;
let changesPath: string;

beforeAll(async () => {
  hub = await startTestHub();
  firm = await makeFirm(hub);
  tasksPath = `/api/workspaces/${firm.own.id}/tasks`;
  changesPath = `/api/workspaces/${firm.own.id}/changes`;
});
afterAll(() => hub?.stop());

/** Every change after `since`, page by page. */
async function allChanges(since: number, limit: number, who = firm.users.Staff) {
  const pages: ChangesPage[] = [];
  let cursor = since;
  for (;;) {
    const reply = await who.request('GET', `${changesPath}?since=${cursor}&limit=${limit}`);
    expect(reply.status).toBe(200);
    const page = changesPageSchema.parse(reply.body);
    pages.push(page);
    cursor = page.nextSince;
    if (!page.hasMore) break;
  }
  return { pages, changes: pages.flatMap((p) => p.changes), last: cursor };
}

async function latestSeq() {
  return (await allChanges(0, 1000)).last;
}

describe(`Client Tasks (${DATABASE})`, () => {
  it('upserts a batch by natural key: the same batch twice makes no duplicates and no changes', async () => {
    const staff = firm.users.Staff;
    const batch = {
      tasks: Array.from({ length: 25 }, (_, i) => ({
        transaction: transaction({ Total: i + 1 }),
        question: 'What is this?',
      })),
    };
    const first = upsertResultSchema.parse((await staff.request('PUT', tasksPath, batch)).body);
    expect(first).toMatchObject({ created: 25, updated: 0, unchanged: 0 });
    const before = await latestSeq();
    const again = upsertResultSchema.parse((await staff.request('PUT', tasksPath, batch)).body);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 25 });
    expect(new Set(again.tasks.map((t) => t.id))).toEqual(new Set(first.tasks.map((t) => t.id)));
    expect(await latestSeq()).toBe(before);
    // Key order and the ID's letter case do not make a different transaction.
    const [one] = batch.tasks;
    if (!one) throw new Error('no task');
    const reordered = Object.fromEntries(Object.entries(one.transaction).reverse());
    const shouted = {
      ...reordered,
      BankTransactionID: String(one.transaction.BankTransactionID).toUpperCase(),
    };
    const same = upsertResultSchema.parse(
      (
        await staff.request('PUT', tasksPath, {
          tasks: [{ transaction: shouted, question: 'What is this?' }],
        })
      ).body,
    );
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it('refreshes a changed transaction but keeps the hub’s status', async () => {
    const staff = firm.users.Staff;
    const t = transaction();
    const created = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: t }] })).body,
    );
    const id = created.tasks[0]?.id;
    await staff.request('PUT', `${tasksPath}/${id}/status`, { status: 'Closed' });
    const updated = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: { ...t, Reference: 'Card 9999' } }] }))
        .body,
    );
    expect(updated).toMatchObject({ created: 0, updated: 1 });
    const task = taskSchema.parse((await staff.request('GET', `${tasksPath}/${id}`)).body);
    expect(task).toMatchObject({
      reference: 'Card 9999',
      status: 'Closed',
      statusChangedBy: { userId: staff.userId },
    });
  });

  it('pages the changes feed in a stable order, each change once', async () => {
    const staff = firm.users.Staff;
    const since = await latestSeq();
    const batch = { tasks: Array.from({ length: 23 }, () => ({ transaction: transaction() })) };
    const result = upsertResultSchema.parse((await staff.request('PUT', tasksPath, batch)).body);
    const task = result.tasks[0];
    const comment = await staff.request('POST', `${tasksPath}/${task?.id}/comments`, {
      body: 'Asked the client',
    });
    expect(comment.status).toBe(201);
    const { pages, changes } = await allChanges(since, 5);
    expect(pages.length).toBe(5);
    const seqs = changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(changes.filter((c) => c.kind === 'task')).toHaveLength(23);
    expect(changes.filter((c) => c.kind === 'comment')).toHaveLength(1);
    // The same question again gives the same pages.
    expect((await allChanges(since, 5)).changes).toEqual(changes);
    // Nothing new: an empty page that keeps the cursor.
    const last = pages.at(-1)?.nextSince ?? 0;
    const empty = changesPageSchema.parse((await staff.request('GET', `${changesPath}?since=${last}`)).body);
    expect(empty).toEqual({ changes: [], nextSince: last, hasMore: false });
  });

  it('never lets a poller skip a change written concurrently', async () => {
    const staff = firm.users.Staff;
    const manager = firm.users.Manager;
    const since = await latestSeq();
    const seen = new Map<string, number>();
    let cursor = since;
    const poll = async () => {
      const page = changesPageSchema.parse(
        (await staff.request('GET', `${changesPath}?since=${cursor}&limit=7`)).body,
      );
      for (const c of page.changes) {
        const key =
          c.kind === 'task'
            ? `task:${c.task.id}`
            : c.kind === 'comment'
              ? `comment:${c.comment.id}`
              : `file:${c.file.id}`;
        seen.set(key, c.seq);
      }
      cursor = page.nextSince;
    };
    const writers = Array.from({ length: 8 }, async (_, w) => {
      const who = w % 2 ? staff : manager;
      const result = upsertResultSchema.parse(
        (
          await who.request('PUT', tasksPath, {
            tasks: Array.from({ length: 10 }, () => ({ transaction: transaction() })),
          })
        ).body,
      );
      await who.request('POST', `${tasksPath}/${result.tasks[0]?.id}/comments`, { body: `note ${w}` });
      return result.tasks.map((t) => `task:${t.id}`);
    });
    let done = false;
    const poller = (async () => {
      while (!done) await poll();
    })();
    const written = (await Promise.all(writers)).flat();
    done = true;
    await poller;
    for (;;) {
      const before = cursor;
      await poll();
      if (cursor === before) break;
    }
    for (const key of written) expect(seen.has(key), key).toBe(true);
    expect([...seen.keys()].filter((k) => k.startsWith('comment:'))).toHaveLength(8);
  });

  it('changes status with an Idempotency-Key: a repeat replays the first answer', async () => {
    const staff = firm.users.Staff;
    const result = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: transaction() }] })).body,
    );
    const path = `${tasksPath}/${result.tasks[0]?.id}/status`;
    const key = randomUUID();
    const first = await staff.request('PUT', path, { status: 'Answered' }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    await staff.request('PUT', path, { status: 'Closed' });
    const replay = await staff.request('PUT', path, { status: 'Answered' }, { 'idempotency-key': key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // The replay changed nothing: the task is still Closed.
    expect((await staff.request('GET', `${tasksPath}/${result.tasks[0]?.id}`)).body).toMatchObject({
      status: 'Closed',
    });
    const misuse = await staff.request('PUT', path, { status: 'Open' }, { 'idempotency-key': key });
    expect(misuse.status).toBe(422);
    expect(misuse.headers.get('content-type')).toBe('application/problem+json');
  });

  it('records once who wrote a closed task into Xero, and that the firm accepted the client’s account; clients can do neither', async () => {
    const staff = firm.users.Staff;
    const client = firm.users['Client User'];
    const result = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: transaction() }] })).body,
    );
    const path = `${tasksPath}/${result.tasks[0]?.id}`;
    // Not closed yet: nothing was written to Xero to record.
    const early = await staff.request('PUT', `${path}/status`, { status: 'Answered', writtenToXero: true });
    expect(taskSchema.parse(early.body).writtenToXero).toBeNull();
    const refused = await client.request('PUT', `${path}/status`, {
      status: 'Answered',
      writtenToXero: true,
    });
    expect(refused.status).toBe(403);

    const closed = taskSchema.parse(
      (await staff.request('PUT', `${path}/status`, { status: 'Closed', acceptClientAccount: true })).body,
    );
    expect(closed).toMatchObject({ status: 'Closed', clientAccountAccepted: true, writtenToXero: null });
    const written = taskSchema.parse(
      (await staff.request('PUT', `${path}/status`, { status: 'Closed', writtenToXero: true })).body,
    );
    expect(written.writtenToXero).toMatchObject({ name: expect.any(String), userId: expect.any(String) });
    expect(written.seq).toBeGreaterThan(closed.seq);
    expect(written.statusChangedBy).toEqual(closed.statusChangedBy);
    // A second writer (a retry, another browser) changes nothing.
    const before = await latestSeq();
    const again = taskSchema.parse(
      (await firm.users.Admin.request('PUT', `${path}/status`, { status: 'Closed', writtenToXero: true }))
        .body,
    );
    expect(again.writtenToXero).toEqual(written.writtenToXero);
    expect(await latestSeq()).toBe(before);
  });

  it('keeps a status the server changed after a state sent from before the sender was connected', async () => {
    const staff = firm.users.Staff;
    const result = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: transaction() }] })).body,
    );
    const path = `${tasksPath}/${result.tasks[0]?.id}/status`;
    const longAgo = new Date(Date.now() - 86_400_000).toISOString();
    // Never changed on the server: the old local state is applied.
    const first = taskSchema.parse(
      (await staff.request('PUT', path, { status: 'Answered', changedAt: longAgo })).body,
    );
    expect(first.status).toBe('Answered');
    await staff.request('PUT', path, { status: 'Closed' });
    // Changed on the server since: kept, and the answer says what the server has.
    const stale = taskSchema.parse(
      (await staff.request('PUT', path, { status: 'Answered', changedAt: longAgo })).body,
    );
    expect(stale.status).toBe('Closed');
    // A state newer than the server's is applied.
    const newer = new Date(Date.now() + 60_000).toISOString();
    const applied = taskSchema.parse(
      (await staff.request('PUT', path, { status: 'Open', changedAt: newer })).body,
    );
    expect(applied.status).toBe('Open');
  });

  it('posts a comment once however often the same request is retried, even at the same time', async () => {
    const staff = firm.users.Staff;
    const result = upsertResultSchema.parse(
      (await staff.request('PUT', tasksPath, { tasks: [{ transaction: transaction() }] })).body,
    );
    const path = `${tasksPath}/${result.tasks[0]?.id}/comments`;
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        staff.request('POST', path, { body: 'Is this the hardware store?' }, { 'idempotency-key': key }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(replies.map((r) => (r.body as { id: string }).id));
    expect(ids.size).toBe(1);
    const list = await staff.request<{ comments: unknown[] }>('GET', path);
    expect(list.body.comments).toHaveLength(1);
  });

  it('shows clients only client fields and never internal notes; clients may only answer', async () => {
    const staff = firm.users.Staff;
    const client = firm.users['Client User'];
    const result = upsertResultSchema.parse(
      (
        await staff.request('PUT', tasksPath, {
          tasks: [{ transaction: transaction({ Total: 99 }), question: 'Receipt please' }],
        })
      ).body,
    );
    const id = result.tasks[0]?.id;
    await staff.request('POST', `${tasksPath}/${id}/comments`, {
      body: 'Client is slow to answer',
      internal: true,
    });
    await staff.request('POST', `${tasksPath}/${id}/comments`, { body: 'Could you send the receipt?' });
    const seen = await client.request<Record<string, unknown>>('GET', `${tasksPath}/${id}`);
    expect(seen.status).toBe(200);
    expect(Object.keys(seen.body).sort()).toEqual(
      [
        'amount',
        'clientAccount',
        'contactName',
        'currencyCode',
        'date',
        'id',
        'question',
        'reference',
        'status',
        'updatedAt',
        'workspaceId',
      ].sort(),
    );
    expect(seen.body).toMatchObject({
      amount: 99,
      question: 'Receipt please',
      contactName: 'Hardware Store',
    });
    const comments = await client.request<{ comments: { body: string }[] }>(
      'GET',
      `${tasksPath}/${id}/comments`,
    );
    expect(comments.body.comments.map((c) => c.body)).toEqual(['Could you send the receipt?']);
    const feed = changesPageSchema.parse(
      (await client.request('GET', `${changesPath}?since=0&limit=1000`)).body,
    );
    expect(JSON.stringify(feed)).not.toContain('Client is slow to answer');
    expect(JSON.stringify(feed)).not.toContain('BankTransactionID');
    expect(
      (await client.request('POST', `${tasksPath}/${id}/comments`, { body: 'x', internal: true })).status,
    ).toBe(403);
    expect((await client.request('PUT', `${tasksPath}/${id}/status`, { status: 'Closed' })).status).toBe(403);
    const answered = await client.request('PUT', `${tasksPath}/${id}/status`, { status: 'Answered' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'Answered' });
    const firmView = taskSchema.parse((await staff.request('GET', `${tasksPath}/${id}`)).body);
    expect(firmView.statusChangedBy).toEqual({ userId: client.userId, name: 'Cleo Client' });
  });

  it('keeps an activity log of who did what', async () => {
    const reply = await firm.users.Manager.request<{
      activity: { action: string; actor: { userId: string } | null }[];
    }>('GET', `/api/workspaces/${firm.own.id}/activity?limit=500`);
    expect(reply.status).toBe(200);
    const actions = new Set(reply.body.activity.map((a) => a.action));
    for (const action of ['workspace.created', 'tasks.upserted', 'task.status-changed', 'comment.added']) {
      expect(actions).toContain(action);
    }
  });
});
