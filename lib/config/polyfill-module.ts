import type { Plugin } from 'vite';

const POLYFILL_FILE = /[\\/]webextension-polyfill[\\/]dist[\\/]browser-polyfill(?:\.min)?\.js$/;

/**
 * Bundles webextension-polyfill as an ES module whose default export is the `browser` object.
 * As published it is CommonJS (UMD), and importing its default from ES code makes the bundler copy
 * every property of `browser` into a namespace object at start-up. Where the browser has its own
 * `browser` (Firefox, recent Chrome), reading every property builds every extension API binding:
 * about as much main-thread time as the rest of the content script's start-up on a Xero page.
 */
export function polyfillAsEsModule(): Plugin {
  return {
    name: 'client-hub:webextension-polyfill-as-es-module',
    enforce: 'pre',
    transform(code, id) {
      if (!POLYFILL_FILE.test(id.split('?')[0] ?? '')) return null;
      // The UMD wrapper takes the CommonJS branch when `exports` is defined; these two are local now.
      return {
        code: `const module = { exports: {} };\nconst exports = module.exports;\n${code}\nexport default module.exports;\n`,
        map: null,
      };
    },
  };
}
