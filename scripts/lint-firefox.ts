/**
 * `npm run lint:firefox`: runs `web-ext lint` (Mozilla's addons-linter, what AMO runs on upload) on
 * the Firefox builds given as arguments. Fails on any error, and on any warning that is not one of
 * the explained ones below (the README's "web-ext lint warnings" section says the same).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LintMessage {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}
interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

/**
 * Warnings we accept, each recognised by its code and by the code around it, so the same warning
 * from anywhere else still fails.
 */
export const EXPLAINED_WARNINGS = [
  {
    code: 'DANGEROUS_EVAL',
    why: 'zod 4 probes once whether `new Function("")` is allowed, to pick its faster parser. The extension CSP forbids it, the probe catches the error, and zod uses its plain parser. No string is ever evaluated.',
    // zod's allowsEval(): `if (config.jitless || …) return false; try { Function(""); return true } catch { return false }`
    near: /jitless[\s\S]{0,160}Function\(``\)/,
  },
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    why: 'Preact’s renderer assigns innerHTML only for the `dangerouslySetInnerHTML` prop, which our code never uses (biome forbids it). Text from Xero is always rendered as text.',
    near: /dangerouslySetInnerHTML[\s\S]{0,200}\.innerHTML=/,
  },
] as const;

function around(dir: string, message: LintMessage): string {
  if (!message.file || message.line === undefined) return '';
  const lines = readFileSync(path.join(dir, message.file), 'utf8').split('\n');
  const line = lines[message.line - 1] ?? '';
  const column = message.column ?? 0;
  return line.slice(Math.max(0, column - 400), column + 400);
}

export function lintFirefoxBuild(dir: string): { report: LintReport; unexplained: LintMessage[] } {
  const result = spawnSync('npx', ['web-ext', 'lint', '--source-dir', dir, '--output', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const json = result.stdout.slice(result.stdout.indexOf('{'));
  let report: LintReport;
  try {
    report = JSON.parse(json) as LintReport;
  } catch {
    throw new Error(`web-ext lint gave no report for ${dir}:\n${result.stdout}\n${result.stderr}`);
  }
  const unexplained = report.warnings.filter((warning) => {
    const context = around(dir, warning);
    return !EXPLAINED_WARNINGS.some((known) => known.code === warning.code && known.near.test(context));
  });
  return { report, unexplained: [...report.errors, ...unexplained] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: tsx scripts/lint-firefox.ts <firefox build dir>…');
  let failed = false;
  for (const dir of dirs) {
    const { report, unexplained } = lintFirefoxBuild(dir);
    const { errors, warnings, notices } = report.summary;
    console.log(
      `${dir}: ${errors} errors, ${warnings} warnings (${warnings - (unexplained.length - errors)} explained in the README), ${notices} notices`,
    );
    for (const message of unexplained) {
      failed = true;
      console.log(`  ${message.code} ${message.file ?? ''}:${message.line ?? ''} ${message.message}`);
    }
  }
  if (failed) {
    console.log('Fix these, or explain the warning in the README and in scripts/lint-firefox.ts.');
    process.exit(1);
  }
}
