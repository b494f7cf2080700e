import { loadavg } from 'node:os';
import path from 'node:path';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { launchWithExtension } from '../scripts/chromium';
import { connect, measure, type Run } from './page';

/**
 * Two or more builds of the extension on the 1,000-row list page, measured as `bench/page.ts` measures
 * (our CPU at load, every badge drawn), interleaved in one run with the order rotating, so a change
 * can be judged against the code before it on a shared, busy machine. Each argument is a built
 * extension folder (e.g. `wxt build --mode sandbox` output copied aside):
 * `npx tsx bench/page-compare.ts .output/before .output/chrome-mv3-sandbox` (BENCH_PAGE_RUNS runs).
 */

const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 7);
const ROWS = Number(process.env.PROFILE_ROWS ?? 1000);
const builds = process.argv.slice(2).map((dir) => path.resolve(dir));
if (builds.length < 2) throw new Error('name two or more built extension folders');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');

const sandbox: Sandbox = await startSandbox({ port: 0, seed: 7, scale: 1500 });
const browsers = await Promise.all(builds.map((dir) => launchWithExtension(dir, { headless: true })));
try {
  const org = sandbox.state.organisations[0];
  const account = org?.accounts.find((a) => a.bankAccountType === 'BANK');
  if (!org || !account) throw new Error('the sandbox has no bank account');
  for (const browser of browsers) await connect(browser.context, browser.extensionId, org.organisation);
  const url = `${sandbox.url}/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${org.organisation.tenantId}&rows=${ROWS}`;
  console.log(`load average at start: ${load()}`);
  for (const browser of browsers) await measure(browser.context, url, ROWS, { scroll: true });
  const runs: Run[][] = builds.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < browsers.length; k++) {
      const b = (i + k) % browsers.length;
      runs[b]?.push(
        await measure((browsers[b] as (typeof browsers)[number]).context, url, ROWS, { scroll: true }),
      );
    }
  }
  const per1000 = (ms: number) => ((ms * 1000) / ROWS).toFixed(1);
  builds.forEach((dir, b) => {
    const list = runs[b] ?? [];
    const atLoad = list.map((r) => r.scriptMs);
    const scroll = list.map((r) => r.scroll?.scriptMs ?? Number.NaN);
    const every = list.map((r) => r.scriptMs + (r.scroll?.scriptMs ?? Number.NaN));
    console.log(
      `${dir}: per 1,000 rows, CPU at load ${per1000(median(atLoad))} ms (${atLoad.map(per1000).join(', ')}), scrolling ${per1000(median(scroll))} ms, every badge drawn ${per1000(median(every))} ms (${every.map(per1000).join(', ')}); load event ${Math.round(median(list.map((r) => r.loadMs)))} ms, first screen ${Math.round(median(list.map((r) => (r.firstScreenMs ?? Number.NaN) - r.loadMs)))} ms after it`,
    );
  });
  console.log(`load average at end: ${load()}`);
} finally {
  for (const browser of browsers) await browser.close();
  await sandbox.close();
}
