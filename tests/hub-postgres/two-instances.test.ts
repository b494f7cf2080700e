import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, caller, transaction } from '../hub/harness';
import { type HubProcess, startHubProcess } from '../support/hub-process';
import { createScratchDatabase, type ScratchDatabase, withClient } from '../support/postgres';
import { type ChangesPage, firmOn, ok, readFeed } from './support';

// Several stateless instances, one PostgreSQL: two hub processes started at the same moment on one
// empty database (both migrate it, under the advisory lock), then writes through either are in the
// other's changes feed at once.
const DATABASE_URL = process.env.DATABASE_URL as string;

describe('two hub instances on one PostgreSQL', () => {
  let database: ScratchDatabase;
  let a: HubProcess;
  let b: HubProcess;
  let viaA: Caller;
  let viaB: Caller;
  let workspaceId: string;

  beforeAll(async () => {
    database = await createScratchDatabase(DATABASE_URL, 'two');
    // Each instance has its own data folder: they share nothing but the database.
    const [dataA, dataB] = await Promise.all([
      mkdtemp(path.join(os.tmpdir(), 'hub-a-')),
      mkdtemp(path.join(os.tmpdir(), 'hub-b-')),
    ]);
    [a, b] = await Promise.all([
      startHubProcess({ databaseUrl: database.url, dataDir: dataA }),
      startHubProcess({ databaseUrl: database.url, dataDir: dataB }),
    ]);
    const firm = await firmOn(database, a.url, dataA);
    viaA = firm.admin;
    // The same bearer token on the other instance: sessions live in the database, not in a process.
    viaB = caller(b.url, viaA.token);
    workspaceId = firm.workspaceId;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('both started on an empty database and migrated it once', async () => {
    for (const instance of [a, b]) {
      const health = await caller(instance.url, '').request('GET', '/healthz');
      expect(health).toMatchObject({ status: 200, body: { ok: true, database: 'postgresql' } });
    }
    const applied = await withClient(database.url, (client) =>
      client.query<{ hash: string; n: number }>(
        'select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash',
      ),
    );
    expect(applied.rows.length).toBeGreaterThan(0);
    for (const row of applied.rows) expect(row.n).toBe(1);
  });

  it('a task written through one instance is in the other instance’s changes feed at once', async () => {
    const head = (await readFeed(viaB, workspaceId)).at(-1)?.seq ?? 0;
    const written = transaction();
    ok(
      await viaA.request('PUT', `/api/workspaces/${workspaceId}/tasks`, {
        tasks: [{ transaction: written, question: 'What is this?' }],
      }),
    );
    const after = ok(
      await viaB.request<ChangesPage>('GET', `/api/workspaces/${workspaceId}/changes?since=${head}`),
    );
    expect(after.changes.map((c) => c.task?.bankTransactionId)).toEqual([
      written.BankTransactionID.toLowerCase(),
    ]);

    // And back: a comment through B is in A's feed, after the task.
    const taskId = after.changes[0]?.task?.id as string;
    ok(
      await viaB.request(
        'POST',
        `/api/workspaces/${workspaceId}/tasks/${taskId}/comments`,
        { body: 'Receipt attached, thanks' },
        { 'idempotency-key': 'comment-1' },
      ),
    );
    const back = ok(
      await viaA.request<ChangesPage>(
        'GET',
        `/api/workspaces/${workspaceId}/changes?since=${after.nextSince}`,
      ),
    );
    expect(back.changes.map((c) => [c.kind, c.comment?.body])).toEqual([
      ['comment', 'Receipt attached, thanks'],
    ]);
    expect(back.changes[0]?.seq).toBeGreaterThan(after.changes[0]?.seq ?? Number.POSITIVE_INFINITY);
  });

  it('writes through both at once get distinct change numbers in one order both instances agree on', async () => {
    const start = (await readFeed(viaA, workspaceId)).at(-1)?.seq ?? 0;
    // 20 batches, alternating instances, all in flight together.
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? viaA : viaB).request('PUT', `/api/workspaces/${workspaceId}/tasks`, {
          tasks: Array.from({ length: 10 }, () => ({ transaction: transaction() })),
        }),
      ),
    );
    for (const reply of replies) ok(reply);
    const [fromA, fromB] = await Promise.all([
      readFeed(viaA, workspaceId, start, 37),
      readFeed(viaB, workspaceId, start, 37),
    ]);
    expect(fromA).toEqual(fromB);
    expect(fromA).toHaveLength(200);
    const seqs = fromA.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(200);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });
});
