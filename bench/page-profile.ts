import { loadavg } from 'node:os';
import path from 'node:path';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { launchWithExtension } from '../scripts/chromium';
import {
  type CpuProfile,
  connect,
  FIRST_SCREEN_DRAWN,
  isOurScript,
  LOAD_SETTLE_MS,
  profiled,
  SCROLL_THROUGH,
} from './page';

/**
 * Where our content script's main-thread time goes on the 1,000-row list page, per function: V8's
 * sampling profiler (0.1 ms) over the load phase and the scroll to the end, as in `bench/page.ts`.
 * Every sample whose stack holds a frame of our script counts; it is charged to its leaf (often a
 * DOM call or the garbage collector) and to the innermost frame of ours. Build first, unminified for
 * readable names: `PROFILE_BUILD=1 npx wxt build --mode sandbox` (writes .output-profile/), then
 * `npx tsx bench/page-profile.ts [runs]`.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILD = process.env.PROFILE_EXTENSION ?? path.join(ROOT, '.output-profile/chrome-mv3-sandbox');
const RUNS = Number(process.argv[2] ?? 3);
const ROWS = Number(process.env.PROFILE_ROWS ?? 1000);

type Frame = CpuProfile['nodes'][number]['callFrame'];

type Tally = Map<string, number>;
const add = (tally: Tally, key: string, us: number) => tally.set(key, (tally.get(key) ?? 0) + us);
const name = (frame: Frame) =>
  `${frame.functionName || '(anonymous)'}${isOurScript(frame.url) ? `:${frame.lineNumber + 1}` : frame.url ? ` [${frame.url.split('/').pop()}]` : ''}`;

function tallyOf(profile: CpuProfile, leaf: Tally, ours: Tally, stacks: Tally, outer: Tally): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const us = Math.min(deltas[i + 1] ?? 100, 1000);
    const chain: Frame[] = [];
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node) chain.push(node.callFrame);
    }
    const innermost = chain.find((frame) => isOurScript(frame.url));
    if (!innermost) continue;
    total += us;
    add(leaf, name(chain[0] as Frame), us);
    add(ours, name(innermost), us);
    const path = chain
      .filter((frame) => isOurScript(frame.url))
      .slice(0, 4)
      .map(name)
      .join(' < ');
    add(stacks, `${chain[0] === innermost ? '' : `${name(chain[0] as Frame)} < `}${path}`, us);
    // Where the work started: the outermost frames of ours (an entry point, a callback, a task).
    const entry = chain
      .filter((frame) => isOurScript(frame.url))
      .slice(-3)
      .reverse()
      .map(name)
      .join(' > ');
    add(outer, entry, us);
  }
  return total;
}

const print = (title: string, tally: Tally, runs: number, top = 25) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${(us / 1000 / runs).toFixed(2).padStart(7)} ms  ${key}`);
};

const sandbox: Sandbox = await startSandbox({ port: 0, seed: 7, scale: 1500 });
const browser = await launchWithExtension(BUILD, { headless: true });
try {
  const org = sandbox.state.organisations[0];
  const account = org?.accounts.find((a) => a.bankAccountType === 'BANK');
  if (!org || !account) throw new Error('the sandbox has no bank account');
  await connect(browser.context, browser.extensionId, org.organisation);
  const url = `${sandbox.url}/Bank/BankTransactions.aspx?accountID=${account.accountId}&tenant=${org.organisation.tenantId}&rows=${ROWS}`;
  const phases = ['load', 'scroll'] as const;
  const tallies = Object.fromEntries(
    phases.map((phase) => [
      phase,
      { leaf: new Map(), ours: new Map(), stacks: new Map(), outer: new Map(), total: 0 },
    ]),
  ) as Record<
    (typeof phases)[number],
    { leaf: Tally; ours: Tally; stacks: Tally; outer: Tally; total: number }
  >;
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  for (let run = -1; run < RUNS; run++) {
    const page = await browser.context.newPage();
    const load = await profiled(browser.context, page, async () => {
      await page.goto(url, { waitUntil: 'load' });
      await page.evaluate(FIRST_SCREEN_DRAWN(ROWS));
      await page.waitForTimeout(LOAD_SETTLE_MS);
    });
    const scroll = await profiled(browser.context, page, async () => {
      await page.evaluate(SCROLL_THROUGH);
      await page.waitForTimeout(300);
    });
    await page.close();
    if (run < 0) continue; // warm-up
    for (const [phase, profile] of [
      ['load', load],
      ['scroll', scroll],
    ] as const) {
      const t = tallies[phase];
      const ms = tallyOf(profile, t.leaf, t.ours, t.stacks, t.outer);
      t.total += ms;
      console.log(`run ${run + 1} ${phase}: ${(ms / 1000).toFixed(1)} ms of samples with our frames`);
    }
  }
  for (const phase of phases) {
    const t = tallies[phase];
    console.log(
      `\n===== ${phase}: ${(t.total / 1000 / RUNS).toFixed(1)} ms per run (sampled wall time) =====`,
    );
    print('by leaf (self)', t.leaf, RUNS);
    print('by innermost frame of ours', t.ours, RUNS);
    print('by stack (leaf < ours…)', t.stacks, RUNS, 30);
    print('by entry (outermost frames of ours >)', t.outer, RUNS, 40);
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await browser.close();
  await sandbox.close();
}
