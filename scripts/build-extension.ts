import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Builds the sandbox build of the extension (the one the demo and end-to-end tests load). */
export function buildSandboxExtension(browser: 'chrome' | 'firefox' = 'chrome'): string {
  const args = [
    'wxt',
    'build',
    '--mode',
    'sandbox',
    ...(browser === 'firefox' ? ['-b', 'firefox', '--mv3'] : []),
  ];
  const result = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error(`Building the ${browser} sandbox extension failed`);
  return path.join(ROOT, '.output', `${browser}-mv3-sandbox`);
}
