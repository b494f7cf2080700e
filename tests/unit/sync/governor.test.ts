import { describe, expect, test } from 'vitest';
import type { XeroFailure } from '@/lib/errors';
import { createGovernor, type GovernorOptions } from '@/lib/sync/governor';
import { FailureError } from '@/lib/xero/failure-error';

/** A clock that only moves when someone sleeps: waits cost no real time. */
function fakeTime() {
  const clock = { t: 1_000_000 };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
}

function governor(options: Partial<GovernorOptions> = {}) {
  const time = fakeTime();
  return {
    ...time,
    governor: createGovernor({ now: time.now, sleep: time.sleep, random: () => 0.5, ...options }),
  };
}

const http = (status: number, headers: Record<string, string> = {}, body = ''): XeroFailure => ({
  kind: 'http',
  endpoint: 'https://api.xero.com/api.xro/2.0/BankTransactions',
  status,
  headers,
  body,
});

const maxInAnyMinute = (starts: number[]) =>
  Math.max(...starts.map((s) => starts.filter((other) => other >= s && other < s + 60_000).length));

describe('per-minute limit', () => {
  test('background sync keeps 5 a minute in reserve and never exceeds it in any 60 seconds', async () => {
    const { governor: g, now } = governor();
    const starts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const permit = await g.acquire('org', 'background');
      starts.push(now());
      permit.release();
    }
    expect(maxInAnyMinute(starts)).toBe(55);
    // 200 calls at 55 a minute: three full minutes of waiting.
    expect(now() - (starts[0] as number)).toBeGreaterThanOrEqual(3 * 60_000);
  });

  test('a person’s action goes straight through when background sync has used its share', async () => {
    const { governor: g, now } = governor();
    for (let i = 0; i < 55; i++) (await g.acquire('org', 'background')).release();
    const before = now();
    for (let i = 0; i < 5; i++) (await g.acquire('org', 'interactive')).release();
    expect(now()).toBe(before);
    // The 61st call in the minute waits, whoever makes it.
    await g.acquire('org', 'interactive');
    expect(now()).toBeGreaterThan(before);
  });

  test('each Xero company has its own limits', async () => {
    const { governor: g, now } = governor();
    for (let i = 0; i < 55; i++) (await g.acquire('a', 'background')).release();
    const before = now();
    for (let i = 0; i < 55; i++) (await g.acquire('b', 'background')).release();
    expect(now()).toBe(before);
  });

  test('Xero’s X-MinLimit-Remaining is trusted when it is lower than our own count (after a restart)', async () => {
    const { governor: g, now } = governor();
    const permit = await g.acquire('org', 'background');
    const at = now();
    permit.release({
      status: 200,
      headers: new Headers({ 'X-MinLimit-Remaining': '4', 'X-DayLimit-Remaining': '4000' }),
    });
    await g.acquire('org', 'background');
    expect(now()).toBeGreaterThanOrEqual(at + 60_000);
  });
});

describe('concurrency', () => {
  test('at most 5 in flight; background leaves one slot for a person', async () => {
    const { governor: g } = governor();
    const held = await Promise.all([1, 2, 3, 4].map(() => g.acquire('org', 'background')));
    let fifthBackground = false;
    const waiting = g.acquire('org', 'background').then((permit) => {
      fifthBackground = true;
      return permit;
    });
    const interactive = await g.acquire('org', 'interactive');
    await Promise.resolve();
    expect(fifthBackground).toBe(false);
    interactive.release();
    held[0]?.release();
    (await waiting).release();
    expect(fifthBackground).toBe(true);
  });

  test('a waiting interactive call goes before waiting background calls', async () => {
    const { governor: g } = governor();
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => g.acquire('org', 'interactive')));
    const order: string[] = [];
    const background = g.acquire('org', 'background').then((p) => {
      order.push('background');
      p.release();
    });
    const interactive = g.acquire('org', 'interactive').then((p) => {
      order.push('interactive');
      p.release();
    });
    await Promise.resolve();
    for (const permit of held) permit.release();
    await Promise.all([background, interactive]);
    expect(order).toEqual(['interactive', 'background']);
  });
});

describe('429 and the day budget', () => {
  test('Retry-After on a 429 holds every call to that company for that long', async () => {
    const { governor: g, now } = governor();
    const permit = await g.acquire('org', 'background');
    const at = now();
    permit.release({
      status: 429,
      headers: new Headers({ 'Retry-After': '30', 'X-Rate-Limit-Problem': 'minute' }),
    });
    await g.acquire('org', 'interactive');
    expect(now() - at).toBe(30_000);
    expect(g.stats('org').rateLimited).toBe(1);
  });

  test('a Starter-tier day budget stops background sync with a day limit problem; people keep a reserve', async () => {
    const { governor: g } = governor({
      limits: { perDay: 1000, perMinute: 100_000 },
      reserve: { perDay: 50 },
    });
    for (let i = 0; i < 950; i++) (await g.acquire('org', 'background')).release();
    const refused = await g.acquire('org', 'background').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FailureError);
    const failure = (refused as FailureError).failure;
    expect(failure.kind === 'http' && failure.headers['x-rate-limit-problem']).toBe('day');
    (await g.acquire('org', 'interactive')).release();
  });

  test('the day budget is a setting', () => {
    const { governor: g } = governor();
    g.setDayBudget(1000);
    expect(g.limits().perDay).toBe(1000);
  });
});

describe('retries', () => {
  test('transient failures back off exponentially (with jitter) a bounded number of times', () => {
    const { governor: g } = governor({ maxAttempts: { interactive: 2, background: 5 } });
    const failure = http(500, {}, 'oops');
    const delays = [1, 2, 3, 4].map((attempt) => g.retryDelay('org', failure, attempt, 'background'));
    expect(delays).toEqual([750, 1500, 3000, 6000]);
    expect(g.retryDelay('org', failure, 5, 'background')).toBeUndefined();
    expect(g.retryDelay('org', failure, 2, 'interactive')).toBeUndefined();
    expect(g.retryDelay('org', { kind: 'network', detail: 'reset' }, 1, 'background')).toBe(750);
    expect(g.retryDelay('org', { kind: 'malformed', endpoint: 'x', detail: 'cut' }, 1, 'background')).toBe(
      750,
    );
  });

  test('offline and maintenance honour Retry-After when Xero sends it', () => {
    const { governor: g } = governor();
    const offline = http(503, { 'retry-after': '20' }, 'The Organisation is offline');
    expect(g.retryDelay('org', offline, 1, 'background')).toBe(20_000);
  });

  test('a 429 is retried after Retry-After, a day-limit 429 is not waited out by background sync', async () => {
    const { governor: g, now } = governor();
    const minute = http(429, { 'retry-after': '15', 'x-rate-limit-problem': 'minute' });
    expect(g.retryDelay('org', minute, 1, 'background')).toBe(0);
    const before = now();
    await g.acquire('org', 'background');
    expect(now() - before).toBe(15_000);
    const day = http(429, { 'retry-after': '36000', 'x-rate-limit-problem': 'day' });
    expect(g.retryDelay('org', day, 1, 'background')).toBeUndefined();
  });

  test('403, 400 and a revoked sign-in are never retried', () => {
    const { governor: g } = governor();
    expect(
      g.retryDelay('org', http(403, {}, '{"Detail":"AuthenticationUnsuccessful"}'), 1, 'background'),
    ).toBeUndefined();
    expect(g.retryDelay('org', http(400, {}, '{}'), 1, 'background')).toBeUndefined();
    const revoked: XeroFailure = {
      kind: 'oauth',
      endpoint: 'token',
      error: 'invalid_grant',
      grantType: 'refresh_token',
    };
    expect(g.retryDelay('org', revoked, 1, 'background')).toBeUndefined();
  });
});
