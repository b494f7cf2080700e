import { describe, expect, test } from 'vitest';
import { openPackage, PACKAGES } from './support';

/**
 * The production manifests as published, pinned. Every permission, host and page the extension can
 * reach is listed here literally, so asking users for anything new is always a deliberate change to
 * this file (and to the README's Permissions table).
 */
// scripting: the badges script is injected once a Xero page has loaded (entrypoints/xero-start.ts).
const PERMISSIONS = ['storage', 'alarms', 'identity', 'scripting'];
const HOST_PERMISSIONS = [
  'https://identity.xero.com/*',
  'https://login.xero.com/*',
  'https://api.xero.com/*',
  'https://go.xero.com/*',
];
const CONTENT_SCRIPT_MATCHES = [['https://go.xero.com/*']];
/** Declared: the start script alone, at document_start; it asks for the rest once the page has loaded. */
const CONTENT_SCRIPTS = [{ js: ['xero-start.js'], run_at: 'document_start' }];

/** What a manifest asks of the user and exposes to the web, whatever key it is written under. */
function reach(manifest: Record<string, unknown>) {
  const scripts = (manifest.content_scripts ?? []) as { matches: string[]; js: string[]; run_at: string }[];
  return {
    permissions: [...((manifest.permissions as string[]) ?? [])].sort(),
    host_permissions: [...((manifest.host_permissions as string[]) ?? [])].sort(),
    optional_permissions: manifest.optional_permissions,
    optional_host_permissions: manifest.optional_host_permissions,
    content_script_matches: scripts.map((script) => script.matches),
    content_scripts: scripts.map(({ js, run_at }) => ({ js, run_at })),
    // Chrome's use_dynamic_url only changes the address the file is served at.
    web_accessible_resources: (
      manifest.web_accessible_resources as { matches: string[]; resources: string[] }[] | undefined
    )?.map(({ matches, resources }) => ({ matches, resources })),
    externally_connectable: manifest.externally_connectable,
    content_security_policy: manifest.content_security_policy,
    key: manifest.key,
  };
}

const expected = {
  permissions: [...PERMISSIONS].sort(),
  host_permissions: [...HOST_PERMISSIONS].sort(),
  optional_permissions: undefined,
  // The firm's Client Hub server, asked for (that one origin) only when someone connects to it.
  optional_host_permissions: ['https://*/*'],
  content_script_matches: CONTENT_SCRIPT_MATCHES,
  content_scripts: CONTENT_SCRIPTS,
  // None: the content script's CSS is bundled into it, so Xero's pages cannot probe for our files.
  web_accessible_resources: undefined,
  externally_connectable: undefined,
  // Ours, stricter than the browsers' MV3 default: no remote code, no eval, no plugins, no <base>, and the
  // pages and background connect only to Xero's identity (tokens), login (the authorize page's check
  // before sign-in) and API hosts.
  content_security_policy: {
    extension_pages: [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-src 'none'",
      "img-src 'self' data: blob:",
      'connect-src https://identity.xero.com https://login.xero.com https://api.xero.com https:',
    ].join('; '),
  },
  // The stores assign the production id; the sandbox build's pinned key must never ship.
  key: undefined,
};

describe('production manifests', () => {
  test('Chrome asks for exactly the expected permissions and hosts', async () => {
    const manifest = await (await openPackage(PACKAGES.chrome)).manifest();
    expect(reach(manifest)).toEqual(expected);
    expect(manifest).toMatchObject({
      manifest_version: 3,
      name: 'Client Hub for Xero',
      background: { service_worker: 'background.js' },
      storage: { managed_schema: 'managed-schema.json' },
    });
    expect(manifest).not.toHaveProperty('browser_specific_settings');
  });

  test('Firefox asks for exactly the expected permissions and hosts, with its add-on id and data statement', async () => {
    const manifest = await (await openPackage(PACKAGES.firefox)).manifest();
    expect(reach(manifest)).toEqual(expected);
    expect(manifest).toMatchObject({
      manifest_version: 3,
      name: 'Client Hub for Xero',
      background: { scripts: ['background.js'] },
    });
    expect(manifest.browser_specific_settings).toEqual({
      gecko: {
        id: 'client-hub-for-xero@clienthub.app',
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: '142.0' },
    });
    expect(manifest).not.toHaveProperty('storage');
  });
});
