import { SANDBOX_CLIENT_ID, SANDBOX_DEFAULT_PORT } from './sandbox-build';

/**
 * Every Xero address and the Xero app's client id, in one place. Production talks to Xero's four
 * hosts; a sandbox build sends all of them to the one origin of our Xero sandbox, which serves the
 * same paths.
 */
export interface XeroConfig {
  /** Which Xero: the real one, or our sandbox. */
  target: 'xero' | 'sandbox';
  /** PKCE app client id. Empty in a production build without one: managed storage can supply it. */
  clientId: string;
  identityBase: string;
  loginBase: string;
  apiBase: string;
  /** The Xero web app, where the content script runs and deep links go. */
  appBase: string;
}

export const XERO_PRODUCTION = {
  identityBase: 'https://identity.xero.com',
  loginBase: 'https://login.xero.com',
  apiBase: 'https://api.xero.com',
  appBase: 'https://go.xero.com',
} as const;

export const DEFAULT_SANDBOX_URL = `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}`;

/** Granular scopes, required of Xero apps created since March 2026 (see XERO-API-NOTES). */
export const XERO_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.banktransactions',
  'accounting.settings.read',
  'accounting.attachments',
] as const;

export interface BuildEnv {
  mode: string;
  clientId?: string | undefined;
  sandboxUrl?: string | undefined;
}

export function xeroConfigFor(env: BuildEnv): XeroConfig {
  if (env.mode === 'sandbox') {
    const base = new URL(env.sandboxUrl || DEFAULT_SANDBOX_URL).origin;
    return {
      target: 'sandbox',
      clientId: env.clientId || SANDBOX_CLIENT_ID,
      identityBase: base,
      loginBase: base,
      apiBase: base,
      appBase: base,
    };
  }
  return productionXeroConfig(env.clientId);
}

/** Real Xero. Separate from xeroConfigFor so a production bundle carries no sandbox address. */
export function productionXeroConfig(clientId: string | undefined): XeroConfig {
  return { target: 'xero', clientId: clientId ?? '', ...XERO_PRODUCTION };
}

export const xeroEndpoints = (config: XeroConfig) => ({
  discovery: `${config.identityBase}/.well-known/openid-configuration`,
  authorize: `${config.loginBase}/identity/connect/authorize`,
  token: `${config.identityBase}/connect/token`,
  revocation: `${config.identityBase}/connect/revocation`,
  connections: `${config.apiBase}/connections`,
  accounting: `${config.apiBase}/api.xro/2.0`,
});

/** Host match patterns the extension needs for a configuration (ports are not part of a pattern). */
export function xeroHostPermissions(config: XeroConfig): string[] {
  const origins = new Set(
    [config.identityBase, config.loginBase, config.apiBase, config.appBase].map((base) => {
      const url = new URL(base);
      return `${url.protocol}//${url.hostname}/*`;
    }),
  );
  return [...origins];
}

/** The one host a build lets a Client Hub server use plain http on: the sandbox's, in sandbox builds. */
export function plainHttpHubHost(xero: XeroConfig): string | null {
  return xero.target === 'sandbox' ? new URL(xero.appBase).hostname : null;
}
