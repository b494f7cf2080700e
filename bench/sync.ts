import 'fake-indexeddb/auto';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { type TokenSet, xeroAuthServer } from '../lib/auth/oauth';
import { createTokenManager, type WithLock } from '../lib/auth/token-manager';
import { SANDBOX_CLIENT_ID } from '../lib/config/sandbox-build';
import { xeroConfigFor } from '../lib/config/xero';
import { ClientHubDb } from '../lib/db/database';
import { createSyncEngine } from '../lib/sync/engine';
import { createGovernor } from '../lib/sync/governor';
import { backfillFromDate } from '../lib/sync/timezone';
import { backfillWhere } from '../lib/sync/xero-bank';
import { createXeroApi, type XeroApi } from '../lib/xero/api';
import { type Sandbox, startSandbox } from '../sandbox/server';

/**
 * Sync benchmark (issue #4): a backfill of a Xero company with N transactions dated in the last 90 days
 * and a no-change incremental sync, against the sandbox with Xero's real limits (5 in flight, 60 a
 * minute, 5,000 a day). Waits for the limits move the sandbox's clock instead of sleeping, so it runs
 * in seconds; "implied time" is what the call count costs at 60 calls a minute.
 *
 * Compared with a straightforward client: 100 per page (Xero's default) and no If-Modified-Since, so
 * every sync re-reads the whole 90 days.
 */

/** The sandbox dates transactions 1-150 days back; this many of them fall in the 90-day window. */
const HISTORY_DAYS = 150;
const WINDOW_DAYS = 89;
const MONITORED = /uncategori[sz]ed|suspense|ask my accountant|push to client hub/i;

const locks: WithLock = (() => {
  const tails = new Map<string, Promise<unknown>>();
  return async (name, task) => {
    const run = (tails.get(name) ?? Promise.resolve()).then(task, task);
    tails.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  };
})();

const orgsSchema = z.array(
  z.object({
    tenantId: z.string(),
    name: z.string(),
    timezone: z.string(),
    accounts: z.array(z.object({ AccountID: z.string(), Name: z.string() }).loose()),
  }),
);

function memoryPeak() {
  const peak = { heapUsed: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  const timer = setInterval(sample, 20);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** One signed-in firm with the sandbox's `orgIndex`th company connected (other benches use it too). */
export async function setUp(sandbox: Sandbox, orgIndex = 0) {
  const now = () => sandbox.clock.now();
  const config = xeroConfigFor({ mode: 'sandbox', sandboxUrl: sandbox.url });
  const db = new ClientHubDb(`bench-${Date.now()}-${Math.random()}`);
  const tokens = createTokenManager({
    db,
    now,
    withLock: locks,
    server: (clientId) => xeroAuthServer(config, clientId, { fetch, now }),
  });
  const orgs = orgsSchema.parse(await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json());
  const org = orgs[orgIndex];
  if (!org) throw new Error(`sandbox has no organisation ${orgIndex}`);
  const minted = z
    .object({
      access_token: z.string(),
      refresh_token: z.string(),
      expires_in: z.number(),
      scope: z.string(),
    })
    .parse(
      await (
        await fetch(`${sandbox.url}/__sandbox/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: SANDBOX_CLIENT_ID, tenantIds: [org.tenantId] }),
        })
      ).json(),
    );
  const tokenSet: TokenSet = {
    accessToken: minted.access_token,
    refreshToken: minted.refresh_token,
    expiresAt: now() + minted.expires_in * 1000,
    scope: minted.scope,
    xeroUserId: 'bench',
    authEventId: 'bench',
  };
  const grant = await tokens.saveSignIn(tokenSet, SANDBOX_CLIENT_ID, 'bench-grant');
  const governor = createGovernor({
    now,
    sleep: async (ms) => {
      sandbox.clock.advance(Math.max(0, ms));
    },
  });
  const api = createXeroApi({ fetch, config, tokens, now, governor });
  const monitored = org.accounts.filter((a) => MONITORED.test(a.Name)).map((a) => a.AccountID.toLowerCase());
  await db.connections.put({
    tenantId: org.tenantId,
    xeroConnectionId: 'bench',
    grantId: grant.id,
    tenantName: org.name,
    organisation: { name: org.name, timezone: org.timezone },
    workspaceId: 'bench-workspace',
    monitoredAccountIds: monitored,
    sentBy: { name: 'Bench', email: 'bench@firm.test' },
    connectedAt: now(),
    lastSyncedAt: null,
    health: { state: 'healthy', checkedAt: now() },
  });
  const engine = createSyncEngine({
    db,
    api,
    now,
    withLock: locks,
    newId: () => crypto.randomUUID(),
    governor,
  });
  return { db, api, governor, engine, org, grantId: grant.id, monitored: new Set(monitored) };
}

/** What the straightforward client does: page 1..n of 100, no If-Modified-Since, every time. */
async function straightforwardScan(api: XeroApi, grantId: string, tenantId: string, where: string) {
  let calls = 0;
  for (let page = 1; ; page++) {
    calls++;
    const response = await api.call(api.accounting('BankTransactions'), {
      grantId,
      tenantId,
      priority: 'background',
      searchParams: { where, page: String(page), pageSize: '100' },
    });
    const body = z.object({ BankTransactions: z.array(z.unknown()) }).parse(await response.json());
    if (body.BankTransactions.length < 100) return calls;
  }
}

export interface SyncBenchResult {
  transactionsIn90Days: number;
  matching: number;
  monitoredShare: number;
  backfill: {
    calls: number;
    lowerBound: number;
    ratio: number;
    impliedMinutes: number;
    tasks: number;
    wallSeconds: number;
    tasksPerSecond: number;
    scannedPerSecond: number;
  };
  incremental: { calls: number; wallSeconds: number };
  rateLimited: number;
  memory: { baselineHeapMb: number; peakHeapMb: number; peakRssMb: number };
  straightforward: {
    backfillCalls: number;
    incrementalCalls: number;
    backfillRatio: number;
    incrementalRatio: number;
  };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export async function benchSync(transactionsIn90Days: number): Promise<SyncBenchResult> {
  const scale = Math.ceil((transactionsIn90Days * HISTORY_DAYS) / WINDOW_DAYS);
  const sandbox = await startSandbox({ port: 0, seed: 7, scale });
  try {
    const h = await setUp(sandbox);
    const tenantId = h.org.tenantId;
    const fromDate = backfillFromDate(sandbox.clock.now(), h.org.timezone);
    const data = sandbox.state.organisation(tenantId.toLowerCase());
    if (!data) throw new Error('no organisation data');
    const inWindow = data.transactions.filter((t) => new Date(t.date).toISOString().slice(0, 10) >= fromDate);
    const matching = inWindow.filter((t) => t.type === 'SPEND' && t.status === 'AUTHORISED');
    const monitoredCount = inWindow.filter((t) =>
      t.lineItems.some((l) => h.monitored.has(l.accountId)),
    ).length;
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    sandbox.state.clearRequestLog();

    const memory = memoryPeak();
    const started = performance.now();
    const backfill = await h.engine.syncOrganisation(tenantId, {
      reason: 'bench',
      onProgress: memory.sample,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (backfill?.state !== 'succeeded')
      throw new Error(`backfill ${backfill?.state}: ${backfill?.problem?.title}`);
    const backfillCalls = sandbox.state.requestStats.byTenant[tenantId]?.total ?? 0;

    sandbox.clock.advance(15 * 60_000);
    const incStarted = performance.now();
    const incremental = await h.engine.syncOrganisation(tenantId, {
      reason: 'bench',
      onProgress: memory.sample,
    });
    const incrementalWall = (performance.now() - incStarted) / 1000;
    if (incremental?.state !== 'succeeded') throw new Error(`incremental ${incremental?.state}`);
    const totalCalls = sandbox.state.requestStats.byTenant[tenantId]?.total ?? 0;
    const peak = memory.stop();
    const rateLimited = sandbox.state.requestStats.byStatus['429'] ?? 0;

    // Lower bound: /Accounts plus the matching transactions in pages of 1,000.
    const lowerBound = 1 + Math.max(1, Math.ceil(matching.length / 1000));
    // The straightforward client, measured against the same sandbox.
    const where = backfillWhere(['SPEND'], fromDate);
    const naivePages = await straightforwardScan(h.api, h.grantId, tenantId, where);
    const tasks = await h.db.clientTasks.count();
    return {
      transactionsIn90Days: inWindow.length,
      matching: matching.length,
      monitoredShare: monitoredCount / inWindow.length,
      backfill: {
        calls: backfillCalls,
        lowerBound,
        ratio: backfillCalls / lowerBound,
        impliedMinutes: backfillCalls / 60,
        tasks,
        wallSeconds,
        tasksPerSecond: tasks / wallSeconds,
        scannedPerSecond: (backfill.scanned ?? 0) / wallSeconds,
      },
      incremental: { calls: totalCalls - backfillCalls, wallSeconds: incrementalWall },
      rateLimited,
      memory: { baselineHeapMb: mb(baseline), peakHeapMb: mb(peak.heapUsed), peakRssMb: mb(peak.rss) },
      straightforward: {
        backfillCalls: naivePages + 1,
        incrementalCalls: naivePages,
        backfillRatio: (naivePages + 1) / backfillCalls,
        incrementalRatio: naivePages / Math.max(1, totalCalls - backfillCalls),
      },
    };
  } finally {
    await sandbox.close();
  }
}

export function formatSyncBench(r: SyncBenchResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const f1 = (x: number) => x.toFixed(1);
  return [
    `Sync: ${r.transactionsIn90Days.toLocaleString('en-GB')} transactions in 90 days (${r.matching.toLocaleString('en-GB')} Spend Money to scan, ${pct(r.monitoredShare)} in monitored accounts)`,
    `  backfill      ${r.backfill.calls} calls (lower bound ${r.backfill.lowerBound}, ${r.backfill.ratio.toFixed(2)}x); ${f1(r.backfill.impliedMinutes)} min at 60/min; ${r.backfill.tasks} tasks in ${f1(r.backfill.wallSeconds)} s = ${Math.round(r.backfill.tasksPerSecond)} tasks/s, ${Math.round(r.backfill.scannedPerSecond)} records/s`,
    `  no-change     ${r.incremental.calls} call(s) in ${r.incremental.wallSeconds.toFixed(2)} s`,
    `  429s          ${r.rateLimited}`,
    `  memory        heap ${r.memory.baselineHeapMb} MB before (sandbox data included), peak heap ${r.memory.peakHeapMb} MB, peak rss ${r.memory.peakRssMb} MB`,
    `  straightforward client (100/page, no If-Modified-Since): backfill ${r.straightforward.backfillCalls} calls (${f1(r.straightforward.backfillRatio)}x ours, ${f1(r.straightforward.backfillCalls / 60)} min), every sync ${r.straightforward.incrementalCalls} calls (${f1(r.straightforward.incrementalRatio)}x ours)`,
  ].join('\n');
}

export async function runSyncBench(sizes: readonly number[] = [10_000, 50_000]): Promise<SyncBenchResult[]> {
  const results: SyncBenchResult[] = [];
  for (const size of sizes) {
    const result = await benchSync(size);
    console.log(formatSyncBench(result));
    results.push(result);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  await runSyncBench(sizes.length > 0 ? sizes : undefined);
}
