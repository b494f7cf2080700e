import { runHubBench } from './hub';
import { runHubPullBench } from './hub-pull';
import { runPageBench } from './page';
import { runPortalBench } from './portal';
import { runSuggestionsBench } from './suggestions';
import { runSyncBench } from './sync';
import { runTasksBench } from './tasks';

/** `npm run bench`: every benchmark part in turn, each printing its own figures. */
const parts: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'sync', run: () => runSyncBench() },
  { name: 'page', run: () => runPageBench() },
  // Client Tasks: the page with 10,000 tasks (needs `npm run build:sandbox`) and outbox throughput.
  { name: 'tasks', run: () => runTasksBench() },
  // The Client Hub server on PGlite and PostgreSQL (DATABASE_URL; `npm run bench` sets it when PostgreSQL is installed).
  { name: 'hub', run: () => runHubBench() },
  // The extension's pull of the hub's changes feed: first pull of 100,000 tasks, near-live latency.
  { name: 'hub-pull', run: () => runHubPullBench() },
  // Suggested accounts: coverage and precision against the sandbox's hidden truth, calls, speed.
  { name: 'suggestions', run: () => runSuggestionsBench() },
  // The client portal: a client with 200 open questions opens it (server time p95, bytes sent).
  { name: 'portal', run: () => runPortalBench() },
];

for (const part of parts) {
  const started = performance.now();
  console.log(`\n== ${part.name} ==`);
  await part.run();
  console.log(`(${part.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
