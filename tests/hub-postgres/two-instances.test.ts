import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankTransaction, HubClient, uuidFor } from '../support/hub-client';
import { createFirmWithCli, type HubProcess, startHubProcess } from '../support/hub-process';
import { createScratchDatabase, type ScratchDatabase, withClient } from '../support/postgres';

// Several stateless instances, one PostgreSQL: two hub processes started at the same moment on one
// empty database (both migrate it, under the advisory lock), then writes through either are in the
// other's changes feed at once.
const DATABASE_URL = process.env.DATABASE_URL as string;

interface ChangesPage {
  changes: {
    kind: string;
    seq: number;
    task?: { id: string; bankTransactionId: string };
    comment?: { body: string };
  }[];
  nextSince: number;
  hasMore: boolean;
}

describe('two hub instances on one PostgreSQL', () => {
  let database: ScratchDatabase;
  let a: HubProcess;
  let b: HubProcess;
  let viaA: HubClient;
  let viaB: HubClient;
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
    const admin = await createFirmWithCli({
      databaseUrl: database.url,
      dataDir: dataA,
      name: 'Harbour Lane Accounting',
      adminEmail: 'admin@harbour.test',
      adminPassword: 'correct horse battery',
    });
    viaA = await new HubClient(a.url).signIn(admin.email, admin.password);
    viaB = viaA.at(b.url);
    const workspace = await viaA.ok<{ id: string }>('POST', '/api/workspaces', {
      name: 'Kangaroo Point Cafe',
      tenantId: uuidFor(1, 0xaaaa),
    });
    workspaceId = workspace.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('both started on an empty database and migrated it once', async () => {
    for (const instance of [a, b]) {
      const health = await new HubClient(instance.url).request('GET', '/healthz');
      expect(health).toMatchObject({ status: 200, body: { ok: true, database: 'postgresql' } });
    }
    const applied = await withClient(database.url, (client) =>
      client.query<{ hash: string; n: string }>(
        'select hash, count(*) as n from drizzle.__drizzle_migrations group by hash',
      ),
    );
    expect(applied.rows.length).toBeGreaterThan(0);
    for (const row of applied.rows) expect(Number(row.n)).toBe(1);
  });

  it('a task written through one instance is in the other instance’s changes feed at once', async () => {
    const before = await viaB.ok<ChangesPage>('GET', `/api/workspaces/${workspaceId}/changes?since=0`);
    const transaction = bankTransaction(101);
    await viaA.ok('PUT', `/api/workspaces/${workspaceId}/tasks`, {
      tasks: [{ transaction, question: 'What is this?' }],
    });
    const after = await viaB.ok<ChangesPage>(
      'GET',
      `/api/workspaces/${workspaceId}/changes?since=${before.nextSince}`,
    );
    expect(after.changes.map((c) => c.task?.bankTransactionId)).toEqual([transaction.BankTransactionID]);

    // And back: a comment through B is in A's feed, after the task.
    const taskId = after.changes[0]?.task?.id as string;
    await viaB.ok(
      'POST',
      `/api/workspaces/${workspaceId}/tasks/${taskId}/comments`,
      { body: 'Receipt attached, thanks' },
      {
        'idempotency-key': 'comment-1',
      },
    );
    const back = await viaA.ok<ChangesPage>(
      'GET',
      `/api/workspaces/${workspaceId}/changes?since=${after.nextSince}`,
    );
    expect(back.changes.map((c) => [c.kind, c.comment?.body])).toEqual([
      ['comment', 'Receipt attached, thanks'],
    ]);
    expect(back.changes[0]?.seq).toBeGreaterThan(after.changes[0]?.seq ?? Number.POSITIVE_INFINITY);
  });

  it('writes through both at once get distinct change numbers in one order both instances agree on', async () => {
    const start = (
      await viaA.ok<ChangesPage>('GET', `/api/workspaces/${workspaceId}/changes?since=0&limit=1000`)
    ).nextSince;
    // 20 batches, alternating instances, all in flight together.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? viaA : viaB).ok('PUT', `/api/workspaces/${workspaceId}/tasks`, {
          tasks: Array.from({ length: 10 }, (_, j) => ({ transaction: bankTransaction(1000 + i * 10 + j) })),
        }),
      ),
    );
    const read = async (client: HubClient) => {
      const seen: ChangesPage['changes'] = [];
      let since = start;
      for (;;) {
        const page = await client.ok<ChangesPage>(
          'GET',
          `/api/workspaces/${workspaceId}/changes?since=${since}&limit=37`,
        );
        seen.push(...page.changes);
        since = page.nextSince;
        if (!page.hasMore) return seen;
      }
    };
    const [fromA, fromB] = await Promise.all([read(viaA), read(viaB)]);
    expect(fromA).toEqual(fromB);
    expect(fromA).toHaveLength(200);
    const seqs = fromA.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(200);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });
});
