import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_DEMO_USER,
  SANDBOX_FIREFOX_REDIRECT_HOST_HASH,
  SANDBOX_MANIFEST_KEY,
} from '@/lib/config/sandbox-build';
import { DEFAULT_SANDBOX_URL } from '@/lib/config/xero';
import { openPackage, PACKAGES, type Package, ROOT } from './support';

/** Anything from the sandbox build that must never reach a store package. */
const SANDBOX_TRACES = [
  '127.0.0.1',
  DEFAULT_SANDBOX_URL,
  SANDBOX_CLIENT_ID,
  SANDBOX_DEMO_USER.email,
  SANDBOX_MANIFEST_KEY.slice(0, 40),
  SANDBOX_FIREFOX_REDIRECT_HOST_HASH,
  '__sandbox',
];

/** A string of webextension-polyfill's own, which minifying keeps. */
const POLYFILL_TRACE = 'This script should only be loaded in a browser extension.';

/** The files a store package holds: the built extension, nothing else. */
const EXTENSION_FILE =
  /^(manifest\.json|(background|options|popup|tasks)\.(js|html)|xero-(start|page)\.js|managed-schema\.json|chunks\/[\w-]+\.js|content-scripts\/[\w-]+\.(js|css)|assets\/[\w-]+\.css|icon\/\d+\.png)$/;

async function expectStorePackage(pkg: Package) {
  expect(pkg.files.filter((file) => !EXTENSION_FILE.test(file))).toEqual([]);
  expect(pkg.files).toEqual(
    expect.arrayContaining([
      'manifest.json',
      'background.js',
      'options.html',
      // The start script (manifest) and the content script the background injects after load.
      'xero-start.js',
      'xero-page.js',
    ]),
  );
  // Every Xero page evaluates the start script while it loads: it must stay tiny (no polyfill, no schema).
  expect((await pkg.text('xero-start.js')).length).toBeLessThan(2048);
  // Both scripts on Xero's pages use the browser's own runtime: the polyfill is not evaluated there.
  for (const file of ['xero-start.js', 'xero-page.js'])
    expect(await pkg.text(file), file).not.toContain(POLYFILL_TRACE);
  // The extension's own pages still use it (the check above would pass on an empty build otherwise).
  expect(await pkg.text('background.js')).toContain(POLYFILL_TRACE);
  for (const file of pkg.files.filter((f) => /\.(js|html|css|json)$/.test(f))) {
    const text = await pkg.text(file);
    // No source maps, inline or linked.
    expect(text, file).not.toMatch(/sourceMappingURL/);
    for (const trace of SANDBOX_TRACES) expect(text.includes(trace), `${file} contains ${trace}`).toBe(false);
  }
}

/** The environment `npm run zip` builds in: vitest's NODE_ENV=test would change the bundle. */
function buildEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && !key.startsWith('VITEST')),
  );
}

describe('store packages (npm run zip)', () => {
  test('the Chrome Web Store zip holds only the production build', async () => {
    await expectStorePackage(await openPackage(PACKAGES.chrome));
  });

  test('the Firefox add-on zip holds only the production build', async () => {
    await expectStorePackage(await openPackage(PACKAGES.firefox));
  });

  describe('the Firefox sources zip', () => {
    let workDir: string | undefined;
    afterAll(async () => {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    test('holds the extension’s sources and build files, and no tests, sandbox, tooling or outputs', async () => {
      const sources = await openPackage(PACKAGES.firefoxSources);
      expect(sources.files).toEqual(
        expect.arrayContaining([
          'package.json',
          'package-lock.json',
          'wxt.config.ts',
          'tsconfig.json',
          'README.md',
          'entrypoints/background.ts',
          'public/managed-schema.json',
        ]),
      );
      const outside = sources.files.filter(
        (file) => !/^(entrypoints|lib|components|public)\//.test(file) && !file.includes('/'),
      );
      expect(outside.sort()).toEqual(
        [
          'README.md',
          'env.d.ts',
          'package-lock.json',
          'package.json',
          'tsconfig.json',
          'wxt.config.ts',
        ].sort(),
      );
      expect(
        sources.files.filter(
          (file) => !/^(entrypoints|lib|components|public)\//.test(file) && file.includes('/'),
        ),
      ).toEqual([]);
      expect(sources.files.filter((file) => /\.test\.|(^|\/)\.env/.test(file))).toEqual([]);
    });

    test('rebuilds the Firefox add-on byte for byte, as AMO reviewers must', async () => {
      const sources = await openPackage(PACKAGES.firefoxSources);
      const firefox = await openPackage(PACKAGES.firefox);
      workDir = await mkdtemp(path.join(tmpdir(), 'client-hub-sources-'));
      for (const file of sources.files) {
        await mkdir(path.dirname(path.join(workDir, file)), { recursive: true });
        await writeFile(path.join(workDir, file), await sources.bytes(file));
      }
      // Reviewers run `npm ci`; the same lockfile is already installed here.
      await symlink(path.join(ROOT, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
      const build = spawnSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], {
        cwd: workDir,
        encoding: 'utf8',
        env: buildEnv(),
      });
      expect(build.status, build.stderr).toBe(0);
      const outDir = path.join(workDir, '.output', 'firefox-mv3');
      for (const file of firefox.files) {
        const rebuilt = await readFile(path.join(outDir, file));
        expect(Buffer.compare(rebuilt, Buffer.from(await firefox.bytes(file))), file).toBe(0);
      }
    }, 120_000);
  });
});
