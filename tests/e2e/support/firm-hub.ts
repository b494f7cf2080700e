import type { Page } from 'playwright-core';

/** Someone of the firm who signs in to its Client Hub server with a password. */
export interface FirmPerson {
  email: string;
  password: string;
}

/** Connects the options page to the firm's Client Hub server, as a person does in its section. */
export async function connectToHub(page: Page, hubUrl: string, who: FirmPerson) {
  const section = page.getByTestId('hub-server');
  await section.getByLabel('Server address').fill(hubUrl);
  await section.getByLabel('Email').fill(who.email);
  await section.getByLabel('Password').fill(who.password);
  await section.getByRole('button', { name: 'Connect' }).click();
  await section.getByTestId('hub-signed-in').waitFor();
}

/** The hub's API as one of the firm's people (setting up what a test needs, as they would). */
export function hubApiAs(hubUrl: string, who: FirmPerson) {
  return async <T>(method: string, apiPath: string, body?: unknown): Promise<T> => {
    const signIn = await fetch(`${hubUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: who.email, password: who.password }),
    });
    const token = signIn.headers.get('set-auth-token');
    const response = await fetch(`${hubUrl}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}
