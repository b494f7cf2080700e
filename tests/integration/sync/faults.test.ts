import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { backfillFromDate } from '@/lib/sync/timezone';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import type { FaultKind } from '../../../sandbox/state';
import { control, expectedTaskIds, groundTruth, harness, openTaskIds } from './support';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 23, scale: 1200 });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await control(sandbox, 'DELETE', '/faults');
});

const PAGE_SIZE = 100;
const BANK_TRANSACTIONS = '/api.xro/2.0/BankTransactions';

async function setUp(orgIndex = 0) {
  const h = await harness(sandbox, { orgIndexes: [orgIndex], engine: { pageSize: PAGE_SIZE } });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  // The sync fixes its 90-day window when it starts; tests move Xero's clock on (across midnight there, some hours).
  return { ...h, company, windowChosenAt: sandbox.clock.now() };
}

async function expectExactTasks(h: Awaited<ReturnType<typeof setUp>>) {
  const fromDate = backfillFromDate(h.windowChosenAt, h.company.timezone);
  const expected = expectedTaskIds(
    await groundTruth(sandbox, h.company.tenantId),
    h.company.monitored,
    fromDate,
  );
  expect(expected.size).toBeGreaterThan(PAGE_SIZE / 10);
  expect(await openTaskIds(h.db, h.company.tenantId)).toEqual(expected);
}

async function inject(kind: FaultKind, extra: Record<string, unknown>) {
  await control(sandbox, 'POST', '/faults', { kind, pathPrefix: BANK_TRANSACTIONS, ...extra });
}

test('a 429 storm with Retry-After is waited out on the sandbox clock, then the backfill completes', async () => {
  const h = await setUp();
  await inject('rate-limit', { count: 6, retryAfterSeconds: 20 });
  const clockBefore = sandbox.clock.now();
  const run = await h.engine.syncOrganisation(h.company.tenantId);
  expect(run?.state).toBe('succeeded');
  expect(h.governor?.stats(h.company.tenantId).rateLimited).toBe(6);
  // Retry-After was obeyed: at least 6 × 20 s passed on Xero's clock.
  expect(sandbox.clock.now() - clockBefore).toBeGreaterThanOrEqual(6 * 20_000);
  await expectExactTasks(h);
});

test.each([
  ['server-error', 3],
  ['org-offline', 2],
  ['maintenance', 2],
  ['drop', 3],
  ['malformed-json', 3],
] as const)('%s faults (%i in a row) are retried with back-off and nothing is lost', async (kind, count) => {
  const h = await setUp();
  await inject(kind, { count });
  const run = await h.engine.syncOrganisation(h.company.tenantId);
  expect(run?.problem).toBeUndefined();
  expect(run?.state).toBe('succeeded');
  expect(h.governor?.stats(h.company.tenantId).retries).toBeGreaterThanOrEqual(count);
  await expectExactTasks(h);
  expect((await h.db.connections.get(h.company.tenantId))?.health.state).toBe('healthy');
});

test('an organisation offline for long fails the run with the plain problem; the next run resumes', async () => {
  const h = await setUp();
  let pages = 0;
  const run = await h.engine.syncOrganisation(h.company.tenantId, {
    onProgress: () => {
      // Offline from the third page on.
      if (++pages === 3) sandbox.state.faults.push({ id: 'offline', kind: 'org-offline', probability: 1 });
    },
  });
  expect(run?.state).toBe('failed');
  expect(run?.problem?.code).toBe('organisation-offline');
  expect(run?.scanned).toBeGreaterThan(0);
  const health = (await h.db.connections.get(h.company.tenantId))?.health;
  expect(health?.state).toBe('attention');
  expect(health?.problem?.code).toBe('organisation-offline');

  await control(sandbox, 'DELETE', '/faults');
  const resumed = await h.engine.syncOrganisation(h.company.tenantId);
  expect(resumed?.state).toBe('succeeded');
  // Resumed from the cursor: it did not scan from the start again.
  const total = run?.expected ?? 0;
  expect(total).toBeGreaterThan(2 * PAGE_SIZE);
  // The progress bar carries on: the resumed run started from the pages already committed…
  expect(resumed?.expected).toBeGreaterThanOrEqual(total);
  expect(resumed?.scanned).toBeGreaterThanOrEqual(total);
  // …and only fetched the pages after them.
  expect(resumed?.apiCalls).toBeLessThan(Math.ceil(total / PAGE_SIZE));
  expect(resumed?.tasksCreated).toBeLessThan((await openTaskIds(h.db, h.company.tenantId)).size);
  await expectExactTasks(h);
});

test('an access token that expires mid-backfill is refreshed and the backfill carries on', async () => {
  const h = await setUp();
  let pages = 0;
  const tokenBefore = (await h.db.grants.get(h.grant.id))?.accessToken;
  const run = await h.engine.syncOrganisation(h.company.tenantId, {
    onProgress: () => {
      pages++;
      // Xero says TokenExpired once; later the token really runs out on Xero's clock.
      if (pages === 2) sandbox.state.faults.push({ id: 'expired', kind: 'token-expired', remaining: 1 });
      if (pages === 4) sandbox.clock.advance(31 * 60_000);
    },
  });
  expect(run?.state).toBe('succeeded');
  const grant = await h.db.grants.get(h.grant.id);
  expect(grant?.accessToken).not.toBe(tokenBefore);
  expect(grant?.status).toBe('active');
  await expectExactTasks(h);
});

test('a revoked grant stops the sync with the plain problem and marks the connection', async () => {
  const h = await setUp(1);
  let pages = 0;
  const run = await h.engine.syncOrganisation(h.company.tenantId, {
    onProgress: () => {
      if (++pages === 2) {
        void control(sandbox, 'POST', '/grants/revoke', { email: 'demo@sandbox.test' });
      }
    },
  });
  expect(run?.state).toBe('failed');
  expect(['connection-removed', 'access-lost', 'grant-revoked']).toContain(run?.problem?.code);
  const health = (await h.db.connections.get(h.company.tenantId))?.health;
  expect(health?.state).toBe('attention');
  // Tasks from the pages that did commit are kept.
  expect(run?.tasksCreated ?? 0).toBe((await openTaskIds(h.db, h.company.tenantId)).size);
});

test('a sync stopped at every page boundary and resumed ends with exactly one task per transaction', async () => {
  const h = await setUp(2);
  let runs = 0;
  for (;;) {
    runs++;
    const stop = new AbortController();
    let progressed = 0;
    const run = await h.engine.syncOrganisation(h.company.tenantId, {
      signal: stop.signal,
      onProgress: (p) => {
        // Stop right after each committed page (the first report is the phase starting).
        if ((p.phase === 'backfill' || p.phase === 'incremental') && ++progressed === 2) stop.abort();
      },
    });
    if (run?.state === 'succeeded') break;
    expect(run?.state).toBe('aborted');
    expect(runs).toBeLessThan(40);
  }
  expect(runs).toBeGreaterThan(3);
  await expectExactTasks(h);
  const runsStored = await h.db.syncRuns.where('tenantId').equals(h.company.tenantId).toArray();
  expect(runsStored.filter((r) => r.state === 'aborted')).toHaveLength(runs - 1);
});

test('a sync killed at random moments, even inside a page, never loses or duplicates a task', async () => {
  const h = await setUp(0);
  let runs = 0;
  for (;;) {
    runs++;
    const stop = new AbortController();
    // 5–45 ms at first; doubled every 25 runs so that a slow (busy) machine still gets whole pages in.
    const timer = setTimeout(() => stop.abort(), (5 + ((runs * 7) % 40)) * 2 ** Math.floor(runs / 25));
    const run = await h.engine.syncOrganisation(h.company.tenantId, { signal: stop.signal });
    clearTimeout(timer);
    if (run?.state === 'succeeded') break;
    expect(runs).toBeLessThan(200);
  }
  await expectExactTasks(h);
});

test('a 503 at every page boundary (one attempt each) fails each run after one page; resumed, nothing is lost', async () => {
  const h = await harness(sandbox, {
    orgIndexes: [1],
    engine: { pageSize: PAGE_SIZE },
    governor: { maxAttempts: { interactive: 1, background: 1 } },
  });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  let failed = 0;
  for (let i = 0; i < 40; i++) {
    let pages = 0;
    const run = await h.engine.syncOrganisation(company.tenantId, {
      onProgress: (p) => {
        if ((p.phase === 'backfill' || p.phase === 'incremental') && ++pages === 2) {
          sandbox.state.faults.push({
            id: `offline-${i}`,
            kind: 'org-offline',
            remaining: 1,
            tenantId: company.tenantId,
          });
        }
      },
    });
    if (run?.state === 'succeeded') break;
    expect(run?.problem?.code).toBe('organisation-offline');
    failed++;
  }
  expect(failed).toBeGreaterThan(3);
  const fromDate = backfillFromDate(sandbox.clock.now(), company.timezone);
  const expected = expectedTaskIds(await groundTruth(sandbox, company.tenantId), company.monitored, fromDate);
  expect(await openTaskIds(h.db, company.tenantId)).toEqual(expected);
});

test('records that fail validation are quarantined with a reason; the rest of the page syncs', async () => {
  let damage = true;
  const damaging: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!damage || !url.includes('/BankTransactions') || response.status !== 200) return response;
    const body = (await response.json()) as { BankTransactions: Record<string, unknown>[] };
    const [first, second] = body.BankTransactions;
    if (first) first.Total = 'twelve dollars';
    if (second) second.UpdatedDateUTC = 'last Tuesday';
    return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
  };
  const h = await harness(sandbox, { orgIndexes: [2], engine: { pageSize: PAGE_SIZE }, fetch: damaging });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  const run = await h.engine.syncOrganisation(company.tenantId);
  expect(run?.state).toBe('succeeded');
  const quarantined = await h.db.quarantine.where('tenantId').equals(company.tenantId).toArray();
  expect(quarantined.length).toBe(run?.quarantined);
  expect(quarantined.length).toBeGreaterThanOrEqual(4);
  expect(quarantined.some((q) => /^Total: /.test(q.reason))).toBe(true);
  expect(quarantined.some((q) => /^UpdatedDateUTC: not a Xero date/.test(q.reason))).toBe(true);
  expect(quarantined.every((q) => q.rawSnippet.includes('BankTransactionID'))).toBe(true);

  // Every readable qualifying transaction has its task; the damaged ones are set aside, not lost.
  const fromDate = backfillFromDate(sandbox.clock.now(), company.timezone);
  const expected = expectedTaskIds(await groundTruth(sandbox, company.tenantId), company.monitored, fromDate);
  const open = await openTaskIds(h.db, company.tenantId);
  const setAside = new Set(quarantined.map((q) => q.recordId));
  for (const id of expected) expect(open.has(id) || setAside.has(id)).toBe(true);
  expect(open.size).toBeGreaterThan(0);

  // Xero sends them readable again after an edit: they leave quarantine and get their tasks.
  damage = false;
  for (const q of quarantined) {
    await control(sandbox, 'PATCH', `/orgs/${company.tenantId}/bank-transactions/${q.recordId}`, {
      reference: 'Readable again',
    });
  }
  sandbox.clock.advance(60_000);
  expect((await h.engine.syncOrganisation(company.tenantId))?.state).toBe('succeeded');
  expect(await h.db.quarantine.where('tenantId').equals(company.tenantId).count()).toBe(0);
  expect(await openTaskIds(h.db, company.tenantId)).toEqual(
    expectedTaskIds(await groundTruth(sandbox, company.tenantId), company.monitored, fromDate),
  );
});
