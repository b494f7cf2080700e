import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, PASSWORD, type Reply, transaction } from '../hub/harness';
import { freePort, type HubProcess, startHubProcess } from '../support/hub-process';
import { createScratchDatabase, type ScratchDatabase, withClient } from '../support/postgres';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { firmOn, readFeed } from './support';

const DATABASE_URL = process.env.DATABASE_URL as string;

describe('a hub killed (SIGKILL) in the middle of batch writes', () => {
  const BATCHES = 32;
  const PER_BATCH = 100;
  const COMMENTS = 24;
  const KILLS = 3;
  let database: ScratchDatabase;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    database = await createScratchDatabase(DATABASE_URL, 'kill');
  });
  afterAll(async () => {
    await hub?.stop('SIGKILL');
    await database?.drop();
  });

  it('loses and duplicates nothing when the client retries what did not get an answer', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-kill-'));
    const port = await freePort();
    hub = await startHubProcess({ databaseUrl: database.url, dataDir, port });
    const { admin: client, workspaceId } = await firmOn(database, hub.url, dataDir);
    const tasksPath = `/api/workspaces/${workspaceId}/tasks`;

    let answered = 0;
    let retries = 0;
    /** What the extension does: send, and on no answer (or 503) send the very same request again. */
    async function untilAnswered(send: () => Promise<Reply>): Promise<Reply> {
      for (;;) {
        const reply = await send().catch(() => undefined);
        if (reply && reply.status !== 503) return reply;
        retries += 1;
        await sleep(50);
      }
    }

    // Four writers keep batches in flight all the time, so every kill lands mid-write.
    const batches = Array.from({ length: BATCHES }, () =>
      Array.from({ length: PER_BATCH }, () => ({ transaction: transaction() })),
    );
    const queue = [...batches.keys()];
    const writer = async () => {
      for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
        const reply = await untilAnswered(() => client.request('PUT', tasksPath, { tasks: batches[b] }));
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        answered += 1;
      }
    };
    // Comments (each once per Idempotency-Key) on the first batch's tasks, alongside.
    const commenter = async () => {
      const first = await untilAnswered(() => client.request('PUT', tasksPath, { tasks: batches[0] }));
      const taskIds = (first.body as { tasks: { id: string }[] }).tasks.map((t) => t.id);
      for (let n = 0; n < COMMENTS; n++) {
        const reply = await untilAnswered(() =>
          client.request(
            'POST',
            `${tasksPath}/${taskIds[n % taskIds.length]}/comments`,
            { body: `Answer ${n}` },
            { 'idempotency-key': `answer-${n}` },
          ),
        );
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        await sleep(30);
      }
    };
    // Kills the hub with work in flight, then starts it again on the same port and database.
    const killer = async () => {
      for (let k = 1; k <= KILLS; k++) {
        while (answered < (k * BATCHES) / (KILLS + 1)) await sleep(10);
        await sleep(Math.random() * 40);
        await hub?.stop('SIGKILL');
        await sleep(200);
        hub = await startHubProcess({ databaseUrl: database.url, dataDir, port });
      }
    };
    await Promise.all([writer(), writer(), writer(), writer(), commenter(), killer()]);
    expect(retries).toBeGreaterThan(0);

    // Rows: every task once, every comment once.
    const counts = await withClient(database.url, async (db) => ({
      tasks: (
        await db.query(
          'select count(*)::int as n, count(distinct bank_transaction_id)::int as d from client_task',
        )
      ).rows[0],
      comments: (await db.query('select body, count(*)::int as n from task_comment group by body')).rows,
    }));
    expect(counts.tasks).toEqual({ n: BATCHES * PER_BATCH, d: BATCHES * PER_BATCH });
    expect(counts.comments).toHaveLength(COMMENTS);
    for (const row of counts.comments) expect(row.n).toBe(1);

    // Change numbers: each task and comment once in the feed, in strictly rising order, with no gap
    // left by a write the kill rolled back.
    const feed = await readFeed(client, workspaceId);
    const taskIds = feed.filter((c) => c.kind === 'task').map((c) => c.task?.bankTransactionId);
    expect(taskIds).toHaveLength(BATCHES * PER_BATCH);
    expect(new Set(taskIds).size).toBe(BATCHES * PER_BATCH);
    expect(feed.filter((c) => c.kind === 'comment')).toHaveLength(COMMENTS);
    const seqs = feed.map((c) => c.seq);
    const first = seqs[0] ?? 0;
    expect(seqs).toEqual(seqs.map((_, i) => first + i));
  }, 300_000);
});

describe('a database that is down', () => {
  let database: ScratchDatabase;
  let proxy: TcpProxy;
  let hub: HubProcess;

  beforeAll(async () => {
    database = await createScratchDatabase(DATABASE_URL, 'down');
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const throughProxy = new URL(database.url);
    throughProxy.port = String(proxy.port);
    hub = await startHubProcess({ databaseUrl: throughProxy.toString() });
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 with a plain message while it is down, and works again when it is back, with no restart', async () => {
    const { admin: client, workspaceId } = await firmOn(database, hub.url, hub.dataDir);
    const tasksPath = `/api/workspaces/${workspaceId}/tasks`;
    const before = transaction();
    expect((await client.request('PUT', tasksPath, { tasks: [{ transaction: before }] })).status).toBe(200);

    await proxy.cut();
    const during = transaction();
    for (const [method, url, body] of [
      ['PUT', tasksPath, { tasks: [{ transaction: during }] }],
      ['GET', `/api/workspaces/${workspaceId}/changes?since=0`, undefined],
      ['GET', '/api/workspaces', undefined],
    ] as const) {
      const reply = await client.request<{ title: string; detail: string; status: number }>(
        method,
        url,
        body,
      );
      const context = `${method} ${url}: ${JSON.stringify(reply.body)}\n${hub.output().slice(-4000)}`;
      expect(reply.status, context).toBe(503);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.status).toBe(503);
      // Plain words for a person, no driver jargon.
      expect(reply.body.title).toMatch(/database/i);
      expect(`${reply.body.title} ${reply.body.detail}`).not.toMatch(
        /ECONN|pg|postgres|stack|undefined|Error:/i,
      );
      expect(reply.body.detail.length).toBeGreaterThan(10);
    }
    // Signing in needs the database too: the same plain 503, not a wrong-password message.
    const signIn = await caller(hub.url, '').request('POST', '/api/auth/sign-in/email', {
      email: 'nobody@harbour.test',
      password: PASSWORD,
    });
    expect(signIn.status).toBe(503);
    expect(signIn.headers.get('content-type')).toContain('application/problem+json');
    expect((await caller(hub.url, '').request('GET', '/healthz')).status).toBe(503);
    expect(process.kill(hub.pid, 0)).toBe(true);

    await proxy.restore();
    // Recovery needs nothing from anyone: the same running process answers again once the pool reconnects.
    const deadline = Date.now() + 20_000;
    let reply: Reply | undefined;
    while (Date.now() < deadline) {
      reply = await client.request('PUT', tasksPath, { tasks: [{ transaction: during }] });
      if (reply.status === 200) break;
      await sleep(200);
    }
    expect(reply?.status).toBe(200);
    expect(process.kill(hub.pid, 0)).toBe(true);
    const feed = await readFeed(client, workspaceId);
    expect(feed.map((c) => c.task?.bankTransactionId)).toEqual([
      before.BankTransactionID,
      during.BankTransactionID,
    ]);
  }, 120_000);
});
