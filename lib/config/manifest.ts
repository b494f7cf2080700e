import { browserManifestKeys, targetBrowser } from '../platform/browser-differences';
import { SANDBOX_MANIFEST_KEY } from './sandbox-build';
import { type XeroConfig, xeroHostPermissions } from './xero';

/**
 * The permissions each build asks for, and why (the README lists the same). A new permission must be
 * a deliberate change here; a test pins the production manifests.
 */
export const PERMISSIONS = {
  storage: 'Keeps settings, the firm user and connection state.',
  alarms: 'Runs the scheduled sync every few minutes, even after the service worker sleeps.',
  identity: 'Opens Xero sign-in (OAuth 2.0 with PKCE) in a browser window and receives its answer.',
} as const;

export interface ManifestInput {
  browser: string;
  xero: XeroConfig;
}

export function contentScriptMatches(xero: XeroConfig): string[] {
  const matches = ['https://go.xero.com/*'];
  if (xero.target === 'sandbox')
    matches.push(`${new URL(xero.appBase).protocol}//${new URL(xero.appBase).hostname}/*`);
  return matches;
}

export function manifestFor({ browser, xero }: ManifestInput) {
  const sandbox = xero.target === 'sandbox';
  return {
    name: sandbox ? 'Client Hub for Xero (sandbox)' : 'Client Hub for Xero',
    short_name: 'Client Hub',
    description:
      'Turn uncategorised Xero bank transactions into Client Hub tasks, and bring the answers back.',
    permissions: Object.keys(PERMISSIONS),
    host_permissions: xeroHostPermissions(xero),
    // Keys only one browser understands (see lib/platform/browser-differences.ts).
    ...browserManifestKeys(targetBrowser(browser), { sandbox, sandboxManifestKey: SANDBOX_MANIFEST_KEY }),
  };
}
