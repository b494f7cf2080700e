import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SESSION_SECONDS } from '../../hub/auth.ts';
import { SIGN_IN_EMAIL_WINDOW_SECONDS, SIGN_IN_EMAILS_PER_ADDRESS } from '../../hub/domain/sign-in.ts';
import { SIGN_IN_ANSWER_MS } from '../../hub/routes/portal-sign-in.ts';
import { workspaceMembersSchema } from '../../lib/hub/contract.ts';
import { DATABASE, hubWithFirm, startTestHub, uniqueAddress, uniqueEmail } from './harness.ts';

const world = hubWithFirm('Passwordless & Co');
afterEach(() => {
  vi.useRealTimers();
});

/** A form post from the hub's own page, as a browser sends it. */
const post = (
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  on = world.hub,
) =>
  fetch(`${on.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: on.url, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });

const invite = async (email: string, name = 'Nia Client') => {
  const reply = await world.firm.users.Staff.request('POST', `/api/workspaces/${world.firm.own.id}/clients`, {
    email,
    name,
  });
  expect(reply.status).toBe(201);
  return reply;
};

/** Asks for a sign-in email from the portal's page and waits for it. */
async function askForSignIn(
  email: string,
  on = world.hub,
): Promise<{ link: string; code: string; mail: ParsedMail }> {
  const before = on.mailbox.to(email).length;
  const asked = await post('/portal/sign-in', { email }, {}, on);
  expect(asked.status).toBe(200);
  expect(await asked.text()).toContain('Check your email');
  const mail = await on.mailbox.next(email, { after: before });
  const text = mail.text ?? '';
  const link = /(https?:\/\/\S+\/portal\/sign-in\/link\?token=\S+)/.exec(text)?.[1] ?? '';
  const code = /sign-in page: (\d{6})/.exec(text)?.[1] ?? '';
  expect(link).not.toBe('');
  expect(code).toMatch(/^\d{6}$/);
  return { link, code, mail };
}

/** Opens the emailed link and taps Continue, as the client does: the session cookie, or the answer. */
async function followLink(link: string): Promise<{ response: Response; cookie: string }> {
  const landing = await fetch(link);
  expect(landing.status).toBe(200);
  const page = await landing.text();
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? '';
  expect(token).toBe(new URL(link).searchParams.get('token'));
  const response = await post('/portal/sign-in/link', { token });
  return { response, cookie: sessionCookie(response) };
}

const sessionCookie = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((c) => c.includes('session_token='))
    ?.split(';')[0] ?? '';

const whoIs = (cookie: string) => fetch(`${world.hub.url}/api/me`, { headers: { cookie } });

describe(`sign-in without a password (${DATABASE})`, () => {
  it('invites a client by email; they follow the emailed link and stay signed in on that device', async () => {
    const email = uniqueEmail('nia');
    await invite(email);
    const invitation = await world.hub.mailbox.next(email);
    expect(invitation.subject).toBe(
      `Passwordless & Co invites you to answer questions about Own Passwordless & Co`,
    );
    expect(invitation.text).toContain('Sam Staff at Passwordless & Co invited you');
    const signInPage = /(https?:\/\/\S+\/portal\/sign-in\?email=\S+)/.exec(invitation.text ?? '')?.[1] ?? '';
    expect(signInPage).toBe(`${world.hub.url}/portal/sign-in?email=${encodeURIComponent(email)}`);
    const opened = await fetch(signInPage);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(`value="${email}"`);

    const members = async () =>
      workspaceMembersSchema.parse(
        (await world.firm.users.Manager.request('GET', `/api/workspaces/${world.firm.own.id}/members`)).body,
      ).members;
    expect((await members()).find((m) => m.email === email)?.invitation).toEqual({ status: 'invited' });

    const { link, mail } = await askForSignIn(email);
    expect(mail.subject).toBe('Sign in to Passwordless & Co on Client Hub');
    expect(mail.from?.value[0]?.name).toBe('Passwordless & Co');
    expect(typeof mail.html === 'string' && mail.html.includes('href=')).toBe(true);
    // Opening the link alone signs nobody in (mail scanners open links): the tap does.
    const { response, cookie } = await followLink(link);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/portal');
    const set = response.headers.getSetCookie().find((c) => c.includes('session_token=')) ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toContain(`Max-Age=${SESSION_SECONDS}`);
    expect(SESSION_SECONDS).toBe(30 * 24 * 60 * 60);
    const me = await whoIs(cookie);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email, role: 'Client User' });
    expect((await members()).find((m) => m.email === email)?.invitation).toEqual({ status: 'signed in' });

    // The link works once.
    const again = await followLink(link);
    expect(again.response.status).toBe(400);
    expect(await again.response.text()).toContain('expired or was already used');
    expect(again.cookie).toBe('');
  });

  it('signs in with the 6-digit code on another device, once, and only for the address it was sent to', async () => {
    const email = uniqueEmail('code');
    const otherEmail = uniqueEmail('code-other');
    await invite(email);
    await invite(otherEmail, 'Other Client');
    const { code } = await askForSignIn(email);
    const { code: otherCode } = await askForSignIn(otherEmail);

    // Someone else's code does not sign this address in (and the other way round).
    if (otherCode !== code) {
      const swapped = await post('/portal/sign-in/code', { email, code: otherCode });
      expect(swapped.status).toBe(400);
      expect(await swapped.text()).toContain('That code did not work');
    }
    const signed = await post('/portal/sign-in/code', { email, code: code.replace(/(\d{3})/, '$1 ') });
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/portal');
    const me = await whoIs(sessionCookie(signed));
    expect(await me.json()).toMatchObject({ email });

    const reused = await post('/portal/sign-in/code', { email, code });
    expect(reused.status).toBe(400);
    const page = await reused.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('aria-invalid="true"');
  });

  it('stops a code after five wrong guesses, even the right one after them', async () => {
    const email = uniqueEmail('guess');
    await invite(email);
    const { code } = await askForSignIn(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++)
      expect((await post('/portal/sign-in/code', { email, code: wrong })).status).toBe(400);
    expect((await post('/portal/sign-in/code', { email, code })).status).toBe(400);
  });

  it('lets a link and a code work for 15 minutes, and not after', async () => {
    const email = uniqueEmail('expiry');
    await invite(email);
    // In the past, so better-auth's clean-up of expired rows (which runs on every look-up) removes
    // nothing that other tests sharing the database made at the real time.
    const start = new Date(Date.now() - 16 * 60_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const early = await askForSignIn(email);
    vi.setSystemTime(start.getTime() + 14 * 60_000 + 50_000);
    const inTime = await followLink(early.link);
    expect(inTime.response.status).toBe(303);
    expect((await post('/portal/sign-in/code', { email, code: early.code })).status).toBe(303);

    vi.setSystemTime(start);
    const late = await askForSignIn(email);
    vi.setSystemTime(start.getTime() + 15 * 60_000 + 10_000);
    expect((await followLink(late.link)).response.status).toBe(400);
    expect((await post('/portal/sign-in/code', { email, code: late.code })).status).toBe(400);
  });

  it('answers the same, in the same time, whether or not the address has an account', async () => {
    const known = uniqueEmail('known');
    const unknown = uniqueEmail('unknown');
    await invite(known);
    const answer = async (email: string) => {
      const started = performance.now();
      const response = await post('/portal/sign-in', { email });
      const ms = performance.now() - started;
      return { status: response.status, body: (await response.text()).replaceAll(email, 'EMAIL'), ms };
    };
    const forKnown = await answer(known);
    const forUnknown = await answer(unknown);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(forUnknown.body).toBe(forKnown.body);
    expect(forKnown.ms).toBeGreaterThanOrEqual(SIGN_IN_ANSWER_MS - 5);
    expect(forUnknown.ms).toBeGreaterThanOrEqual(SIGN_IN_ANSWER_MS - 5);
    // The API answers alike too.
    const api = async (email: string) => {
      const response = await fetch(`${world.hub.url}/api/auth/sign-in/magic-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      return { status: response.status, body: await response.text() };
    };
    expect(await api(unknown)).toEqual(await api(known));
    await world.hub.mailbox.next(known, { after: 2 });
    expect(world.hub.mailbox.to(unknown)).toEqual([]);
  });

  it('does not make the request wait for a slow mail server (that would tell known addresses apart)', async () => {
    const slow = await startTestHub({ database: world.hub.database, mailbox: { acceptDelayMs: 3_000 } });
    try {
      const email = uniqueEmail('slow');
      await invite(email);
      const started = performance.now();
      const response = await post('/portal/sign-in', { email }, {}, slow);
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(slow.mailbox.to(email)).toEqual([]);
      await slow.mailbox.next(email);
    } finally {
      await slow.stop();
    }
  });

  it('limits sign-in requests per address, with a plain message and Retry-After', async () => {
    const strict = await startTestHub({
      database: world.hub.database,
      limits: { signInAttemptsPerMinute: 3 },
      trustProxy: true,
    });
    try {
      // Counted per address the proxy gives: other tests' sign-ins (from other addresses) do not count.
      const from = { 'x-forwarded-for': uniqueAddress() };
      const statuses: number[] = [];
      for (let i = 0; i < 6 && !statuses.includes(429); i++)
        statuses.push((await post('/portal/sign-in', { email: uniqueEmail('limit') }, from, strict)).status);
      expect(statuses[0]).toBe(200);
      expect(statuses.length).toBeLessThanOrEqual(4);
      expect(statuses.at(-1)).toBe(429);
      const limited = await post('/portal/sign-in', { email: uniqueEmail('limit') }, from, strict);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toMatch(/Too many sign-in attempts from here\. Wait \d+ seconds/);
      // Another address is not held back by this one's limit.
      const elsewhere = { 'x-forwarded-for': uniqueAddress() };
      expect((await post('/portal/sign-in', { email: uniqueEmail('limit') }, elsewhere, strict)).status).toBe(
        200,
      );
      // Guessing codes is limited the same way.
      const codeFrom = { 'x-forwarded-for': uniqueAddress() };
      const guesses: number[] = [];
      for (let i = 0; i < 4; i++)
        guesses.push(
          (await post('/portal/sign-in/code', { email: 'x@example.test', code: '000000' }, codeFrom, strict))
            .status,
        );
      expect(guesses).toEqual([400, 400, 400, 429]);
    } finally {
      await strict.stop();
    }
  });

  it(`sends one address at most ${SIGN_IN_EMAILS_PER_ADDRESS} sign-in emails in ${SIGN_IN_EMAIL_WINDOW_SECONDS / 60} minutes, whatever addresses ask, with the same answer`, async () => {
    const email = uniqueEmail('flooded');
    await invite(email);
    const mailsBefore = world.hub.mailbox.to(email).length;
    // Requests from ever new addresses (a trusted proxy names them), each under any per-caller limit.
    const proxied = await startTestHub({ database: world.hub.database, trustProxy: true });
    try {
      const answers: string[] = [];
      for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS + 3; i++) {
        const asked = await post(
          '/portal/sign-in',
          { email },
          { 'x-forwarded-for': uniqueAddress() },
          proxied,
        );
        expect(asked.status).toBe(200);
        answers.push(await asked.text());
      }
      // Every answer is the neutral one, capped or not.
      expect(answers.every((a) => a.includes('Check your email'))).toBe(true);
      const mails = () => proxied.mailbox.to(email).length + world.hub.mailbox.to(email).length - mailsBefore;
      await expect.poll(mails, { timeout: 15_000 }).toBe(SIGN_IN_EMAILS_PER_ADDRESS);
      // Nothing more arrives later: the requests past the cap sent nothing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(mails()).toBe(SIGN_IN_EMAILS_PER_ADDRESS);
      // Another person's email is not held back by this one's cap.
      const other = uniqueEmail('unaffected');
      await invite(other);
      await askForSignIn(other, proxied);
    } finally {
      await proxied.stop();
    }
  });

  it('refuses a sign-in form posted from another site', async () => {
    const forged = await post(
      '/portal/sign-in',
      { email: uniqueEmail('forged') },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
  });

  it('lets the firm end a client user’s sessions on every device', async () => {
    const email = uniqueEmail('ended');
    await invite(email);
    const first = await followLink((await askForSignIn(email)).link);
    const second = await post('/portal/sign-in/code', { email, code: (await askForSignIn(email)).code });
    const cookies = [first.cookie, sessionCookie(second)];
    for (const cookie of cookies) expect((await whoIs(cookie)).status).toBe(200);
    const me = (await (await whoIs(cookies[0] ?? '')).json()) as { userId: string };

    // Staff assigned to the workspace may; the client's own cookie session keeps working until then.
    const ended = await world.firm.users.Staff.request(
      'DELETE',
      `/api/workspaces/${world.firm.own.id}/clients/${me.userId}/sessions`,
    );
    expect(ended.status).toBe(204);
    for (const cookie of cookies) expect((await whoIs(cookie)).status).toBe(401);
    // Only client users of that workspace: not the firm's own people.
    const staff = await world.firm.users.Manager.request(
      'DELETE',
      `/api/workspaces/${world.firm.own.id}/clients/${world.firm.users.Staff.userId}/sessions`,
    );
    expect(staff.status).toBe(404);
    expect((await world.firm.users.Staff.request('GET', '/api/me')).status).toBe(200);
  });
});
