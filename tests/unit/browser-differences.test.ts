import { describe, expect, test } from 'vitest';
import {
  browserManifestKeys,
  managedStorageReader,
  targetBrowser,
  webAuthFlowLauncher,
} from '@/lib/platform/browser-differences';
import { FailureError } from '@/lib/xero/failure-error';

describe('browser differences', () => {
  test('every Chromium browser builds like Chrome', () => {
    expect(targetBrowser('firefox')).toBe('firefox');
    expect(targetBrowser('chrome')).toBe('chrome');
    expect(targetBrowser('edge')).toBe('chrome');
  });

  test('only the Chrome sandbox build carries the manifest key; only Firefox has gecko settings', () => {
    const options = { sandboxManifestKey: 'KEY' };
    expect(browserManifestKeys('chrome', { ...options, sandbox: true })).toEqual({
      key: 'KEY',
      storage: { managed_schema: 'managed-schema.json' },
    });
    expect(browserManifestKeys('chrome', { ...options, sandbox: false })).not.toHaveProperty('key');
    const firefox = browserManifestKeys('firefox', { ...options, sandbox: true });
    expect(firefox).not.toHaveProperty('key');
    expect(firefox).not.toHaveProperty('storage');
    expect(firefox.browser_specific_settings?.gecko.id).toBe('client-hub-for-xero@clienthub.app');
  });

  test('managed storage without a policy reads as empty in both browsers', async () => {
    const firefox = managedStorageReader({
      get: () => Promise.reject(new Error('Managed storage manifest not found')),
    });
    expect(await firefox()).toEqual({});
    const chrome = managedStorageReader({ get: () => Promise.resolve({ role: 'staff' }) });
    expect(await chrome()).toEqual({ role: 'staff' });
  });

  test.each([
    ['Chrome', 'The user did not approve access.'],
    ['Firefox', 'User cancelled or denied access.'],
  ])('a sign-in window closed in %s is a cancelled sign-in', async (_browser, message) => {
    const launch = webAuthFlowLauncher({ launchWebAuthFlow: () => Promise.reject(new Error(message)) });
    const error = await launch('https://login.example/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailureError);
    expect((error as FailureError).failure).toEqual({ kind: 'sign-in', reason: 'cancelled' });
  });

  test('other launchWebAuthFlow failures pass through, and a redirect is returned as is', async () => {
    const broken = webAuthFlowLauncher({
      launchWebAuthFlow: () => Promise.reject(new Error('Authorization page could not be loaded.')),
    });
    await expect(broken('https://login.example/')).rejects.toThrow('Authorization page could not be loaded.');
    const ok = webAuthFlowLauncher({ launchWebAuthFlow: async () => 'https://x.example/?code=1' });
    expect(await ok('https://login.example/')).toBe('https://x.example/?code=1');
    const empty = webAuthFlowLauncher({ launchWebAuthFlow: async () => undefined });
    await expect(empty('https://login.example/')).rejects.toBeInstanceOf(FailureError);
  });
});
