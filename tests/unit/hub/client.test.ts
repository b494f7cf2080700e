import { describe, expect, it } from 'vitest';
import { createHubClient, HubClientError, hubOrigin } from '@/lib/hub/client';
import { serverOriginOf } from '@/lib/hub/state';

const URL_ = 'http://hub.test:8080';

/** A stand-in for the network (not for the hub): answers every request with `answer`. */
function answering(answer: () => Response | Promise<Response>) {
  const seen: Request[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

async function failure(promise: Promise<unknown>): Promise<HubClientError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubClientError);
  return error as HubClientError;
}

const me = {
  userId: 'u1',
  name: 'Ada Admin',
  email: 'ada@example.test',
  role: 'Admin',
  firm: { id: 'f1', name: 'Firm' },
};

describe('hub client', () => {
  it('sends the bearer token and validates the answer', async () => {
    const net = answering(() => Response.json(me));
    const client = createHubClient({ url: `${URL_}/some/path/`, token: 'tok', fetch: net.fetch });
    await expect(client.me()).resolves.toEqual(me);
    expect(net.seen[0]?.url).toBe(`${URL_}/api/me`);
    expect(net.seen[0]?.headers.get('authorization')).toBe('Bearer tok');
  });

  it('never sends the hub’s cookies: a client’s portal sign-in in this browser must not become who the extension is', async () => {
    const net = answering(() => Response.json(me));
    await createHubClient({ url: URL_, token: 'tok', fetch: net.fetch }).me();
    expect(net.seen[0]?.credentials).toBe('omit');
  });

  it('401 says the server refused the sign-in, and what to do', async () => {
    const net = answering(() =>
      problem(401, 'You are not signed in', 'Sign in to Client Hub again, then retry.'),
    );
    const error = await failure(createHubClient({ url: URL_, token: 't', fetch: net.fetch }).me());
    expect(error.code).toBe('hub-sign-in-refused');
    expect(error.status).toBe(401);
    expect(error.title).toMatch(/signed you out/);
    expect(error.transient).toBe(false);
    expect(error.toMessageError().action).toMatch(/Sign in/);
  });

  it("403 keeps the hub's own words", async () => {
    const net = answering(() =>
      problem(403, 'You cannot change Xero connections', 'Ask an Admin of your firm if you need to do this.'),
    );
    const client = createHubClient({ url: URL_, token: 't', fetch: net.fetch });
    const error = await failure(client.connections.delete('x'));
    expect(error.code).toBe('hub-forbidden');
    expect(error.message).toBe('You cannot change Xero connections.');
    expect(error.action).toBe('Ask an Admin of your firm if you need to do this.');
    expect(error.problem?.status).toBe(403);
  });

  it('429 is busy and carries the wait; 5xx is a server error; both are transient', async () => {
    const busy = answering(() => problem(429, 'Slow down', 'Wait.', { 'retry-after': '12' }));
    const e429 = await failure(createHubClient({ url: URL_, token: 't', fetch: busy.fetch }).me());
    expect(e429.code).toBe('hub-busy');
    expect(e429.retryAfterMs).toBe(12_000);
    expect(e429.transient).toBe(true);
    const broken = answering(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const e502 = await failure(createHubClient({ url: URL_, token: 't', fetch: broken.fetch }).me());
    expect(e502.code).toBe('hub-server-error');
    expect(e502.message).toContain('502');
    expect(e502.transient).toBe(true);
  });

  it('no answer at all is "cannot be reached"', async () => {
    const down = answering(() => {
      throw new TypeError('fetch failed');
    });
    const error = await failure(createHubClient({ url: URL_, token: 't', fetch: down.fetch }).me());
    expect(error.code).toBe('hub-unreachable');
    expect(error.message).toContain(URL_);
    expect(error.transient).toBe(true);
  });

  it("an answer that is not the hub's is refused, not trusted", async () => {
    const proxy = answering(() => new Response('<html>Welcome to nginx</html>', { status: 200 }));
    const error = await failure(createHubClient({ url: URL_, token: 't', fetch: proxy.fetch }).me());
    expect(error.code).toBe('hub-unexpected-answer');
    const wrongShape = answering(() => Response.json({ ...me, role: 'Owner' }));
    const e2 = await failure(createHubClient({ url: URL_, token: 't', fetch: wrongShape.fetch }).me());
    expect(e2.code).toBe('hub-unexpected-answer');
  });

  it('a wrong password is said as such; the token comes from set-auth-token', async () => {
    const wrong = answering(
      () =>
        new Response(JSON.stringify({ code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid' }), {
          status: 401,
        }),
    );
    const error = await failure(
      createHubClient({ url: URL_, fetch: wrong.fetch }).signInWithPassword('a@b.test', 'pw'),
    );
    expect(error.code).toBe('hub-wrong-password');
    const right = answering(
      () =>
        new Response(JSON.stringify({ user: { id: 'u1', email: 'a@b.test', name: 'A' }, token: 'x' }), {
          status: 200,
          headers: { 'set-auth-token': 'signed.token' },
        }),
    );
    await expect(
      createHubClient({ url: URL_, fetch: right.fetch }).signInWithPassword('a@b.test', 'pw'),
    ).resolves.toEqual({ token: 'signed.token' });
    expect(right.seen[0]?.headers.get('authorization')).toBeNull();
  });

  it('accepts only http(s) addresses, reduced to their origin', () => {
    expect(hubOrigin(' https://hub.firm.test/path?q=1 ')).toBe('https://hub.firm.test');
    expect(() => hubOrigin('javascript:alert(1)')).toThrow();
    expect(() => hubOrigin('not a url')).toThrow();
  });

  it('a server address is https, plain http only on the sandbox build’s own host', () => {
    expect(serverOriginOf('https://hub.firm.test/x')).toBe('https://hub.firm.test');
    // A production build: no plain http anywhere, this computer included.
    expect(serverOriginOf('http://127.0.0.1:4570')).toBeNull();
    expect(serverOriginOf('http://hub.firm.test')).toBeNull();
    expect(serverOriginOf('http://127.0.0.1:4570', '127.0.0.1')).toBe('http://127.0.0.1:4570');
    expect(serverOriginOf('http://localhost:4570', '127.0.0.1')).toBeNull();
    expect(serverOriginOf('ftp://hub.firm.test')).toBeNull();
  });
});
