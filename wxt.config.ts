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

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  manifest: ({ browser, mode, command }) =>
    manifestFor({ browser, xero: xeroFor(mode), dev: command === 'serve' }),
  // WXT_UNMINIFIED=1: readable function names in a CPU profile (BENCH_HUB_PULL_PROFILE=1).
  vite: () => ({
    plugins: [preact(), polyfillAsEsModule()],
    ...(process.env.WXT_UNMINIFIED ? { build: { minify: false } } : {}),
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
