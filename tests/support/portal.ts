/**
 * A client in the portal the way a browser is: signed in from the emailed link (better-auth's
 * magic link, read where the hub keeps outgoing mail), holding the session cookie, posting forms
 * with the Origin header a browser sends.
 */
export interface PortalVisitor {
  cookie: string;
  get(path: string): Promise<Response>;
  /** Posts a form; redirects are not followed, so the 303 and its Location can be checked. */
  post(path: string, form: FormData | URLSearchParams, origin?: string | null): Promise<Response>;
}

export async function signInByLink(
  hubUrl: string,
  email: string,
  latestLink: () => string | undefined,
): Promise<PortalVisitor> {
  const asked = await fetch(`${hubUrl}/api/auth/sign-in/magic-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, callbackURL: '/portal' }),
  });
  if (asked.status !== 200) throw new Error(`sign-in link not sent: ${asked.status} ${await asked.text()}`);
  const link = latestLink();
  if (!link) throw new Error('no sign-in link was sent');
  const landed = await fetch(link, { redirect: 'manual' });
  const cookie = landed.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie.includes('session_token')) throw new Error(`the link did not sign in: ${landed.status}`);
  return visitor(hubUrl, cookie);
}

export function visitor(hubUrl: string, cookie: string): PortalVisitor {
  return {
    cookie,
    get: (path) => fetch(`${hubUrl}${path}`, { headers: { cookie }, redirect: 'manual' }),
    post: (path, form, origin = hubUrl) =>
      fetch(`${hubUrl}${path}`, {
        method: 'POST',
        headers: { cookie, ...(origin ? { origin } : {}) },
        body: form,
        redirect: 'manual',
      }),
  };
}
