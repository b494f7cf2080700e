import { join } from 'node:path';
import { sentMailStore } from '../../hub/email/mailer.ts';
import type { Mailbox } from './mailbox.ts';
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

/**
 * Signs a client in the way they do: asks for an email on /portal/sign-in, opens the emailed link,
 * taps Continue. `nextMail` is made BEFORE the ask (see mailboxMail, keptMail) and resolves with the
 * text of the email that the ask sends.
 */
export async function signInByLink(
  hubUrl: string,
  email: string,
  nextMail: () => Promise<string>,
): Promise<PortalVisitor> {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { origin: hubUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const asked = await fetch(`${hubUrl}/portal/sign-in`, form({ email }));
  if (asked.status !== 200) throw new Error(`sign-in email not sent: ${asked.status} ${await asked.text()}`);
  const link = /(https?:\/\/\S+\/portal\/sign-in\/link\?token=\S+)/.exec(await nextMail())?.[1];
  if (!link) throw new Error('the sign-in email has no link');
  const token = new URL(link).searchParams.get('token') ?? '';
  const landed = await fetch(`${hubUrl}/portal/sign-in/link`, form({ token }));
  const cookie = landed.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie.includes('session_token')) throw new Error(`the link did not sign in: ${landed.status}`);
  return visitor(hubUrl, cookie);
}

/** The next email to `email` at a test SMTP server (counted from now). */
export function mailboxMail(mailbox: Mailbox, email: string): () => Promise<string> {
  const after = mailbox.to(email).length;
  return async () => (await mailbox.next(email, { after })).text ?? '';
}

/** The next email to `email` that a hub without SMTP keeps in its data folder (counted from now). */
export function keptMail(dataDir: string, email: string, timeoutMs = 30_000): () => Promise<string> {
  const store = sentMailStore(join(dataDir, 'sent-mail'), () => new Date());
  const mine = async () => (await store.list(1000)).filter((m) => m.to.includes(email));
  const before = mine().then((list) => list.length);
  return async () => {
    const count = await before;
    for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
      const list = await mine();
      if (list.length > count) return list[0]?.text ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no email to ${email} within ${timeoutMs} ms`);
  };
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
