import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type Caller, signIn, transaction } from '../tests/hub/harness';
import {
  createFirmWithCli,
  type HubProcess,
  residentBytes,
  startHubProcess,
} from '../tests/support/hub-process';
import { createScratchDatabase, type ScratchDatabase } from '../tests/support/postgres';
import { Latencies, table } from './stats';

/**
 * Client Hub server benchmark (issue 14), on PGlite and on PostgreSQL in one run, side by side.
 *
 * The hub runs as its own process (`npm run hub`, as in production) on loopback; this process is the
 * load. For each database:
 * 1. Seed: a firm (made with `create-firm`) with 200 workspaces, then 100,000 tasks upserted through
 *    the API in batches of 500 (the extension's first sync of 200 Xero organisations), four batches
 *    in flight. Gives upserts/s and the hub's resident memory as the tasks grow.
 * 2. Steady state: 200 simulated extensions, one per workspace, each polling its workspace's changes
 *    feed every 30 s (following `nextSince`/`hasMore` until caught up), while 20 bookkeepers each
 *    upsert a batch of 25 tasks (20 new, 5 changed) and post a comment every 30 s.
 *    Time is compressed: every interval is divided by COMPRESSION (4), so the hub sees 4 times the
 *    real request rate (27 polls/s instead of 6.7) for DURATION real seconds (30 s = 2 minutes of
 *    the firm's time). Compression only makes the load heavier; latencies are per request. The hub's
 *    CPU time per request is printed too: unlike latency, it hardly depends on what else the machine
 *    is doing (the load average is printed before and after).
 *
 * Goals (on PostgreSQL): changes feed p95 <= 50 ms, >= 1,000 task upserts/s, memory flat as tasks
 * grow. Sizes can be changed for a quick look: BENCH_HUB_TASKS, BENCH_HUB_SECONDS, BENCH_HUB_COMPRESSION.
 */

const WORKSPACES = 200;
const TASKS = Number(process.env.BENCH_HUB_TASKS ?? 100_000);
const SEED_BATCH = 500;
const SEED_IN_FLIGHT = 4;
const EXTENSIONS = 200;
const BOOKKEEPERS = 20;
const POLL_EVERY_S = 30;
const WRITE_EVERY_S = 30;
const WRITE_BATCH = { fresh: 20, changed: 5 };
const COMPRESSION = Number(process.env.BENCH_HUB_COMPRESSION ?? 4);
const DURATION_S = Number(process.env.BENCH_HUB_SECONDS ?? 30);
const PASSWORD = 'correct horse battery staple';

const GOALS = { feedP95Ms: 50, upsertsPerSecond: 1_000, memoryGrowth: 0.25 };

interface Column {
  seedSeconds: number;
  upsertsPerSecond: number;
  seedBatch: Latencies;
  feed: Latencies;
  upsert: Latencies;
  comment: Latencies;
  /** RSS (bytes) of the hub after each seed batch. */
  rssByTasks: { tasks: number; rss: number }[];
  rssSteady: number[];
  errors: number;
  changesRead: number;
  /** The hub's CPU time (user + system) over the steady state, ms. */
  steadyCpuMs: number;
}

/** CPU time (user + system) a process has used so far, ms (Linux: /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Workspace {
  id: string;
  tenantId: string;
  /** Tasks seeded into it, to change and comment on later. */
  tasks: { id: string; transaction: ReturnType<typeof transaction> }[];
}

async function ok<T>(reply: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const { status, body } = await reply;
  if (status < 200 || status > 299) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Starts a hub process on the database and makes the firm, its workspaces and 100,000 tasks. */
async function seed(hub: HubProcess, admin: Caller, column: Column): Promise<Workspace[]> {
  const workspaces: Workspace[] = [];
  for (let i = 0; i < WORKSPACES; i++) {
    const tenantId = randomUUID();
    const created = await ok(
      admin.request<{ id: string }>('POST', '/api/workspaces', { name: `Client ${i + 1}`, tenantId }),
      'create workspace',
    );
    workspaces.push({ id: created.id, tenantId, tasks: [] });
  }
  const batches = Math.ceil(TASKS / SEED_BATCH);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const workspace = workspaces[b % WORKSPACES] as Workspace;
      const size = Math.min(SEED_BATCH, TASKS - b * SEED_BATCH);
      const tasks = Array.from({ length: size }, () => ({
        transaction: transaction(),
        question: 'What is this?',
      }));
      const result = await column.seedBatch.time(() =>
        ok(
          admin.request<{ tasks: { id: string; bankTransactionId: string }[] }>(
            'PUT',
            `/api/workspaces/${workspace.id}/tasks`,
            { tasks },
          ),
          'seed upsert',
        ),
      );
      // Keep a few per workspace to change and comment on in the steady state.
      for (const [i, t] of result.tasks.slice(0, 20).entries()) {
        workspace.tasks.push({ id: t.id, transaction: (tasks[i] as (typeof tasks)[number]).transaction });
      }
      done += 1;
      column.rssByTasks.push({ tasks: Math.min(TASKS, done * SEED_BATCH), rss: residentBytes(hub.pid) });
    }
  };
  await Promise.all(Array.from({ length: SEED_IN_FLIGHT }, worker));
  column.seedSeconds = (performance.now() - started) / 1000;
  column.upsertsPerSecond = TASKS / column.seedSeconds;
  return workspaces;
}

/** 200 pollers and 20 writers for DURATION_S real seconds, intervals divided by COMPRESSION. */
async function steadyState(hub: HubProcess, admin: Caller, workspaces: Workspace[], column: Column) {
  const cursors = new Map<string, number>();
  // Each extension has already synced: it starts from its workspace's head.
  for (const w of workspaces) {
    let since = 0;
    for (;;) {
      const page = await ok(
        admin.request<{ nextSince: number; hasMore: boolean }>(
          'GET',
          `/api/workspaces/${w.id}/changes?since=${since}&limit=1000`,
        ),
        'catch up',
      );
      since = page.nextSince;
      if (!page.hasMore) break;
    }
    cursors.set(w.id, since);
  }
  const endAt = performance.now() + DURATION_S * 1000;
  const pollEveryMs = (POLL_EVERY_S * 1000) / COMPRESSION;
  const writeEveryMs = (WRITE_EVERY_S * 1000) / COMPRESSION;
  const failed = (error: unknown) => {
    column.errors += 1;
    if (column.errors <= 3)
      console.error(`  request failed: ${error instanceof Error ? error.message : error}`);
  };

  const extension = async (workspace: Workspace) => {
    await sleep(Math.random() * pollEveryMs);
    while (performance.now() < endAt) {
      const due = performance.now() + pollEveryMs;
      try {
        for (;;) {
          const since = cursors.get(workspace.id) ?? 0;
          const page = await column.feed.time(() =>
            ok(
              admin.request<{ changes: unknown[]; nextSince: number; hasMore: boolean }>(
                'GET',
                `/api/workspaces/${workspace.id}/changes?since=${since}&limit=200`,
              ),
              'changes feed',
            ),
          );
          column.changesRead += page.changes.length;
          cursors.set(workspace.id, page.nextSince);
          if (!page.hasMore) break;
        }
      } catch (error) {
        failed(error);
      }
      await sleep(Math.max(0, due - performance.now()));
    }
  };

  const bookkeeper = async () => {
    await sleep(Math.random() * writeEveryMs);
    while (performance.now() < endAt) {
      const due = performance.now() + writeEveryMs;
      const workspace = workspaces[Math.floor(Math.random() * workspaces.length)] as Workspace;
      const changed = workspace.tasks.slice(0, WRITE_BATCH.changed).map((t) => ({
        transaction: { ...t.transaction, Reference: `Changed ${randomUUID().slice(0, 8)}` },
      }));
      const fresh = Array.from({ length: WRITE_BATCH.fresh }, () => ({ transaction: transaction() }));
      try {
        await column.upsert.time(() =>
          ok(
            admin.request('PUT', `/api/workspaces/${workspace.id}/tasks`, { tasks: [...changed, ...fresh] }),
            'upsert',
          ),
        );
        const task = workspace.tasks[Math.floor(Math.random() * workspace.tasks.length)];
        if (task) {
          await column.comment.time(() =>
            ok(
              admin.request(
                'POST',
                `/api/workspaces/${workspace.id}/tasks/${task.id}/comments`,
                { body: 'Which receipt is this?' },
                { 'idempotency-key': randomUUID() },
              ),
              'comment',
            ),
          );
        }
      } catch (error) {
        failed(error);
      }
      await sleep(Math.max(0, due - performance.now()));
    }
  };

  const memory = async () => {
    while (performance.now() < endAt) {
      column.rssSteady.push(residentBytes(hub.pid));
      await sleep(1000);
    }
  };

  const cpuBefore = cpuMs(hub.pid);
  await Promise.all([
    ...workspaces.slice(0, EXTENSIONS).map(extension),
    ...Array.from({ length: BOOKKEEPERS }, bookkeeper),
    memory(),
  ]);
  column.steadyCpuMs = cpuMs(hub.pid) - cpuBefore;
}

async function measure(
  kind: 'pglite' | 'postgresql',
  database: ScratchDatabase | undefined,
): Promise<Column> {
  const column: Column = {
    seedSeconds: 0,
    upsertsPerSecond: 0,
    seedBatch: new Latencies(),
    feed: new Latencies(),
    upsert: new Latencies(),
    comment: new Latencies(),
    rssByTasks: [],
    rssSteady: [],
    errors: 0,
    changesRead: 0,
    steadyCpuMs: 0,
  };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `hub-bench-${kind}-`));
  const databaseUrl = database?.url;
  let hub: HubProcess | undefined;
  try {
    const email = 'admin@bench.test';
    let step = performance.now();
    const lap = (what: string) => {
      console.log(`  ${kind}: ${what} (${((performance.now() - step) / 1000).toFixed(1)} s)`);
      step = performance.now();
    };
    await createFirmWithCli({
      databaseUrl,
      dataDir,
      name: 'Bench & Co',
      adminEmail: email,
      adminPassword: PASSWORD,
    });
    hub = await startHubProcess({ databaseUrl, dataDir, timeoutMs: 120_000 });
    const admin = await signIn(hub.url, email, PASSWORD);
    lap('firm made, hub started');
    const workspaces = await seed(hub, admin, column);
    lap(`${WORKSPACES} workspaces and ${TASKS.toLocaleString('en')} tasks upserted`);
    await steadyState(hub, admin, workspaces, column);
    lap(
      `steady state: ${column.feed.count} feed requests, ${column.upsert.count} upserts, ${column.comment.count} comments`,
    );
  } finally {
    await hub?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return column;
}

const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(1));
const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : (bytes / 1024 / 1024).toFixed(0));
const pct = (l: Latencies) => `${ms(l.percentile(50))} / ${ms(l.percentile(95))} / ${ms(l.percentile(99))}`;

/**
 * Memory growth as tasks grow: the median RSS over the last fifth of the seeding against the median
 * over its second fifth (after the first allocations settle). Medians, because one sample can land
 * on either side of a garbage collection.
 */
function memoryGrowth(column: Column): number {
  const median = (from: number, to: number) => {
    const rss = column.rssByTasks
      .filter((s) => s.tasks > TASKS * from && s.tasks <= TASKS * to)
      .map((s) => s.rss)
      .sort((a, b) => a - b);
    return rss[Math.floor(rss.length / 2)];
  };
  const early = median(0.2, 0.4);
  const late = median(0.8, 1);
  return early && late ? late / early - 1 : Number.NaN;
}

export async function runHubBench() {
  const postgresUrl = process.env.DATABASE_URL;
  console.log(
    `Client Hub server: ${WORKSPACES} workspaces, ${TASKS.toLocaleString('en')} tasks (batches of ${SEED_BATCH}, ${SEED_IN_FLIGHT} in flight); ` +
      `then ${EXTENSIONS} extensions polling every ${POLL_EVERY_S} s and ${BOOKKEEPERS} bookkeepers writing every ${WRITE_EVERY_S} s, ` +
      `time compressed ${COMPRESSION}x (${DURATION_S} s real = ${((DURATION_S * COMPRESSION) / 60).toFixed(1)} min of the firm's time; ${COMPRESSION}x the real request rate). ` +
      'Hub in its own process on loopback; one Admin bearer token for every simulated client.',
  );
  const load = () => os.loadavg()[0]?.toFixed(1);
  console.log(`Load average (1 min) before: ${load()} on ${os.cpus().length} cores.`);
  const columns: { name: string; column: Column | undefined; note?: string }[] = [];
  columns.push({ name: 'PGlite', column: await measure('pglite', undefined) });
  if (postgresUrl) {
    const database = await createScratchDatabase(postgresUrl, 'bench');
    try {
      columns.push({ name: 'PostgreSQL', column: await measure('postgresql', database) });
    } finally {
      await database.drop();
    }
  } else {
    columns.push({
      name: 'PostgreSQL',
      column: undefined,
      note: 'PostgreSQL: not measured (no DATABASE_URL; `npm run bench:hub` uses the local PostgreSQL when it is installed).',
    });
  }

  const cell = (f: (c: Column) => string) =>
    columns.map(({ column }) => (column ? f(column) : 'not measured'));
  const rssRows = [1, 5, 10].map((tenths) => {
    const tasks = Math.round((TASKS * tenths) / 10);
    return [
      `hub RSS at ${tasks.toLocaleString('en')} tasks (MB)`,
      ...cell((c) => mb(c.rssByTasks.find((s) => s.tasks >= tasks)?.rss)),
    ];
  });
  console.log(
    `\n${table(
      ['', ...columns.map((c) => c.name)],
      [
        ['seed: task upserts/s (batches of 500)', ...cell((c) => c.upsertsPerSecond.toFixed(0))],
        ['seed: batch of 500 p50 / p95 / p99 (ms)', ...cell((c) => pct(c.seedBatch))],
        ['changes feed p50 / p95 / p99 (ms)', ...cell((c) => pct(c.feed))],
        ['upsert of 25 p50 / p95 / p99 (ms)', ...cell((c) => pct(c.upsert))],
        ['comment p50 / p95 / p99 (ms)', ...cell((c) => pct(c.comment))],
        ['feed requests / changes read', ...cell((c) => `${c.feed.count} / ${c.changesRead}`)],
        [
          'hub CPU per request, steady state (ms)',
          ...cell((c) => (c.steadyCpuMs / (c.feed.count + c.upsert.count + c.comment.count)).toFixed(1)),
        ],
        ...rssRows,
        [
          'hub RSS growth, 20-40% → 80-100% of tasks',
          ...cell((c) => `${(memoryGrowth(c) * 100).toFixed(0)}%`),
        ],
        ['hub RSS in steady state, max (MB)', ...cell((c) => mb(Math.max(...c.rssSteady)))],
        ['failed requests', ...cell((c) => String(c.errors))],
      ],
    )}`,
  );
  for (const { note } of columns) if (note) console.log(note);
  console.log(`Load average (1 min) after: ${load()} on ${os.cpus().length} cores.`);

  const postgres = columns.find((c) => c.name === 'PostgreSQL')?.column;
  if (!postgres) {
    console.log('Goals (PostgreSQL): not checked, PostgreSQL was not measured.');
    return columns;
  }
  const checks: [string, boolean, string][] = [
    [
      `changes feed p95 <= ${GOALS.feedP95Ms} ms`,
      postgres.feed.percentile(95) <= GOALS.feedP95Ms,
      `${ms(postgres.feed.percentile(95))} ms`,
    ],
    [
      `>= ${GOALS.upsertsPerSecond.toLocaleString('en')} task upserts/s`,
      postgres.upsertsPerSecond >= GOALS.upsertsPerSecond,
      `${postgres.upsertsPerSecond.toFixed(0)}/s`,
    ],
    [
      `memory flat (median RSS grows < ${GOALS.memoryGrowth * 100}% from 20-40% to 80-100% of tasks)`,
      memoryGrowth(postgres) < GOALS.memoryGrowth,
      `${(memoryGrowth(postgres) * 100).toFixed(0)}%`,
    ],
    ['no failed requests', postgres.errors === 0, String(postgres.errors)],
  ];
  console.log('\nGoals on PostgreSQL:');
  for (const [goal, passed, seen] of checks) console.log(`  ${passed ? 'PASS' : 'FAIL'}  ${goal}: ${seen}`);
  return columns;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runHubBench();
}
