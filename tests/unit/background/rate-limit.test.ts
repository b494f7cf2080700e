import { expect, test } from 'vitest';
import { createRateLimiter, limitPerTab, TAB_LIMITS } from '@/lib/background/rate-limit';
import { createMessageRouter, type Handlers } from '@/lib/messaging/router';
import { handlersThatMustNotRun } from './handlers';

test('a burst is allowed, then one action per interval, per key', () => {
  let now = 0;
  const limiter = createRateLimiter({ burst: 3, everyMs: 1000 }, () => now);
  expect([1, 2, 3, 4].map(() => limiter.take('tab-1'))).toEqual([true, true, true, false]);
  // Another tab has its own bucket.
  expect(limiter.take('tab-2')).toBe(true);
  now = 999;
  expect(limiter.take('tab-1')).toBe(false);
  now = 1000;
  expect(limiter.take('tab-1')).toBe(true);
  expect(limiter.take('tab-1')).toBe(false);
  // A long pause refills to the burst, no further.
  now = 60_000;
  expect([1, 2, 3, 4].map(() => limiter.take('tab-1'))).toEqual([true, true, true, false]);
});

test('refused attempts do not earn credit, and a clock going backwards grants nothing', () => {
  let now = 0;
  const limiter = createRateLimiter({ burst: 1, everyMs: 1000 }, () => now);
  expect(limiter.take('t')).toBe(true);
  for (now = 100; now < 1000; now += 100) expect(limiter.take('t')).toBe(false);
  now = 1000;
  expect(limiter.take('t')).toBe(true);
  now = 0;
  expect(limiter.take('t')).toBe(false);
});

test('many tabs do not grow the buckets without end', () => {
  let now = 0;
  const limiter = createRateLimiter({ burst: 2, everyMs: 10 }, () => now);
  for (let tab = 0; tab < 5000; tab++) {
    now += 1;
    expect(limiter.take(String(tab))).toBe(true);
  }
  // The first tabs' buckets refilled long ago and were forgotten: they start full again.
  expect(limiter.take('0')).toBe(true);
  expect(limiter.take('0')).toBe(true);
  expect(limiter.take('0')).toBe(false);
});

const pushed: string[] = [];
const handlers = {
  ...handlersThatMustNotRun(),
  'tasks.push': async ({ bankTransactionId }) => {
    pushed.push(bankTransactionId);
    return { taskId: 'k', status: 'Open' as const, created: true };
  },
  'tasks.open': async () => ({ opened: true }),
} satisfies Handlers;

test('the background refuses pushes and opens past the per-tab limit before any handler runs', async () => {
  let now = 0;
  const route = createMessageRouter(
    handlers,
    'own-id',
    { extensionOrigin: 'chrome-extension://own-id/', contentScriptMatches: ['https://go.xero.com/*'] },
    { admit: limitPerTab(() => now), contentScriptTypes: new Set(['tasks.push', 'tasks.open']) },
  );
  const fromTab = (id: number) => ({ id: 'own-id', tab: { id }, url: 'https://go.xero.com/Bank/x' });
  const push = (tab: number, n: number) =>
    route(
      {
        type: 'tasks.push',
        tenantId: 't',
        bankTransactionId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
      },
      fromTab(tab),
    );
  const { burst, everyMs } = TAB_LIMITS['tasks.push'];
  const replies = [];
  for (let n = 0; n < 20; n++) replies.push(await push(1, n));
  expect(replies.filter((r) => r.ok)).toHaveLength(burst);
  expect(replies.at(-1)).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
  expect(pushed).toHaveLength(burst);
  // Another tab is not held back by the first; the first may push again after the interval.
  expect(await push(2, 99)).toMatchObject({ ok: true });
  now += everyMs;
  expect(await push(1, 100)).toMatchObject({ ok: true });
  // Opening tasks has its own limit.
  const opens = [];
  for (let n = 0; n < 20; n++) opens.push(await route({ type: 'tasks.open', taskId: 'k' }, fromTab(3)));
  expect(opens.filter((r) => r.ok)).toHaveLength(TAB_LIMITS['tasks.open'].burst);
  // Extension pages (no tab) and other requests are not limited.
  for (let n = 0; n < 20; n++)
    expect(
      await route(
        { type: 'tasks.open', taskId: 'k' },
        { id: 'own-id', url: 'chrome-extension://own-id/tasks.html' },
      ),
    ).toMatchObject({ ok: true });
});
