import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, control, mint, start, tenantIds } from './helpers.ts';

let sandbox: Sandbox;
let token: string;
let tenantA: string;
let tenantB: string;
beforeAll(async () => {
  sandbox = await start({ limits: { perMinute: 3, perDay: 5 } });
  token = (await mint(sandbox)).access_token;
  [tenantA = '', tenantB = ''] = tenantIds(sandbox);
});
afterAll(() => sandbox.close());
// Each test gets fresh windows (the clock jumps a day) and so a fresh token.
beforeEach(async () => {
  token = (await mint(sandbox)).access_token;
});
afterEach(async () => {
  await control(sandbox, 'DELETE', '/faults');
  await control(sandbox, 'PUT', '/limits', {
    perMinute: 1000,
    perDay: 100_000,
    concurrent: 5,
    appPerMinute: 10_000,
  });
  sandbox.clock.advance(25 * 60 * 60 * 1000);
});

const MINUTE = 60_000;

describe('rate limits', () => {
  it('counts per organisation per minute, with headers, then 429 with Retry-After until the window resets', async () => {
    await control(sandbox, 'PUT', '/limits', { perMinute: 3, perDay: 100 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api(sandbox, token, tenantA, 'Organisation');
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('x-minlimit-remaining') ?? '');
      expect(response.headers.get('x-daylimit-remaining')).not.toBeNull();
      expect(response.headers.get('x-appminlimit-remaining')).not.toBeNull();
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api(sandbox, token, tenantA, 'Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('minute');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another organisation has its own window.
    expect((await api(sandbox, token, tenantB, 'Organisation')).status).toBe(200);
    sandbox.clock.advance(MINUTE);
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
  });

  it('has a day limit', async () => {
    await control(sandbox, 'PUT', '/limits', { perMinute: 100, perDay: 2 });
    await api(sandbox, token, tenantA, 'Organisation');
    await api(sandbox, token, tenantA, 'Organisation');
    const limited = await api(sandbox, token, tenantA, 'Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('day');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('has an app-wide minute limit across organisations', async () => {
    await control(sandbox, 'PUT', '/limits', { appPerMinute: 2 });
    await api(sandbox, token, tenantA, 'Organisation');
    await api(sandbox, token, tenantB, 'Organisation');
    const limited = await api(sandbox, token, tenantA, 'Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('appminute');
  });

  it('allows 5 calls in flight per organisation', async () => {
    await control(sandbox, 'POST', '/faults', { kind: 'slow', count: 5, delayMs: 300, tenantId: tenantA });
    const slow = Array.from({ length: 5 }, () => api(sandbox, token, tenantA, 'Organisation'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sixth = await api(sandbox, token, tenantA, 'Organisation');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('x-rate-limit-problem')).toBe('concurrent');
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
  });
});

describe('faults', () => {
  const inject = (body: Record<string, unknown>) => control(sandbox, 'POST', '/faults', body);

  it('rate-limit, server-error, org-offline, maintenance and token-expired hit the next N matching requests', async () => {
    await inject({ kind: 'rate-limit', count: 1, problem: 'day', retryAfterSeconds: 120 });
    const limited = await api(sandbox, token, tenantA, 'Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('day');
    expect(limited.headers.get('retry-after')).toBe('120');
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);

    await inject({ kind: 'server-error', count: 1 });
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(500);

    await inject({ kind: 'org-offline', count: 2, tenantId: tenantB });
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
    const offline = await api(sandbox, token, tenantB, 'Organisation');
    expect(offline.status).toBe(503);
    expect(await offline.text()).toBe('The Organisation is offline');

    await inject({ kind: 'maintenance', count: 1, pathPrefix: '/api.xro/2.0/BankTransactions' });
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
    const down = await api(sandbox, token, tenantA, 'BankTransactions?page=1');
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('The Xero API is currently offline for maintenance');

    await inject({ kind: 'token-expired', count: 1 });
    const expired = await api(sandbox, token, tenantA, 'Organisation');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { Detail: string }).Detail).toMatch(/^TokenExpired/);
  });

  it('malformed-json answers 200 with a truncated body', async () => {
    await inject({ kind: 'malformed-json', count: 1 });
    const response = await api(sandbox, token, tenantA, 'Organisation');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('drop destroys the socket', async () => {
    await inject({ kind: 'drop', count: 1 });
    await expect(api(sandbox, token, tenantA, 'Organisation')).rejects.toThrow();
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
  });

  it('slow delays the answer', async () => {
    await inject({ kind: 'slow', count: 1, delayMs: 250 });
    const started = Date.now();
    expect((await api(sandbox, token, tenantA, 'Organisation')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('rate faults are seeded: probability 1 always hits, 0 never; clearing removes them', async () => {
    await inject({ kind: 'server-error', probability: 1, pathPrefix: '/connections' });
    const connections = () =>
      fetch(`${sandbox.url}/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect((await connections()).status).toBe(500);
    expect((await connections()).status).toBe(500);
    await control(sandbox, 'DELETE', '/faults');
    expect((await connections()).status).toBe(200);
    const bad = await inject({ kind: 'server-error' });
    expect(bad.status).toBe(400);
  });

  it('the request log counts calls per tenant and status, and resets', async () => {
    await control(sandbox, 'DELETE', '/requests');
    await inject({ kind: 'rate-limit', count: 1 });
    await api(sandbox, token, tenantA, 'Organisation');
    await api(sandbox, token, tenantA, 'Organisation');
    await api(sandbox, token, tenantB, 'Organisation');
    const { stats } = (await (await control(sandbox, 'GET', '/requests')).json()) as {
      stats: {
        total: number;
        byStatus: Record<string, number>;
        byTenant: Record<string, { total: number; byStatus: Record<string, number> }>;
      };
    };
    expect(stats.total).toBe(3);
    expect(stats.byTenant[tenantA]).toEqual({ total: 2, byStatus: { '200': 1, '429': 1 } });
    expect(stats.byTenant[tenantB]?.total).toBe(1);
  });
});
