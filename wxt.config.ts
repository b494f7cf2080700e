import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { applyXeroMatches, manifestFor } from './lib/config/manifest';
import { polyfillAsEsModule } from './lib/config/polyfill-module';
import { xeroConfigFor } from './lib/config/xero';

const xeroFor = (mode: string) =>
  xeroConfigFor({
    mode,
    clientId: process.env.WXT_XERO_CLIENT_ID,
    sandboxUrl: process.env.WXT_XERO_SANDBOX_URL,
  });

/** `PROFILE_BUILD=1`: an unminified build in .output-profile/, for readable CPU profiles (bench/page-profile.ts). */
const profileBuild = process.env.PROFILE_BUILD === '1';

export default defineConfig({
  ...(profileBuild ? { outDir: '.output-profile' } : {}),
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  manifest: ({ browser, mode, command }) =>
    manifestFor({ browser, xero: xeroFor(mode), dev: command === 'serve' }),
  vite: () => ({
    plugins: [preact(), polyfillAsEsModule()],
    build: {
      // The extension's pages load their chunks from the extension itself: preloading a dynamic
      // import's chunks only adds <link> elements, each a synchronous resource request, inside the
      // task that opens the page (the Client Tasks page's first long task while a pull ran). A page's
      // static imports keep their preload links in its HTML.
      modulePreload: {
        resolveDependencies: (_file, deps, { hostType }) => (hostType === 'html' ? deps : []),
      },
      ...(profileBuild ? { minify: false } : {}),
    },
  }),
  zip: {
    // AMO reviewers rebuild the add-on from the sources zip: the extension's code, lockfile and build
    // config with README instructions. The sandbox, the Client Hub server, tests, benchmarks and tooling
    // play no part in it.
    excludeSources: [
      '.ci/**',
      '.hub-data/**',
      'artifacts/**',
      'bench/**',
      'hub/**',
      'sandbox/**',
      'scripts/**',
      'tests/**',
      // Screenshots the browser tests leave behind (git ignores them; a zip made after the tests must too).
      'test-results/**',
      'biome.json',
      'demo.sh',
      'vitest.config.ts',
    ],
  },
  hooks: {
    // Content-script matches depend on the build's Xero target, which entrypoint options cannot see.
    'build:manifestGenerated': (wxt, manifest) => applyXeroMatches(manifest, xeroFor(wxt.config.mode)),
  },
});
