import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubProblemSchema, meSchema } from '../../lib/hub/contract.ts';
import {
  caller,
  DATABASE,
  type FirmFixture,
  makeFirm,
  PASSWORD,
  signIn,
  startTestHub,
  type TestHub,
  uniqueEmail,
} from './harness.ts';

let hub: TestHub;
let firm: FirmFixture;

beforeAll(async () => {
  hub = await startTestHub();
  firm = await makeFirm(hub);
});
afterAll(() => hub?.stop());

const signInRequest = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe(`sign-in (${DATABASE})`, () => {
  it('signs a firm user in with email and password; the extension then uses the bearer token', async () => {
    const response = await signInRequest(hub.url, firm.users.Staff.email, PASSWORD);
    expect(response.status).toBe(200);
    const token = response.headers.get('set-auth-token');
    expect(token).toMatch(/\./);
    const me = await caller(hub.url, token ?? '').request('GET', '/api/me');
    expect(meSchema.parse(me.body)).toMatchObject({ role: 'Staff', email: firm.users.Staff.email });
  });

  it('refuses a wrong password, a made-up token and an unsigned one, in plain words', async () => {
    const wrong = await signInRequest(hub.url, firm.users.Staff.email, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(hubProblemSchema.parse(await wrong.json()).title).toMatch(/do not match/);
    expect((await caller(hub.url, 'made-up.token').request('GET', '/api/me')).status).toBe(401);
    const unsigned = firm.users.Staff.token.split('.')[0] ?? '';
    expect((await caller(hub.url, unsigned).request('GET', '/api/me')).status).toBe(401);
  });

  it('signs an invited client in from an emailed link, without a password', async () => {
    const email = uniqueEmail('client');
    const invited = await firm.users.Manager.request('POST', `/api/workspaces/${firm.own.id}/clients`, {
      email,
      name: 'Nia Client',
    });
    expect(invited.status).toBe(201);
    const asked = await fetch(`${hub.url}/api/auth/sign-in/magic-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, callbackURL: '/' }),
    });
    expect(asked.status).toBe(200);
    const mail = await hub.mailbox.next(email);
    const link = /https?:\/\/\S+/.exec(mail.text ?? '')?.[0] ?? '';
    expect(link.startsWith(`${hub.url}/api/auth/magic-link/verify?token=`)).toBe(true);
    const opened = await fetch(link, { redirect: 'manual' });
    const token = opened.headers.get('set-auth-token');
    expect(token).toBeTruthy();
    const client = caller(hub.url, token ?? '');
    expect((await client.request('GET', '/api/me')).body).toMatchObject({ role: 'Client User', email });
    const workspaces = await client.request<{ workspaces: { id: string }[] }>('GET', '/api/workspaces');
    expect(workspaces.body.workspaces.map((w) => w.id)).toEqual([firm.own.id]);
    // The link works once.
    expect((await fetch(link, { redirect: 'manual' })).headers.get('set-auth-token')).toBeNull();
  });

  it('sends no link to an address nobody invited, and makes no account for it', async () => {
    const email = uniqueEmail('stranger');
    await fetch(`${hub.url}/api/auth/sign-in/magic-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(hub.mailbox.to(email)).toEqual([]);
    await expect(signIn(hub.url, email, PASSWORD)).rejects.toThrow(/401/);
  });

  it('limits sign-in attempts across instances sharing the database', async () => {
    // Two more instances on the same database with a low limit: attempts through either count.
    const strict = { limits: { signInAttemptsPerMinute: 3 }, database: hub.database };
    const one = await startTestHub(strict);
    const two = await startTestHub(strict);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6 && !statuses.includes(429); i++) {
        const via = i % 2 ? two : one;
        statuses.push(
          (await signInRequest(via.url, firm.users.Staff.email, 'wrong password attempt')).status,
        );
      }
      expect(statuses.length).toBeLessThanOrEqual(4);
      expect(statuses.at(-1)).toBe(429);
      const blocked = await signInRequest(one.url, firm.users.Staff.email, PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(hubProblemSchema.parse(await blocked.json()).title).toBe('Too many sign-in attempts');
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
