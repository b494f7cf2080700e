import type { Page } from 'playwright-core';
import type { HubProcess } from '../../support/hub-process';

/** A firm user's sign-in to the hub, as the e2e tests' people type it. */
export interface FirmLogin {
  email: string;
  password: string;
}

const tokens = new Map<string, string>();

async function signIn(hubUrl: string, who: FirmLogin): Promise<string> {
  const response = await fetch(`${hubUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  const token = response.headers.get('set-auth-token');
  if (!token) throw new Error(`sign-in of ${who.email}: ${response.status} ${await response.text()}`);
  return token;
}

/**
 * The hub's API as a firm user (setting up or checking what a test needs, as that person could). One
 * sign-in per person and server, kept for the next calls: the hub allows 10 sign-ins a minute.
 */
export async function hubAs<T>(
  hub: Pick<HubProcess, 'url'>,
  who: FirmLogin,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const key = `${hub.url} ${who.email}`;
  for (let attempt = 0; ; attempt++) {
    let token = tokens.get(key);
    if (!token) {
      token = await signIn(hub.url, who);
      tokens.set(key, token);
    }
    const response = await fetch(`${hub.url}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401 && attempt === 0) {
      tokens.delete(key);
      continue;
    }
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** Connects the options page to the hub as `who`, as a person does (Client Hub server section). */
export async function connectToHub(page: Page, hubUrl: string, who: FirmLogin) {
  const section = page.getByTestId('hub-server');
  await section.getByLabel('Server address').fill(hubUrl);
  await section.getByLabel('Email').fill(who.email);
  await section.getByLabel('Password').fill(who.password);
  await section.getByRole('button', { name: 'Connect' }).click();
  await section.getByTestId('hub-signed-in').waitFor({ timeout: 30_000 });
}

/** The integration table's row of a company, by its name. */
export const companyRow = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });
