import { SANDBOX_DEMO_USER } from '@/lib/config/sandbox-build';

/**
 * A person at Xero's sign-in screens, done with plain HTTP: the sandbox's login and consent pages are
 * HTML forms, so following them is what a browser without JavaScript would do.
 */
export interface SignInAnswer {
  email?: string;
  password?: string;
  /** Names of the organisations to tick on the consent screen; all of them when absent. */
  organisations?: string[];
  action?: 'allow' | 'cancel';
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const decode = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

export async function signInWithForms(authorizeUrl: string, answer: SignInAnswer = {}): Promise<string> {
  const origin = new URL(authorizeUrl).origin;
  const login = await fetch(authorizeUrl, { redirect: 'manual' });
  const loginHtml = await login.text();
  if (login.status !== 200)
    throw new Error(`authorize page answered ${login.status}: ${loginHtml.slice(0, 200)}`);
  const loggedIn = await fetch(`${origin}/identity/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      request: hidden(loginHtml, 'request'),
      email: answer.email ?? SANDBOX_DEMO_USER.email,
      password: answer.password ?? SANDBOX_DEMO_USER.password,
    }),
  });
  const consentUrl = loggedIn.headers.get('location');
  if (loggedIn.status !== 302 || !consentUrl) throw new Error(`login answered ${loggedIn.status}`);
  const consentHtml = await (await fetch(new URL(consentUrl, origin))).text();
  const boxes = [
    ...consentHtml.matchAll(
      /id="(org-\d+)" name="tenantId" value="([^"]*)"[^>]*>\s*<label for="\1"[^>]*>([^<]*)</g,
    ),
  ].map((m) => ({ tenantId: decode(m[2] ?? ''), name: decode(m[3] ?? '') }));
  const chosen = answer.organisations ? boxes.filter((b) => answer.organisations?.includes(b.name)) : boxes;
  const form = new URLSearchParams({
    request: hidden(consentHtml, 'request'),
    action: answer.action ?? 'allow',
  });
  for (const box of chosen) form.append('tenantId', box.tenantId);
  const consented = await fetch(`${origin}/identity/consent`, {
    method: 'POST',
    redirect: 'manual',
    body: form,
  });
  const redirect = consented.headers.get('location');
  if (consented.status !== 302 || !redirect) throw new Error(`consent answered ${consented.status}`);
  return redirect;
}

/** The organisations the demo user can tick on the consent screen, from the sandbox's control API. */
export async function demoUserOrganisations(sandbox: {
  url: string;
}): Promise<{ name: string; tenantId: string; countryCode: string }[]> {
  const users = (await (await fetch(`${sandbox.url}/__sandbox/users`)).json()) as {
    email: string;
    tenantIds: string[];
  }[];
  const orgs = (await (await fetch(`${sandbox.url}/__sandbox/orgs`)).json()) as {
    name: string;
    tenantId: string;
    countryCode: string;
  }[];
  const demo = users.find((u) => u.email === SANDBOX_DEMO_USER.email);
  return orgs.filter((o) => demo?.tenantIds.includes(o.tenantId));
}
