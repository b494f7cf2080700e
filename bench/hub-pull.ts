import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ClientHubDb } from '../lib/db/database';
import { changesPageSchema } from '../lib/hub/contract';
import { createHubLive, LIVE_POLL_MS, sessionApi } from '../lib/hub/live';
import { createHubPull } from '../lib/hub/pull';
import { hubSessionStore } from '../lib/hub/session';
import { PASSWORD, signIn, transaction } from '../tests/hub/harness';
import { signInToHub } from '../tests/integration/hub-sync/support';
import { createLocks } from '../tests/integration/support/background';
import {
  createFirmWithCli,
  type HubProcess,
  residentBytes,
  startHubProcess,
} from '../tests/support/hub-process';
import { Latencies, table } from './stats';

/**
 * The extension's side of the Client Hub server (issue 15): how fast a browser pulls the firm's tasks.
 *
 * The hub runs as its own process on PGlite (as `npm run hub` does); this process is the extension's
 * background, with Dexie on fake-indexeddb (no browser: Node's IndexedDB stand-in is slower than a
 * browser's, so the times are an upper bound).
 * 1. First pull: TASKS tasks upserted to one workspace, then pulled into an empty Dexie by the real
 *    pull (lib/hub/pull.ts, 1000 per page). Printed: time, tasks/s, heap and resident memory of this
 *    process, and the ratio of the whole pull to only reading the same feed over HTTP (what applying
 *    pages in Dexie costs on top of the network).
 * 2. Steady state: the near-live loop (lib/hub/live.ts, a poll every LIVE_POLL_MS while a page is
 *    open) runs; a colleague changes a task's status over the API; the time until the task's row in
 *    this browser's Dexie has the new status is one sample. Goal: every sample <= 5 s.
 * Sizes: BENCH_HUB_PULL_TASKS (default 100,000), BENCH_HUB_PULL_SAMPLES (default 15).
 */

const TASKS = Number(process.env.BENCH_HUB_PULL_TASKS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_HUB_PULL_SAMPLES ?? 15);
const GOAL_LATENCY_MS = 5000;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function runHubPullBench(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-hub-pull-'));
  let hub: HubProcess | undefined;
  try {
    const email = `admin-${randomUUID().slice(0, 8)}@bench.test`;
    await createFirmWithCli({ dataDir, name: 'Bench & Co', adminEmail: email, adminPassword: PASSWORD });
    hub = await startHubProcess({ dataDir, timeoutMs: 120_000 });
    const admin = await signIn(hub.url, email, PASSWORD);
    const tenantId = randomUUID();
    const created = await admin.request<{ id: string }>('POST', '/api/workspaces', {
      name: 'Bench Ltd',
      tenantId,
    });
    const workspaceId = created.body.id;

    // Seed: the firm's tasks, as colleagues' syncs would have sent them.
    const seeded = performance.now();
    const batches: Promise<void>[] = [];
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < TASKS; i += 500) {
      const tasks = Array.from({ length: Math.min(500, TASKS - i) }, (_, j) => ({
        transaction: transaction({ Reference: `Card ${i + j}` }),
      }));
      const sent = admin.request('PUT', `/api/workspaces/${workspaceId}/tasks`, { tasks }).then((r) => {
        if (r.status !== 200) throw new Error(`seed answered ${r.status}`);
      });
      const tracked = sent.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      batches.push(tracked);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(batches);
    console.log(
      `seeded ${TASKS.toLocaleString('en')} tasks in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );

    // Only the feed over HTTP, for the ratio.
    const feedOnly = performance.now();
    let since = 0;
    let entries = 0;
    for (;;) {
      const page = changesPageSchema.parse(
        (await admin.request('GET', `/api/workspaces/${workspaceId}/changes?since=${since}&limit=1000`)).body,
      );
      entries += page.changes.length;
      since = page.nextSince;
      if (!page.hasMore) break;
    }
    const feedMs = performance.now() - feedOnly;

    // The browser: an empty Dexie, signed in, pulling.
    const db = new ClientHubDb(`bench-hub-pull-${process.pid}`);
    await signInToHub(db, hub.url, email);
    const sessions = hubSessionStore(db.settings);
    const pull = createHubPull({
      db,
      api: sessionApi(sessions),
      now: Date.now,
      newId: () => randomUUID(),
      withLock: createLocks(),
      pageSize: 1000,
    });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = residentBytes(process.pid);
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, residentBytes(process.pid));
    }, 250);
    const pulled = performance.now();
    const summary = await pull.pullAll();
    const pullMs = performance.now() - pulled;
    clearInterval(sampler);
    const heapAfter = process.memoryUsage().heapUsed;
    const stored = await db.clientTasks.count();
    if (stored !== TASKS) throw new Error(`pulled ${stored} tasks, expected ${TASKS}`);

    console.log(
      table(
        ['first pull', 'value'],
        [
          ['tasks pulled into Dexie', stored.toLocaleString('en')],
          [
            'feed entries read',
            `${summary.applied.toLocaleString('en')} (HTTP only: ${entries.toLocaleString('en')})`,
          ],
          ['time', `${(pullMs / 1000).toFixed(1)} s`],
          ['tasks/s', Math.round(stored / (pullMs / 1000)).toLocaleString('en')],
          ['feed over HTTP only', `${(feedMs / 1000).toFixed(1)} s`],
          ['pull / feed-only time (Dexie cost ratio)', (pullMs / feedMs).toFixed(2)],
          ['heap growth (this process, Dexie on fake-indexeddb included)', mb(heapAfter - heapBefore)],
          ['resident memory before → peak', `${mb(rssBefore)} → ${mb(peakRss)}`],
        ],
      ),
    );

    // Steady state: near-live while a page is open.
    const live = createHubLive({
      db,
      sessions,
      now: Date.now,
      pull: () => pull.pullAll(),
      send: async () => undefined,
    });
    live.watch('bench-page');
    const latency = new Latencies();
    const rows = await db.clientTasks.limit(SAMPLES).toArray();
    for (const [i, row] of rows.entries()) {
      // Colleagues act at any moment, not in step with the poll.
      await sleep(Math.random() * LIVE_POLL_MS);
      const status = i % 2 === 0 ? 'Closed' : 'Open';
      const local = status === 'Closed' ? 'Closed' : 'Open';
      const changed = performance.now();
      const answer = await admin.request(
        'PUT',
        `/api/workspaces/${workspaceId}/tasks/${row.hub?.taskId}/status`,
        {
          status,
        },
      );
      if (answer.status !== 200) throw new Error(`status answered ${answer.status}`);
      for (;;) {
        const now = await db.clientTasks.get([row.tenantId, row.bankTransactionId]);
        if (now?.status === local) break;
        if (performance.now() - changed > 30_000) throw new Error('the change never arrived');
        await sleep(10);
      }
      latency.add(performance.now() - changed);
    }
    live.unwatch('bench-page');
    console.log(
      table(
        ['colleague’s change → this browser', 'ms'],
        [
          ['samples', String(latency.count)],
          ['p50', latency.percentile(50).toFixed(0)],
          ['p95', latency.percentile(95).toFixed(0)],
          ['max', latency.percentile(100).toFixed(0)],
          ['poll interval', String(LIVE_POLL_MS)],
          [`max / goal (${GOAL_LATENCY_MS} ms)`, (latency.percentile(100) / GOAL_LATENCY_MS).toFixed(2)],
        ],
      ),
    );
    db.close();
  } finally {
    await hub?.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runHubPullBench();
}
