import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Tiers (see README "Tests"): unit (pure logic, fake browser), sandbox (the Xero sandbox over HTTP),
// integration (lib against the sandbox, fake-indexeddb), package (the store zips), e2e (built
// extension in Chromium), e2e-firefox (the Firefox build in Firefox ESR), hub (the Client Hub server over
// HTTP, on PGlite, or on PostgreSQL when DATABASE_URL is set).
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          setupFiles: ['tests/setup/fake-indexeddb.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'sandbox',
          include: ['tests/sandbox/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        plugins: [WxtVitest()],
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          setupFiles: ['tests/setup/fake-indexeddb.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One Chromium at a time: the machine has two cores and the sandbox build expects one port.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The store packages `npm run zip` made (npm run test:package zips first).
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-firefox',
          include: ['tests/e2e-firefox/**/*.test.ts'],
          environment: 'node',
          // One Firefox at a time, on the sandbox port the Firefox sandbox build expects.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'hub',
          include: ['tests/hub/**/*.test.ts'],
          environment: 'node',
          // Each file opens its own embedded database (seconds on this machine): hooks get room.
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Says which database the run had (PGlite only, or PostgreSQL from DATABASE_URL).
          globalSetup: ['tests/support/hub-database-report.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Tests that need a real PostgreSQL server (two instances on one database, a hub killed
          // mid-write, the database going away). Only `npm run test:hub:postgres` runs them: its
          // global setup refuses to run without DATABASE_URL instead of skipping.
          name: 'hub-postgres',
          include: ['tests/hub-postgres/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/hub-postgres/require-postgres.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
