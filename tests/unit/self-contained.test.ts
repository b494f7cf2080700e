import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

/**
 * A clone in any folder must pass: nothing in the project may read outside its own folder (the team's
 * reference notes sit beside our workspace, not beside a clone). CI proves it by running from a clone whose
 * parent holds nothing else (.ci/run); this catches the mistake earlier, in the source.
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SKIP = new Set([
  'node_modules',
  '.git',
  '.output',
  '.output-profile',
  '.wxt',
  '.cache',
  'artifacts',
  'test-results',
]);
const SOURCE = /\.(ts|tsx|js|mjs|cjs|sh|json)$|^(run|demo\.sh)$/;

/** Paths into the workspace beside the repository, or absolute paths to where it happens to be checked out. */
const OUTSIDE = [
  /\.\.[/\\]+shared\b/,
  /['"`]\.\.['"`],\s*['"`]shared['"`]/,
  /\/work\//,
  /\bhomedir\(\)/,
  new RegExp(repoRoot.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

test('no source file reads outside the project folder', () => {
  const files = sourceFiles(repoRoot);
  // The walk really saw the project (a wrong root would pass vacuously).
  expect(files).toContain(path.join(repoRoot, 'package.json'));
  expect(files).toContain(path.join(repoRoot, '.ci', 'run'));
  const self = path.join(repoRoot, 'tests', 'unit', 'self-contained.test.ts');
  const offenders = files
    .filter((file) => file !== self)
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return OUTSIDE.filter((pattern) => pattern.test(text)).map(
        (pattern) => `${path.relative(repoRoot, file)}: ${pattern}`,
      );
    });
  expect(offenders).toEqual([]);
});

test('the OpenAPI files the sandbox is checked against are in the repository, with their licence', () => {
  const dir = path.join(repoRoot, 'sandbox', 'openapi');
  expect(readdirSync(dir).sort()).toEqual([
    'LICENSE',
    'README.md',
    'xero-identity.yaml',
    'xero_accounting.yaml',
  ]);
  expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/\b[0-9a-f]{40}\b/);
});
