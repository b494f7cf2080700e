import type { Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import type { HubAuth } from '../auth.ts';
import type { HubServices } from '../domain/context.ts';
import { PAGE_HEADERS, SIGN_OUT_PATH } from '../portal/layout.tsx';
import {
  codePage,
  emailPage,
  linkPage,
  SIGN_IN_CODE_PATH,
  SIGN_IN_LINK_PATH,
  SIGN_IN_PATH,
} from '../portal/sign-in.tsx';

/** Where a client lands once signed in (the portal's own pages). */
export const PORTAL_HOME = '/portal';

/** The sign-in pages, for the authorisation matrix: anyone may open them. */
export const SIGN_IN_ROUTES = [
  { method: 'GET', path: SIGN_IN_PATH },
  { method: 'POST', path: SIGN_IN_PATH },
  { method: 'POST', path: SIGN_IN_CODE_PATH },
  { method: 'GET', path: SIGN_IN_LINK_PATH },
  { method: 'POST', path: SIGN_IN_LINK_PATH },
  // Anyone may post it: without a session it only shows the sign-in page.
  { method: 'POST', path: SIGN_OUT_PATH },
] as const;

/** A sign-in request is answered no sooner than this, known address or not. */
export const SIGN_IN_ANSWER_MS = 400;

export const waitUntil = async (started: number, ms: number) => {
  const left = started + ms - performance.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
};

/** Calls one of better-auth's endpoints as the client would, so its rate limits count them. */
export async function callAuth(
  auth: HubAuth,
  services: HubServices,
  clientIp: string,
  request: { method: 'GET' | 'POST'; path: string; body?: unknown },
): Promise<Response> {
  const headers = new Headers({ 'x-hub-client-ip': clientIp });
  if (request.body !== undefined) headers.set('content-type', 'application/json');
  return auth.handler(
    new Request(`${services.publicUrl}/api/auth${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    }),
  );
}

/** better-auth's answer for an address with no account: shown to nobody (it would say who has one). */
export async function isUnknownAddress(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { code?: string; message?: string };
  return body.code === 'USER_NOT_FOUND' || body.message === 'User not found';
}

const retryAfter = (response: Response) =>
  response.headers.get('x-retry-after') ?? response.headers.get('retry-after') ?? '60';

const page = (html: string, status = 200, extra: Record<string, string> = {}) =>
  new Response(html, { status, headers: { ...PAGE_HEADERS, ...extra } });

/** Signed in: the session cookie better-auth set, then on to the portal. */
function signedIn(response: Response): Response {
  const headers = new Headers({ location: PORTAL_HOME, 'cache-control': 'no-store' });
  for (const cookie of response.headers.getSetCookie()) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

const SIGNED_OUT = 'You are signed out on this device. Enter your email to sign in again.';

const formText = (value: unknown) => (typeof value === 'string' ? value : '');

export function mountPortalSignIn(
  app: Hono,
  services: HubServices,
  auth: HubAuth,
  clientAddress: (c: Context) => string,
) {
  // Forms post only from the hub's own pages (a cookie-less sign-in form, but a forged post could
  // still sign a victim into someone else's account).
  const publicOrigin = new URL(services.publicUrl).origin;
  const sameOrigin = csrf({
    origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin,
  });
  const tooMany = (response: Response) =>
    `Too many sign-in attempts from here. Wait ${retryAfter(response)} seconds, then try again.`;

  app.get(SIGN_IN_PATH, (c) => {
    const email = c.req.query('email');
    const notice = c.req.query('signed-out') === undefined ? {} : { notice: SIGNED_OUT };
    return page(emailPage(email ? { email, ...notice } : notice));
  });

  // Sign out on this device: better-auth ends this cookie's session and clears the cookie; other
  // devices stay signed in (the firm's "End sessions" ends them all).
  app.post(SIGN_OUT_PATH, sameOrigin, async (c) => {
    const cookie = c.req.header('cookie');
    const cleared = new Headers({ location: `${SIGN_IN_PATH}?signed-out`, 'cache-control': 'no-store' });
    if (cookie) {
      const response = await auth.handler(
        new Request(`${services.publicUrl}/api/auth/sign-out`, {
          method: 'POST',
          headers: {
            cookie,
            origin: publicOrigin,
            'content-type': 'application/json',
            'x-hub-client-ip': clientAddress(c),
          },
          body: '{}',
        }),
      );
      if (response.status >= 500) throw new Error(`sign-out failed: ${response.status}`);
      for (const set of response.headers.getSetCookie()) cleared.append('set-cookie', set);
    }
    return new Response(null, { status: 303, headers: cleared });
  });

  app.post(SIGN_IN_PATH, sameOrigin, async (c) => {
    const started = performance.now();
    const form = await c.req.parseBody();
    const email = formText(form.email).trim().toLowerCase();
    if (!z.email().safeParse(email).success) {
      return page(emailPage({ email, error: 'Enter your email address, such as name@example.com.' }), 400);
    }
    const response = await callAuth(auth, services, clientAddress(c), {
      method: 'POST',
      path: '/sign-in/magic-link',
      body: { email },
    });
    // The same page, after the same time, whether or not the address has an account.
    await waitUntil(started, SIGN_IN_ANSWER_MS);
    if (response.status === 429) {
      return page(emailPage({ email, error: tooMany(response) }), 429, {
        'retry-after': retryAfter(response),
      });
    }
    if (!response.ok && !(await isUnknownAddress(response))) {
      throw new Error(`sign-in email request failed: ${response.status}`);
    }
    return page(codePage({ email }));
  });

  app.post(SIGN_IN_CODE_PATH, sameOrigin, async (c) => {
    const form = await c.req.parseBody();
    const email = formText(form.email).trim().toLowerCase();
    const code = formText(form.code).replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      return page(codePage({ email, error: 'Type the 6 digits of the code in the email.' }), 400);
    }
    const response = await callAuth(auth, services, clientAddress(c), {
      method: 'POST',
      path: '/sign-in/email-otp',
      body: { email, otp: code },
    });
    if (response.ok) return signedIn(response);
    if (response.status === 429) {
      return page(codePage({ email, error: tooMany(response) }), 429, {
        'retry-after': retryAfter(response),
      });
    }
    if (response.status >= 500) throw new Error(`code sign-in failed: ${response.status}`);
    return page(
      codePage({
        email,
        error:
          'That code did not work. Codes work once, within 15 minutes, for the address they were sent to: check the newest email, or ask for a new one.',
      }),
      400,
    );
  });

  app.get(SIGN_IN_LINK_PATH, (c) => {
    const token = c.req.query('token');
    if (!token)
      return page(emailPage({ error: 'That sign-in link is incomplete. Ask for a new one here.' }), 400);
    return page(linkPage({ token }));
  });

  app.post(SIGN_IN_LINK_PATH, sameOrigin, async (c) => {
    const form = await c.req.parseBody();
    const token = formText(form.token);
    const response = await callAuth(auth, services, clientAddress(c), {
      method: 'GET',
      path: `/magic-link/verify?token=${encodeURIComponent(token)}`,
    });
    if (response.status === 200) return signedIn(response);
    if (response.status === 429) {
      return page(emailPage({ error: tooMany(response) }), 429, { 'retry-after': retryAfter(response) });
    }
    if (response.status >= 500) throw new Error(`sign-in link failed: ${response.status}`);
    return page(
      emailPage({
        error:
          'This sign-in link has expired or was already used (each works once, within 15 minutes). Enter your email for a new one.',
      }),
      400,
    );
  });
}
