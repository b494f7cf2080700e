import { afterAll, beforeAll, expect, test } from 'vitest';
import { backfillFromDate } from '@/lib/sync/timezone';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { control, expectedTaskIds, groundTruth, harness, openTaskIds, tasksOf } from './support';

// Noon UTC on 25 November 2026 is already 26 November in New Zealand (UTC+13), still the 25th in Sydney.
const PINNED = Date.parse('2026-11-25T12:00:00Z');
let sandbox: Sandbox;
beforeAll(async () => {
  const realStart = Date.now();
  sandbox = await startSandbox({
    port: 0,
    seed: 31,
    scale: 900,
    now: () => PINNED + (Date.now() - realStart),
  });
});
afterAll(async () => {
  await sandbox?.close();
});

test('the 90 days are counted in each organisation’s own time zone; two organisations sync at once', async () => {
  const h = await harness(sandbox, { orgIndexes: [0, 1], engine: { pageSize: 200 } });
  const [nz, au] = h.companies;
  if (!nz || !au) throw new Error('two companies expected');
  expect(nz.timezone).toBe('NEWZEALANDSTANDARDTIME');
  expect(au.timezone).toBe('AUSEASTERNSTANDARDTIME');

  // Transactions on each side of the boundary, in a monitored account of each company.
  const make = async (tenantId: string, monitored: Set<string>, date: string) => {
    const created = (await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions`, {
      type: 'SPEND',
      contactName: `Boundary ${date}`,
      date,
      lineItems: [{ description: 'Edge of the window', amount: 10, accountId: [...monitored][0] }],
    })) as { BankTransactionID: string };
    return created.BankTransactionID.toLowerCase();
  };
  const nzFirstDay = await make(nz.tenantId, nz.monitored, '2026-08-29');
  const nzDayBefore = await make(nz.tenantId, nz.monitored, '2026-08-28');
  const auFirstDay = await make(au.tenantId, au.monitored, '2026-08-28');
  const auDayBefore = await make(au.tenantId, au.monitored, '2026-08-27');

  const [nzRun, auRun] = await Promise.all([
    h.engine.syncOrganisation(nz.tenantId),
    h.engine.syncOrganisation(au.tenantId),
  ]);
  expect(nzRun?.state).toBe('succeeded');
  expect(auRun?.state).toBe('succeeded');

  const nzOpen = await openTaskIds(h.db, nz.tenantId);
  const auOpen = await openTaskIds(h.db, au.tenantId);
  expect(nzOpen.has(nzFirstDay)).toBe(true);
  expect(nzOpen.has(nzDayBefore)).toBe(false);
  expect(auOpen.has(auFirstDay)).toBe(true);
  expect(auOpen.has(auDayBefore)).toBe(false);
  expect(nzOpen).toEqual(
    expectedTaskIds(await groundTruth(sandbox, nz.tenantId), nz.monitored, '2026-08-29'),
  );
  expect(auOpen).toEqual(
    expectedTaskIds(await groundTruth(sandbox, au.tenantId), au.monitored, '2026-08-28'),
  );

  // Both were governed separately and neither was refused.
  const stats = await control(sandbox, 'GET', '/requests');
  expect(JSON.stringify(stats)).not.toContain('"429"');
});

test('turning on Receive Money backfills again without duplicating Spend Money tasks', async () => {
  const h = await harness(sandbox, { orgIndexes: [2], engine: { pageSize: 200 } });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  await h.engine.syncOrganisation(company.tenantId);
  const spendTasks = await tasksOf(h.db, company.tenantId);
  expect(spendTasks.every((task) => task.snapshot.type === 'SPEND')).toBe(true);

  await h.engine.saveScope(company.tenantId, [...company.monitored], ['SPEND', 'RECEIVE']);
  const run = await h.engine.syncOrganisation(company.tenantId, { reason: 'accounts-saved' });
  expect(run?.phase).toBe('done');
  const fromDate = '2026-08-28'; // GMT: the same calendar day as UTC.
  const expected = expectedTaskIds(
    await groundTruth(sandbox, company.tenantId),
    company.monitored,
    fromDate,
    ['SPEND', 'RECEIVE'],
  );
  expect(await openTaskIds(h.db, company.tenantId)).toEqual(expected);
  expect(run?.tasksCreated).toBe(expected.size - spendTasks.length);
  // The Spend tasks are the same rows as before.
  for (const task of spendTasks) {
    expect((await h.db.clientTasks.get([company.tenantId, task.bankTransactionId]))?.id).toBe(task.id);
  }
});

test('a backfill needing more calls than a minute allows is paced under Xero’s limits: zero 429s', async () => {
  await control(sandbox, 'DELETE', '/requests');
  const h = await harness(sandbox, { orgIndexes: [2], engine: { pageSize: 5 } });
  const company = h.companies[0];
  if (!company) throw new Error('no company');
  const clockBefore = sandbox.clock.now();
  const run = await h.engine.syncOrganisation(company.tenantId);
  expect(run?.state).toBe('succeeded');
  expect(run?.apiCalls).toBeGreaterThan(60);
  const stats = (await control(sandbox, 'GET', '/requests')) as {
    stats: { byStatus: Record<string, number> };
  };
  expect(stats.stats.byStatus['429']).toBeUndefined();
  // 55 a minute for background sync: more than 60 calls took more than a minute on Xero's clock.
  expect(sandbox.clock.now() - clockBefore).toBeGreaterThanOrEqual(60_000);
  expect(h.governor?.stats(company.tenantId).rateLimited).toBe(0);
});

test('a Starter-tier day budget: background sync stops with the day-limit problem, a person’s call still goes', async () => {
  sandbox.clock.advance(25 * 60 * 60_000); // fresh day windows on Xero's side
  await control(sandbox, 'PUT', '/limits', { perDay: 60 });
  await control(sandbox, 'DELETE', '/requests');
  try {
    const h = await harness(sandbox, {
      orgIndexes: [0],
      engine: { pageSize: 5 },
      governor: { limits: { perDay: 60, perMinute: 60 }, reserve: { perDay: 10 } },
    });
    const company = h.companies[0];
    if (!company) throw new Error('no company');
    const firstDay = backfillFromDate(sandbox.clock.now(), company.timezone);
    const run = await h.engine.syncOrganisation(company.tenantId);
    expect(run?.state).toBe('failed');
    expect(run?.problem?.code).toBe('rate-limited');
    expect(run?.apiCalls).toBe(50);
    // The reserve is there for the firm's one-click actions.
    const organisation = await h.api.organisation(h.grant.id, company.tenantId);
    expect(organisation.name).toBe(company.name);
    const stats = (await control(sandbox, 'GET', '/requests')) as {
      stats: { byStatus: Record<string, number> };
    };
    expect(stats.stats.byStatus['429']).toBeUndefined();
    // Tasks from the pages that fitted in the budget are kept; tomorrow's run carries on.
    expect(run?.tasksCreated).toBe((await tasksOf(h.db, company.tenantId)).length);
    sandbox.clock.advance(25 * 60 * 60_000);
    const tomorrow = await h.engine.syncOrganisation(company.tenantId);
    expect(tomorrow?.state).toBe('succeeded');
    expect(tomorrow?.tasksCreated).toBeGreaterThan(0);
    // The backfill kept the window it started with, the day before.
    expect(await openTaskIds(h.db, company.tenantId)).toEqual(
      expectedTaskIds(await groundTruth(sandbox, company.tenantId), company.monitored, firstDay),
    );
  } finally {
    await control(sandbox, 'PUT', '/limits', { perDay: 5000 });
  }
});
