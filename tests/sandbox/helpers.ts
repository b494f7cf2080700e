import { createHash, randomBytes } from 'node:crypto';
import { SANDBOX_TEST_CLIENT_ID, SANDBOX_TEST_REDIRECT_URI } from '../../lib/config/sandbox-build.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server.ts';

export const EXTENSION_SCOPE =
  'openid profile email offline_access accounting.banktransactions accounting.settings.read accounting.attachments';

export function start(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, scale: 300, ...options });
}

export interface MintedTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
  scope: string;
  authEventId: string;
  connections: { id: string; tenantId: string; tenantName: string; authEventId: string }[];
}

export async function mint(
  sandbox: Sandbox,
  body: { email?: string; tenantIds?: string[]; clientId?: string; scope?: string } = {},
): Promise<MintedTokens> {
  const response = await fetch(`${sandbox.url}/__sandbox/tokens`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`mint failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as MintedTokens;
}

export function tenantIds(sandbox: Sandbox): string[] {
  return sandbox.state.organisations.map((org) => org.organisation.tenantId);
}

export function api(
  sandbox: Sandbox,
  token: string,
  tenantId: string | undefined,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${sandbox.url}/api.xro/2.0/${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(tenantId ? { 'xero-tenant-id': tenantId } : {}),
      ...init.headers,
    },
  });
}

export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden field ${name}`);
  return match[1];
}

export function checkboxes(html: string): { value: string; label: string }[] {
  const found: { value: string; label: string }[] = [];
  const pattern =
    /<input type="checkbox" id="([^"]+)" name="tenantId" value="([^"]+)"[^>]*>\s*<label for="\1"[^>]*>([^<]*)<\/label>/g;
  for (const match of html.matchAll(pattern)) found.push({ value: match[2] ?? '', label: match[3] ?? '' });
  return found;
}

export function authorizeUrl(
  sandbox: Sandbox,
  params: Partial<
    Record<
      | 'client_id'
      | 'redirect_uri'
      | 'scope'
      | 'state'
      | 'code_challenge'
      | 'code_challenge_method'
      | 'response_type',
      string
    >
  >,
): string {
  const url = new URL(`${sandbox.url}/identity/connect/authorize`);
  const all = {
    response_type: 'code',
    client_id: SANDBOX_TEST_CLIENT_ID,
    redirect_uri: SANDBOX_TEST_REDIRECT_URI,
    scope: EXTENSION_SCOPE,
    state: 'state-123',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url.toString();
}

const form = (fields: [string, string][]): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

export interface LoginResult {
  verifier: string;
  /** The redirect the browser would follow after consent. */
  location: URL;
  consentHtml: string;
}

/** Drives the login and consent HTML forms exactly as a browser without JavaScript would. */
export async function loginAndConsent(
  sandbox: Sandbox,
  options: {
    email?: string;
    password?: string;
    scope?: string;
    chooseTenants?: (offered: { value: string; label: string }[]) => string[];
    action?: 'allow' | 'cancel';
    state?: string;
  } = {},
): Promise<LoginResult> {
  const { verifier, challenge } = pkcePair();
  const authorize = await fetch(
    authorizeUrl(sandbox, {
      code_challenge: challenge,
      scope: options.scope ?? EXTENSION_SCOPE,
      state: options.state ?? 'state-123',
    }),
  );
  if (authorize.status !== 200) throw new Error(`authorize ${authorize.status}`);
  const request = hiddenField(await authorize.text(), 'request');
  const login = await fetch(
    `${sandbox.url}/identity/login`,
    form([
      ['request', request],
      ['email', options.email ?? 'demo@sandbox.test'],
      ['password', options.password ?? 'demo'],
    ]),
  );
  if (login.status !== 302) throw new Error(`login ${login.status}: ${await login.text()}`);
  const consent = await fetch(new URL(login.headers.get('location') ?? '', sandbox.url));
  const consentHtml = await consent.text();
  const offered = checkboxes(consentHtml);
  const chosen = options.chooseTenants ? options.chooseTenants(offered) : offered.map((o) => o.value);
  const decision = await fetch(
    `${sandbox.url}/identity/consent`,
    form([
      ['request', hiddenField(consentHtml, 'request')],
      ...chosen.map((tenantId): [string, string] => ['tenantId', tenantId]),
      ['action', options.action ?? 'allow'],
    ]),
  );
  if (decision.status !== 302) throw new Error(`consent ${decision.status}: ${await decision.text()}`);
  return { verifier, location: new URL(decision.headers.get('location') ?? ''), consentHtml };
}

export function tokenRequest(sandbox: Sandbox, fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export function exchangeCode(
  sandbox: Sandbox,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
) {
  return tokenRequest(sandbox, {
    grant_type: 'authorization_code',
    client_id: SANDBOX_TEST_CLIENT_ID,
    redirect_uri: SANDBOX_TEST_REDIRECT_URI,
    code,
    code_verifier: verifier,
    ...extra,
  });
}

export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
