import { afterEach, expect, test, vi } from 'vitest';
import { contentRuntime, extensionAlive } from '@/lib/content/runtime';

afterEach(() => {
  vi.unstubAllGlobals();
});

test('the content script uses the browser’s own runtime: Firefox’s `browser`, else Chromium’s `chrome`', () => {
  const firefox = { id: 'ff' };
  const chromium = { id: 'cr' };
  vi.stubGlobal('browser', { runtime: firefox });
  vi.stubGlobal('chrome', { runtime: chromium });
  expect(contentRuntime()).toBe(firefox);
  vi.stubGlobal('browser', undefined);
  expect(contentRuntime()).toBe(chromium);
});

test('after the extension reloads, the orphaned script sees no runtime id', () => {
  const runtime: { id?: string } = { id: 'cr' };
  vi.stubGlobal('browser', undefined);
  vi.stubGlobal('chrome', { runtime });
  expect(extensionAlive()).toBe(true);
  delete runtime.id;
  expect(extensionAlive()).toBe(false);
  vi.stubGlobal('chrome', undefined);
  expect(extensionAlive()).toBe(false);
});
