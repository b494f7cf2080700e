import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, expect, test } from 'vitest';
import { polyfillAsEsModule } from '@/lib/config/polyfill-module';

const require = createRequire(import.meta.url);
const file = require.resolve('webextension-polyfill');
const saved = { chrome: Reflect.get(globalThis, 'chrome'), browser: Reflect.get(globalThis, 'browser') };
afterEach(() => {
  Reflect.set(globalThis, 'chrome', saved.chrome);
  Reflect.set(globalThis, 'browser', saved.browser);
});

async function transformed(): Promise<string> {
  const plugin = polyfillAsEsModule();
  const transform = plugin.transform as (code: string, id: string) => { code: string } | null;
  const result = transform(readFileSync(file, 'utf8'), file);
  if (!result) throw new Error('the polyfill was not transformed');
  return result.code;
}

test('the polyfill becomes an ES module whose default export is the browser’s own `browser`', async () => {
  // Where the browser has a promise-based `browser` (Firefox, recent Chrome), it is used as it is.
  const own = { runtime: { id: 'client-hub' } };
  Reflect.set(globalThis, 'chrome', { runtime: { id: 'client-hub' } });
  Reflect.set(globalThis, 'browser', own);
  const code = await transformed();
  const module = await import(`data:text/javascript,${encodeURIComponent(code)}`);
  // The very object, not a copy whose every property was read (which builds every API binding).
  expect(module.default).toBe(own);
});

test('only the polyfill’s own file is touched', () => {
  const transform = polyfillAsEsModule().transform as (code: string, id: string) => unknown;
  expect(transform('export const x = 1;', '/repo/lib/content/messages.ts')).toBeNull();
  expect(transform('module.exports = 1;', '/node_modules/other/dist/browser-polyfill.ts')).toBeNull();
});
