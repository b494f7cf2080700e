import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesPageSchema, meSchema, taskSchema } from '../../lib/hub/contract.ts';
import { mailboxMail, type PortalVisitor, signInByLink } from '../support/portal.ts';
import {
  DATABASE,
  type FirmFixture,
  makeFirm,
  signIn,
  startTestHub,
  type TestHub,
  transaction,
} from './harness.ts';

/**
 * One browser, two sign-ins to the hub's origin: a bookkeeper who opened a client's emailed link holds
 * the client's portal cookie, and the extension sends the firm user's bearer token. A request that
 * carries a token is that token's (or refused), never the cookie's person.
 */
let hub: TestHub;
let firm: FirmFixture;
let client: PortalVisitor;

beforeAll(async () => {
  hub = await startTestHub();
  firm = await makeFirm(hub);
  const email = firm.users['Client User'].email;
  client = await signInByLink(hub.url, email, mailboxMail(hub.mailbox, email));
  const sent = await firm.users.Staff.request('PUT', `/api/workspaces/${firm.own.id}/tasks`, {
    tasks: [{ transaction: transaction(), question: 'What was this for?' }],
  });
  expect(sent.status).toBe(200);
});
afterAll(() => hub?.stop());

const get = (path: string, headers: Record<string, string>) => fetch(`${hub.url}${path}`, { headers });

describe(`a bearer token and a session cookie together (${DATABASE})`, () => {
  it('answers as the bearer token’s firm user, in the firm’s view', async () => {
    const both = { cookie: client.cookie, authorization: `Bearer ${firm.users.Staff.token}` };
    const me = await get('/api/me', both);
    expect(me.status).toBe(200);
    expect(meSchema.parse(await me.json())).toMatchObject({
      userId: firm.users.Staff.userId,
      role: 'Staff',
    });
    // The feed in the firm's view (the client's view has no tenantId, transaction or seq).
    const feed = await get(`/api/workspaces/${firm.own.id}/changes?since=0`, both);
    expect(feed.status).toBe(200);
    const [entry] = changesPageSchema.parse(await feed.json()).changes;
    expect(entry?.kind).toBe('task');
    expect(taskSchema.safeParse(entry?.kind === 'task' ? entry.task : null).success).toBe(true);
  });

  it('refuses a bad or unsigned bearer token (401) instead of answering as the cookie’s client', async () => {
    const token = firm.users.Staff.token;
    // The same token with one character of its signature changed.
    const tampered = token.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(token);
    for (const authorization of [`Bearer ${tampered}`, 'Bearer not-a-token', 'Basic abc']) {
      const me = await get('/api/me', { cookie: client.cookie, authorization });
      expect(me.status, authorization).toBe(401);
      expect(me.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('a sign-out with both ends the token’s sign-in, not the client’s portal session', async () => {
    const own = await signIn(hub.url, firm.users.Staff.email);
    const both = { cookie: client.cookie, authorization: `Bearer ${own.token}` };
    const out = await fetch(`${hub.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { ...both, 'content-type': 'application/json', origin: hub.url },
      body: '{}',
    });
    expect(out.status).toBe(200);
    expect((await get('/api/me', { authorization: `Bearer ${own.token}` })).status).toBe(401);
    expect((await get('/api/me', { cookie: client.cookie })).status).toBe(200);
  });

  it('the cookie alone is still the client’s portal sign-in, and its forms are still checked', async () => {
    const me = await get('/api/me', { cookie: client.cookie });
    expect(me.status).toBe(200);
    expect(meSchema.parse(await me.json()).role).toBe('Client User');
    expect((await client.get(`/portal/workspaces/${firm.own.id}`)).status).toBe(200);
    const forged = await client.post('/portal/sign-out', new URLSearchParams(), 'https://evil.example');
    expect(forged.status).toBe(403);
    expect((await client.get(`/portal/workspaces/${firm.own.id}`)).status).toBe(200);
  });
});
