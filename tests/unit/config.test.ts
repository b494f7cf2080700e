import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { contentScriptMatches, extensionPagesCsp, manifestFor, PERMISSIONS } from '@/lib/config/manifest';
import {
  GECKO_ID,
  SANDBOX_CHROME_EXTENSION_ID,
  SANDBOX_FIREFOX_REDIRECT_HOST_HASH,
  SANDBOX_MANIFEST_KEY,
} from '@/lib/config/sandbox-build';
import { xeroConfigFor, xeroEndpoints } from '@/lib/config/xero';

test('the manifest key of the sandbox build gives the extension id the sandbox registers', () => {
  const digest = createHash('sha256').update(Buffer.from(SANDBOX_MANIFEST_KEY, 'base64')).digest('hex');
  const id = [...digest.slice(0, 32)].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
  expect(id).toBe(SANDBOX_CHROME_EXTENSION_ID);
});

test('Firefox’s redirect host is the SHA-1 of the add-on id', () => {
  expect(createHash('sha1').update(GECKO_ID).digest('hex')).toBe(SANDBOX_FIREFOX_REDIRECT_HOST_HASH);
});

describe('Xero configuration', () => {
  test('production talks to Xero’s four hosts', () => {
    const xero = xeroConfigFor({ mode: 'production', clientId: 'abc' });
    expect(xeroEndpoints(xero)).toEqual({
      discovery: 'https://identity.xero.com/.well-known/openid-configuration',
      authorize: 'https://login.xero.com/identity/connect/authorize',
      token: 'https://identity.xero.com/connect/token',
      revocation: 'https://identity.xero.com/connect/revocation',
      connections: 'https://api.xero.com/connections',
      accounting: 'https://api.xero.com/api.xro/2.0',
    });
  });

  test('a sandbox build sends every Xero address to the sandbox origin', () => {
    const xero = xeroConfigFor({ mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:5123/' });
    const urls = Object.values(xeroEndpoints(xero));
    expect(urls.every((url) => url.startsWith('http://127.0.0.1:5123/'))).toBe(true);
    expect(xero.clientId).toBe('client-hub-sandbox');
  });
});

describe('manifests', () => {
  const production = xeroConfigFor({ mode: 'production', clientId: 'abc' });
  const sandbox = xeroConfigFor({ mode: 'sandbox' });

  test('production asks only for Xero’s hosts and the permissions in use, with no key', () => {
    for (const browser of ['chrome', 'firefox']) {
      const manifest = manifestFor({ browser, xero: production });
      expect(manifest.permissions).toEqual(Object.keys(PERMISSIONS));
      expect(manifest.host_permissions.sort()).toEqual([
        'https://api.xero.com/*',
        'https://go.xero.com/*',
        'https://identity.xero.com/*',
        'https://login.xero.com/*',
      ]);
      expect(manifest).not.toHaveProperty('key');
    }
    expect(contentScriptMatches(production)).toEqual(['https://go.xero.com/*']);
  });

  test('Firefox builds carry the gecko id and data collection permissions', () => {
    const manifest = manifestFor({ browser: 'firefox', xero: production });
    expect(manifest.browser_specific_settings?.gecko.id).toBe(GECKO_ID);
    expect(manifest.browser_specific_settings?.gecko.data_collection_permissions).toEqual({
      required: ['none'],
    });
  });

  test('the sandbox build pins its id and also matches the sandbox’s pages', () => {
    const manifest = manifestFor({ browser: 'chrome', xero: sandbox });
    expect(manifest.key).toBe(SANDBOX_MANIFEST_KEY);
    expect(manifest.host_permissions).toEqual(['http://127.0.0.1/*']);
    expect(contentScriptMatches(sandbox)).toEqual(['https://go.xero.com/*', 'http://127.0.0.1/*']);
  });
});

describe('content security policy of the extension’s pages and background', () => {
  const directives = (csp: string) =>
    Object.fromEntries(
      csp
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );

  test('scripts only from the package, no plugins or <base>, and network only to Xero’s identity, login and API hosts and the firm’s Client Hub server', () => {
    const production = xeroConfigFor({ mode: 'production', clientId: 'abc' });
    for (const browser of ['chrome', 'firefox']) {
      const csp = manifestFor({ browser, xero: production }).content_security_policy.extension_pages;
      expect(directives(csp)).toEqual({
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'none'"],
        'frame-src': ["'none'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        // The Client Hub server's address is typed at run time: any https origin, or this computer's.
        'connect-src': [
          'https://identity.xero.com',
          'https://login.xero.com',
          'https://api.xero.com',
          'https:',
        ],
      });
      expect(manifestFor({ browser, xero: production }).optional_host_permissions).toEqual(['https://*/*']);
    }
  });

  test('every Xero endpoint the background calls is allowed (a refused fetch would look like Xero being down)', () => {
    for (const xero of [
      xeroConfigFor({ mode: 'production', clientId: 'abc' }),
      xeroConfigFor({ mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:5123' }),
    ]) {
      const allowed = directives(extensionPagesCsp(xero))['connect-src'];
      for (const url of Object.values(xeroEndpoints(xero)))
        expect(allowed, url).toContain(new URL(url).origin);
    }
  });

  test('a sandbox build connects to the sandbox’s origin, port included; the dev server adds localhost', () => {
    const sandbox = xeroConfigFor({ mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:5123' });
    expect(directives(extensionPagesCsp(sandbox))['connect-src']).toEqual([
      'http://127.0.0.1:5123',
      'https:',
      'http://127.0.0.1:*',
    ]);
    expect(directives(extensionPagesCsp(sandbox, true))['connect-src']).toEqual([
      'http://127.0.0.1:5123',
      'https:',
      'http://127.0.0.1:*',
      'http://localhost:*',
      'ws://localhost:*',
    ]);
  });
});

describe('zod runs without eval in every extension context', () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const entrypoints = [
    'entrypoints/background.ts',
    'entrypoints/xero-page.ts',
    'entrypoints/options/main.tsx',
    'entrypoints/popup/main.tsx',
    'entrypoints/tasks/main.tsx',
  ];

  test('every entrypoint imports the jitless setting before anything else', () => {
    for (const file of entrypoints) {
      const firstImport = readFileSync(path.join(root, file), 'utf8').match(/^import .*$/m)?.[0];
      expect(firstImport, file).toBe("import '@/lib/config/zod-jitless';");
    }
  });

  test('the setting is zod’s jitless flag', async () => {
    await import('@/lib/config/zod-jitless');
    expect(z.config().jitless).toBe(true);
  });
});
