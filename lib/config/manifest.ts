import { GECKO_ID, SANDBOX_MANIFEST_KEY } from './sandbox-build';
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
    // Chromium derives the extension id, and so the OAuth redirect URI, from this public key.
    ...(sandbox && browser === 'chrome' ? { key: SANDBOX_MANIFEST_KEY } : {}),
    // Lets a firm fix the Xero client id and the user's role by policy (Firefox reads its own policies file).
    ...(browser === 'chrome' ? { storage: { managed_schema: 'managed-schema.json' } } : {}),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '140.0',
              // Transaction data goes only to Xero, at the user's request; nothing to us or third parties.
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  };
}
